#!/usr/bin/python3
"""gen_large.py KIND SIZE DIR — writes DIR/report.ini and the CSVs of a
large-input case. With SIZE in MB (about SIZE MB in the table KIND):
  indicators  an indicators CSV of distinct ids (all other tables tiny)
  targets     the same schema in [targets]
  counties    distinct county names, two years each
  annex       an annex table with a merged and a summed column
  row         an annex whose header is one single row of SIZE MB of commas
  wide        an annex of one data row of short cells, SIZE MB / 4 B of them but at
              most 100: too many columns for a landscape page even at one
              character a column (an error)
  long        an annex of rows of about 3.6 KB (a long description each; a row
              taller than a page is an error)
  template    a template of SIZE MB of paragraphs with fields
  brackets    a template of SIZE MB of `[x]` (three cmark nodes per three bytes)
With SIZE a count of rows (the cases up to the limits of README “规模上限”):
  rows-indicators  SIZE indicators and as many targets (short machine rows)
  rows-counties    SIZE county rows
  rows-annex       one annex of SIZE rows
  annexes          SIZE annexes of 49 rows each (100: the limits of annexes and rows)
Used by tests/large/check_large.sh and scripts/bench.sh; deterministic."""
import os
import sys

kind, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
size = int(mb * 1024 * 1024)
count = int(mb)
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
elif kind == "long":
    write("indicators.csv", TINY_IND)
    desc = "项目内容说明" * 200     # 3.6 KB: a row that still fits on a page (a taller one is an error)
    fill(os.path.join(out, "annex.csv"), "序号,项目名称,说明\n",
         lambda i: "%d,第%d个项目,%s\n" % (i, i, desc))
    ini += "\n[annex.1]\nfile = annex.csv\ntitle = 长文字表\n"
elif kind == "template":
    write("indicators.csv", TINY_IND)
    para = "## 第{n}部分\n\n截至{{{{period.data_year}}}}年，{{{{indicators.summary}}}}全市科技创新工作稳步推进。\n\n"
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# {{report.title}}\n\n")
        n, i = 0, 1
        while n < size:
            t = para.format(n=i)
            f.write(t)
            n += len(t.encode())
            i += 1
elif kind == "brackets":
    write("indicators.csv", TINY_IND)
    write("report.md", "# {{report.title}}\n\n" + "[x]" * (size // 3) + "\n")
elif kind == "rows-indicators":
    header = "id,name,unit,base,target,2021,2022,2023\n"
    rows = lambda p: header + "".join("%s%d,指标%d,家,%d,%d,%d,%d,%d\n" % (
        p, i, i, 100 + i % 50, 200 + i % 70, 120 + i % 50, 140 + i % 50, 160 + i % 50)
        for i in range(1, count + 1))
    write("indicators.csv", rows(""))
    write("targets.csv", rows("T"))
    ini += "\n[targets]\nfile = targets.csv\ntitle = 量化目标\n"
    template += "\n{{targets.summary}}\n\n{{table targets}}\n"
elif kind == "rows-counties":
    write("indicators.csv", TINY_IND)
    write("counties.csv", "county,year,target,actual\n" + "".join(
        "县%d,%d,%d,%d\n" % ((i + 1) // 2, 2021 + i % 2, i % 7 + 1, i % 5) for i in range(1, count + 1)))
    ini += "\n[counties]\nfile = counties.csv\ntitle = 各县区目标\n"
    template += "\n{{counties.summary}}\n\n{{table counties}}\n"
elif kind in ("rows-annex", "annexes"):
    write("indicators.csv", TINY_IND)
    n_annex, rows = (1, count) if kind == "rows-annex" else (count, 49)
    for a in range(1, n_annex + 1):
        write("annex%d.csv" % a, "序号,类别,项目名称,数量\n" + "".join(
            "%d,%s,第%d个项目的名称,%d\n" % (i, "类别%d" % (i // 100) if i % 100 == 1 else "", i, i % 9 + 1)
            for i in range(1, rows + 1)))
        ini += "\n[annex.%d]\nfile = annex%d.csv\ntitle = 项目表%d\nmerge = 类别\ntotal = 数量\n" % (a, a, a)
else:
    sys.exit("gen_large.py: unknown kind " + kind)
if "annex" in ini:
    template += "\n{{annexes}}\n"
write("report.ini", ini)
if kind not in ("template", "brackets"):
    write("report.md", template)
