#!/usr/bin/env bash
# check_all_kinds.sh PLANEVAL — a national-style main-indicator table with all
# eight kinds of SPEC §3.2 (GBK, Chinese headers and kind names, two years of
# data): every status, progress, computed status and change must be SPEC §4's,
# computed by hand below, and the PDF must show them (target wording, — for
# kinds without progress, * and the note for the overriding judgement, 较上年).
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/.." && pwd)
ini=$here/fixtures/all_kinds/report.ini
fields=$("$bin" --list-fields "$ini" 2>/dev/null)
fail=0
expect() {
  local line="$1 = $2"
  if ! grep -qxF -- "$line" <<<"$fields"; then
    echo "FAIL: expected '$line', got: $(grep -F -- "$1 =" <<<"$fields" | head -1)"
    fail=1
  fi
}
# B = 2020, T = 2025, y = 2022: τ = 0.4 (2021: 0.2)
# 1, 2 qualitative: the judgement is the status; no series, no change
expect indicators.1.status 符合序时进度
expect indicators.1.computed_status 符合序时进度
expect indicators.1.progress —
expect indicators.1.change —
expect indicators.2.status 快于序时进度
# 3 level: (65.2 − 60.6)/(65 − 60.6) = 1.045 → reached in 2022 → 提前完成;
#   2021: (64.7 − 60.6)/4.4 = 0.932, ρ = 4.66 → 快于: 好转
expect indicators.3.progress 104.5%
expect indicators.3.status 提前完成
expect indicators.3.change 好转
# 4 growth: F = 1.146·1.101 = 1.261746, p = ln F/(5 ln 1.07) = 0.687263, ρ = 1.718 → 快于;
#   2021: p = 0.402839, ρ = 2.014 → 快于: 持平; still needed ((1.07^5)/F)^(1/3) − 1 = 3.59 %
expect indicators.4.target '>7'
expect indicators.4.target_value 7.0
expect indicators.4.progress 68.7%
expect indicators.4.status 快于序时进度
expect indicators.4.change 持平
expect indicators.4.needed 此后年均需增长3.6%
# 5 level: (9.4 − 6.3)/(12 − 6.3) = 0.543860, ρ = 1.360 → 快于; 2021: 1.2/5.7 = 0.210526,
#   ρ = 1.053 → 符合: 好转; needed (12 − 9.4)/3 = 0.867 件 a year, (12/9.4)^(1/3) − 1 = 8.5 %
expect indicators.5.progress 54.4%
expect indicators.5.change 好转
expect indicators.5.needed '每年需增加0.87件（年均增长8.5%）'
# 6 reduction 〔13.5〕: ∏ = 0.973·0.999 = 0.972027, C = 2.80 %, p = ln ∏/ln 0.865 = 0.195632,
#   ρ = 0.489 → 进展缓慢; 2021: p = 0.188733, ρ = 0.944 → 符合: 下滑;
#   still needed 1 − (0.865/0.972027)^(1/3) = 3.81 % a year
expect indicators.6.target 〔13.5〕
expect indicators.6.total 2.8%
expect indicators.6.progress 19.6%
expect indicators.6.status 进展缓慢
expect indicators.6.change 下滑
expect indicators.6.needed 此后每年需降低3.8%
# 7 ceiling 5.5: 5.6 in 2022 breaches → computed 滞后序时进度; the office judges 符合 with
#   its reason; 2021 (5.1, within) computed 符合 → 持平
expect indicators.7.status 符合序时进度
expect indicators.7.computed_status 滞后序时进度
expect indicators.7.progress —
expect indicators.7.change 持平
expect indicators.7.needed 保持在5.5%以内
# 8 floor 6.5: 6.87 holds → 符合序时进度, 持平
expect indicators.8.status 符合序时进度
expect indicators.8.change 持平
# 9 cumulative 5500: S = 1269 + 1206 = 2475, p = 0.45, ρ = 1.125 → 快于; 2021: 1269/5500 = 0.2307,
#   ρ = 1.154 → 快于: 持平; still needed (5500 − 2475)/3 = 1008.3 万人 a year
expect indicators.9.total 2475
expect indicators.9.progress 45.0%
expect indicators.9.status 快于序时进度
expect indicators.9.needed 每年需完成1008.33万人
# 10 milestone: achieved in 2022 → 提前完成; 2021 not yet (滞后): 好转
expect indicators.10.status 提前完成
expect indicators.10.actual 已实现
expect indicators.10.change 好转
expect indicators.10.sentence 县县通5G网络全覆盖已于2022年实现，提前完成。
# 11 level, 约束性: (86.5 − 87)/(87.5 − 87) = −1.0 → 进展缓慢; 2021 reached → 提前完成: 下滑
expect indicators.11.progress -100.0%
expect indicators.11.status 进展缓慢
expect indicators.11.change 下滑
# 12 qualitative without a judgement
expect indicators.12.status 暂无数据
expect indicators.count.快于序时进度 4
expect indicators.count.符合序时进度 3
expect indicators.changes.summary '与上年相比，3项核心指标进展状态好转，4项持平，2项下滑。'
expect indicators.7.sentence '城镇调查失业率2022年为5.6%，高于5.5%的控制目标，测算为滞后序时进度；经综合研判，评估为符合序时进度（受疫情冲击，4月高点后逐月回落，全年平均值略超控制目标，就业形势总体稳定），今后需控制在5.5%以内。'
expect indicators.lagging 单位国内生产总值能源消耗降低、地级及以上城市空气质量优良天数比率
expect indicators.binding_lagging 单位国内生产总值能源消耗降低、地级及以上城市空气质量优良天数比率

# the PDF shows them
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" -q -o "$out" "$ini" 2>/dev/null || { echo "FAIL: planeval exit $?"; exit 1; }
# -raw: cells in drawing order, so that a header or figure wrapped in its cell
# reads whole (较上|年, 5.6|（2022年）)
txt=$(pdftotext -raw "$out/all_kinds.pdf" - 2>/dev/null | tr -d ' \n')
for s in 较上年 〔13.5〕 '<5.5' '〔>5500〕' 保持在合理区间 '符合序时进度*' 测算状态为滞后序时进度 \
         累计2475 已实现 下滑 好转 达标 未达标 '未达标（评估：符合序时进度*）'; do
  grep -qF -- "$s" <<<"$txt" || { echo "FAIL: PDF lacks '$s'"; fail=1; }
done
# the judged cap: no bar (no made-up percentage) — its row reads … 上限 … — …
# (the year all latest figures share heads their column, the time progress all
# rows share stands above the table: issue 14)
grep -qF -- '<5.55.6—符合序时进度*' <<<"$txt" ||
  { echo "FAIL: the cap's progress cell is not —"; fail=1; }
grep -qF -- '>6.56.87—符合序时进度' <<<"$txt" ||
  { echo "FAIL: the floor's progress cell is not —"; fail=1; }
grep -qF -- '时间进度：40.0%序号指标单位基期值目标值2022年最新值完成进度' <<<"$txt" ||
  { echo "FAIL: the table's time progress line or 最新值 header"; fail=1; }
[ $fail -eq 0 ] && echo "all_kinds: every figure as computed by hand, and in the PDF"
exit $fail
