#!/usr/bin/python3
"""An 80-row annex across pages (tests/fixtures/long_annex): every row printed
once, 续表 and the header repeated on each continuation page, the merged
类别 label repeated on every page its group reaches, and the 合计 row.

usage: pdf_long_annex.py PLANEVAL FIXTURE_DIR
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def text(pdf, page=None, mode="-raw"):
    args = ["pdftotext", mode]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    r = subprocess.run(args + [pdf, "-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return re.sub(r"\s+", "", r.stdout)


def main():
    planeval, fixture = sys.argv[1], os.path.abspath(sys.argv[2])
    rows = list(csv.DictReader(open(os.path.join(fixture, "long_annex.csv"), encoding="utf-8")))
    tmp = tempfile.mkdtemp(prefix="pe-pdf-long-")
    try:
        r = subprocess.run([planeval, "-q", os.path.join(fixture, "report.ini"), "-o", tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(r.returncode == 0, "planeval exit status %d: %s" % (r.returncode, r.stderr[-400:]))
        pdf = os.path.join(tmp, "report.pdf")
        if not os.path.exists(pdf):
            return
        info = subprocess.run(["pdfinfo", pdf], stdout=subprocess.PIPE, text=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        per_page = [text(pdf, p) for p in range(1, pages + 1)]
        first = next((i for i, t in enumerate(per_page) if t.startswith("附件1") or
                      "附件1长表分页验证项目清单" in t), None)
        check(first is not None, "annex page found")
        if first is None:
            return
        annex_pages = per_page[first:]
        check(len(annex_pages) >= 3, "80 rows span at least three pages (%d)" % len(annex_pages))
        whole = "".join(annex_pages)
        for row in rows:
            n = whole.count(row["项目名称"])
            check(n == 1, "%s printed once (%d)" % (row["项目名称"], n))
        for k, t in enumerate(annex_pages):
            check("项目名称" in t and "牵头单位" in t, "header on annex page %d" % (k + 1))
            if k > 0:
                check("续表" in t, "续表 on annex page %d" % (k + 1))
            # the group of the first row on this page shows its label here
            names = [row for row in rows if row["项目名称"] in t]
            if names:
                check(names[0]["类别"] in t,
                      "merged label %s repeated on annex page %d" % (names[0]["类别"], k + 1))
        total = sum(int(row["数量"]) for row in rows)
        check(re.search("合计%d" % total, annex_pages[-1]) is not None or
              ("合计" in annex_pages[-1] and str(total) in annex_pages[-1]),
              "合计 row with %d" % total)
        print("pdf_long_annex: %d pages, annex on %d, %d failures"
              % (pages, len(annex_pages), len(failures)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
