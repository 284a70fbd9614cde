#!/usr/bin/env bash
# check_other_city.sh PLANEVAL — another city's plan (2015–2020, GBK indicators with
# Chinese headers and kind/direction values): the figures must be those of SPEC §4,
# computed by hand below.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/.." && pwd)
ini=$here/fixtures/other_city/report.ini
fields=$("$bin" --list-fields "$ini" 2>/dev/null)
fail=0
expect() {
  local line="$1 = $2"
  if ! grep -qxF -- "$line" <<<"$fields"; then
    echo "FAIL: expected '$line', got: $(grep -F -- "$1 =" <<<"$fields" | head -1)"
    fail=1
  fi
}
# growth: F = 1.102·1.118·1.131 = 1.393444; p = ln F / (5·ln 1.12) = 0.58551
expect indicators.1.progress 58.6%
expect indicators.1.status 符合序时进度
# level: (1.47 − 1.10)/(2.00 − 1.10) = 0.41111, ρ = 0.685
expect indicators.2.progress 41.1%
expect indicators.2.status 滞后序时进度
# down: (0.55 − 0.62)/(0.50 − 0.62) = 0.58333, ρ = 0.972 ≥ 0.95
expect indicators.3.progress 58.3%
expect indicators.3.status 符合序时进度
# thousands separators: (1905.3 − 1250)/(2500 − 1250) = 0.52424, ρ = 0.874 < 0.95
expect indicators.4.progress 52.4%
expect indicators.4.actual 1905.3
expect indicators.4.status 滞后序时进度
# no baseline (full-width minus as missing): 182/300 = 0.60667
expect indicators.5.progress 60.7%
expect indicators.5.base —
expect indicators.6.status 暂无数据
expect indicators.6.target 30–35
expect period.data_year 2018
expect report.date 2018年9月30日
# counties: 57 of 59 (years with data); 乙县 9 of 15
expect counties.rate 96.6%
expect counties.乙县.rate 60.0%
expect counties.甲县.status 已完成
# --check prints every indicator and writes nothing
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" --check -o "$out/o" "$ini" >"$out/check.txt" 2>/dev/null
for n in 研究与试验发展经费投入增长 研发经费投入强度 万元地区生产总值能耗 技术合同成交额 高新技术企业数 省级以上研发平台; do
  grep -q "$n" "$out/check.txt" || { echo "FAIL: --check does not list $n"; fail=1; }
done
[ ! -e "$out/o" ] || { echo "FAIL: --check wrote $out/o"; fail=1; }
[ $fail -eq 0 ] && echo "other_city: all figures as computed by hand"
exit $fail
