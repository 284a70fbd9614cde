#!/usr/bin/python3
"""gen_large.py KIND MEGABYTES DIR — writes DIR/report.ini and the CSVs of a
large-input case of about MEGABYTES MB in the table KIND:
  indicators  an indicators CSV of distinct ids (all other tables tiny)
  targets     the same schema in [targets]
  counties    distinct county names, two years each
  annex       an annex table with a merged and a summed column
  row         an annex whose header is one single row of MEGABYTES MB of commas
  wide        an annex of one data row of MEGABYTES MB of short cells
Used by tests/large/check_large.sh and scripts/bench.sh; deterministic."""
import os
import sys

kind, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
size = int(mb * 1024 * 1024)
os.makedirs(out, exist_ok=True)

TINY_IND = ("id,name,unit,kind,base,target,2021,2022,2023\n"
            "1,高新技术企业数,家,level,100,200,120,140,160\n")
INI = """[report]
title = 大输入测试报告
issuer = 测试局
date = 2023-08-15
draft = true
template = %s

[period]
base_year = 2020
target_year = 2025
eval_year = 2023

[indicators]
file = indicators.csv
title = 核心指标
"""


def fill(path, header, row_fn):
    """Writes header then rows row_fn(i) until the file reaches `size` bytes."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        n = len(header.encode())
        i = 1
        while n < size:
            line = row_fn(i)
            f.write(line)
            n += len(line.encode())
            i += 1


def write(name, text):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


ini = INI % "report.md"
template = "# {{report.title}}\n\n截至{{period.data_year}}年，{{indicators.summary}}\n\n{{table indicators}}\n"
if kind in ("indicators", "targets"):
    # short rows (about 45 bytes), as a machine export would give
    header = "id,name,unit,base,target,2021,2022,2023\n"
    fn = lambda i: "%d,指标%d,家,%d,%d,%d,%d,%d\n" % (
        i, i, 100 + i % 50, 200 + i % 70, 120 + i % 50, 140 + i % 50, 160 + i % 50)
    if kind == "indicators":
        fill(os.path.join(out, "indicators.csv"), header, fn)
    else:
        write("indicators.csv", TINY_IND)
        fill(os.path.join(out, "targets.csv"), header, fn)
        ini += "\n[targets]\nfile = targets.csv\ntitle = 量化目标\n"
        template += "\n{{targets.summary}}\n\n{{table targets}}\n"
elif kind == "counties":
    write("indicators.csv", TINY_IND)
    fill(os.path.join(out, "counties.csv"), "county,year,target,actual\n",
         lambda i: "县%d,%d,%d,%d\n" % ((i + 1) // 2, 2021 + i % 2, i % 7 + 1, i % 5))
    ini += "\n[counties]\nfile = counties.csv\ntitle = 各县区目标\n"
    template += "\n{{counties.summary}}\n\n{{table counties}}\n"
elif kind == "annex":
    write("indicators.csv", TINY_IND)
    fill(os.path.join(out, "annex.csv"), "序号,类别,项目名称,数量\n",
         lambda i: "%d,%s,第%d个项目的名称,%d\n" % (i, "类别%d" % (i // 100) if i % 100 == 1 else "",
                                                i, i % 9 + 1))
    ini += "\n[annex.1]\nfile = annex.csv\ntitle = 项目表\nmerge = 类别\ntotal = 数量\n"
elif kind == "row":
    write("indicators.csv", TINY_IND)
    write("annex.csv", "," * (size - 1) + "\n")
    ini += "\n[annex.1]\nfile = annex.csv\ntitle = 单行表\n"
elif kind == "wide":
    write("indicators.csv", TINY_IND)
    n = size // 4
    write("annex.csv", ",".join("c%d" % i for i in range(min(n, 100))) + "\n" +
          ",".join("%d" % (i % 100) for i in range(min(n, 100))) + "\n")
    ini += "\n[annex.1]\nfile = annex.csv\ntitle = 宽表\n"
else:
    sys.exit("gen_large.py: unknown kind " + kind)
if "annex" in ini:
    template += "\n{{annexes}}\n"
write("report.ini", ini)
write("report.md", template)
