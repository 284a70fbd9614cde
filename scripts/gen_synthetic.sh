#!/usr/bin/env bash
# gen_synthetic.sh DIR [INDICATORS] [ANNEXES] [ROWS_PER_ANNEX] — writes a synthetic
# plan (report.ini, CSVs, template) for the performance figures of SPEC §9.
# Deterministic: the same arguments give the same files.
set -euo pipefail
dir=$1
n=${2:-2000}
nannex=${3:-40}
rows=${4:-60}
mkdir -p "$dir"
cat >"$dir/report.ini" <<INI
[report]
title    = 合成测试市科技创新规划中期评估报告（性能测试）
issuer   = 合成测试市科学技术局
date     = 2023-08-15
draft    = true
template = report.md

[period]
base_year   = 2020
target_year = 2025
eval_year   = 2023

[indicators]
file  = indicators.csv
title = 核心指标完成情况

[targets]
file  = targets.csv
title = 量化目标完成情况

[counties]
file  = counties.csv
title = 各县区目标完成情况
INI
for ((a = 1; a <= nannex; a++)); do
  printf '\n[annex.%d]\nfile  = annex%d.csv\ntitle = 第%d批重点项目计划\nmerge = 类别\ntotal = 投资\nunit  = 万元\n' \
    "$a" "$a" "$a" >>"$dir/report.ini"
done

gen_indicators() {  # count, id prefix
  awk -v n="$1" -v pre="$2" 'BEGIN {
    print "id,name,unit,kind,direction,base,target,decimals,chapter,2021,2022,2023,2024,2025"
    srand(7);
    for (i = 1; i <= n; i++) {
      base = 10 + (i * 37) % 90; target = base * (1.3 + (i % 7) / 10);
      kind = (i % 11 == 0) ? "growth" : "level";
      if (kind == "growth") { base = 5; target = 8 }
      a1 = base + (target - base) * ((i * 13) % 40) / 100;
      a2 = base + (target - base) * ((i * 17) % 60) / 100;
      a3 = base + (target - base) * ((i * 19) % 90) / 100;
      if (kind == "growth") { a1 = 6 + i % 5; a2 = 7 + i % 3; a3 = 4 + i % 6 }
      printf "%s%d,第%d项合成指标：规模以上工业企业研发活动覆盖率与成果转化水平,%s,%s,up,%.2f,%.2f,2,第%d章,%.2f,%.2f,%s,,\n",
        pre, i, i, (i % 3 ? "家" : "%"), kind, base, target, 3 + i % 8, a1, a2, (i % 13 == 0 ? "" : sprintf("%.2f", a3))
    }
  }'
}
gen_indicators "$n" "" >"$dir/indicators.csv"
gen_indicators $((n / 4)) "T" >"$dir/targets.csv"
awk 'BEGIN { print "county,measure,unit,year,target,actual";
  for (c = 1; c <= 12; c++) for (y = 2021; y <= 2023; y++)
    printf "第%d县区,新增高新技术企业,家,%d,%d,%d\n", c, y, 3 + c % 4, 2 + (c * y) % 5 }' >"$dir/counties.csv"
for ((a = 1; a <= nannex; a++)); do
  awk -v rows="$rows" -v a="$a" 'BEGIN { print "序号,类别,项目名称,投资,承担单位";
    for (r = 1; r <= rows; r++)
      printf "%d,%s,第%d批第%d个重点科技项目：关键核心技术攻关与产业化示范,%d,合成测试市第%d科技有限公司\n",
        r, (r <= rows / 3 ? "产业技术" : (r <= 2 * rows / 3 ? "社会发展" : "平台建设")), a, r, 100 + (r * 37) % 900, r }' \
    >"$dir/annex$a.csv"
done
cat >"$dir/report.md" <<'MD'
# {{report.title}}

## 总体进展

截至{{period.data_year}}年，{{indicators.summary}}{{targets.summary}}

滞后的指标有：{{indicators.lagging}}。

## 核心指标完成情况

{{table indicators}}

## 重点任务推进情况

{{table targets}}

## 县区目标完成情况

{{counties.summary}}

{{table counties}}

{{annexes}}
MD
