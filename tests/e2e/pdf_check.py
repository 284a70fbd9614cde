#!/usr/bin/python3
"""End-to-end checks of the PDF renderer on a report.ini (SPEC §6, §9).

usage: pdf_check.py PLANEVAL REPORT_INI

Runs planeval twice into temporary directories and reads the PDF back with
poppler-utils and qpdf: fonts embedded and subset, qpdf --check, identical
bytes, a `— N —` on every page, the 28 mm left edge, no line starting with
closing punctuation, every indicator/target name and status printed, 续表
for tables that span pages, 附件1…N, and the 300 KB budget.
"""
import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile

LEFT_EDGE = 28 * 72 / 25.4          # 79.37 pt, GB/T 9704 5.2.2
RIGHT_EDGE = LEFT_EDGE + 156 * 72 / 25.4   # the 156 mm measure
MAX_BYTES = 300 * 1024
NO_LINE_START = "，。、；：？！）》”"
HALF_AT_END = "，。、；：？！）》」』】〕〉〗”’"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def squeeze(s):
    return re.sub(r"\s+", "", s)


def main():
    planeval, ini = sys.argv[1], os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="pe-pdf-e2e-")
    try:
        out1, out2 = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        os.mkdir(out1)
        os.mkdir(out2)
        r = run([planeval, "-q", ini, "-o", out1])
        check(r.returncode == 0, "planeval exit status %d: %s" % (r.returncode, r.stderr[-500:]))
        pdfs = [f for f in os.listdir(out1) if f.endswith(".pdf")]
        check(len(pdfs) == 1, "one PDF written, got %r" % pdfs)
        if not pdfs:
            return
        pdf = os.path.join(out1, pdfs[0])
        check(not [f for f in os.listdir(out1) if ".tmp-" in f], "no temporary file left")

        # determinism: a second run gives identical bytes
        run([planeval, "-q", ini, "-o", out2])
        with open(pdf, "rb") as f1, open(os.path.join(out2, pdfs[0]), "rb") as f2:
            check(f1.read() == f2.read(), "two runs give identical bytes")

        size = os.path.getsize(pdf)
        check(size <= MAX_BYTES, "PDF is %d bytes, budget %d" % (size, MAX_BYTES))

        # fonts: every font embedded and subset
        fonts = run(["pdffonts", pdf]).stdout.splitlines()[2:]
        check(len(fonts) >= 1, "pdffonts lists fonts")
        for line in fonts:
            cols = line.split()
            # name type... encoding emb sub uni object ID
            check(cols[-5] == "yes" and cols[-4] == "yes",
                  "font embedded and subset: " + line)

        r = run(["qpdf", "--check", pdf])
        check(r.returncode == 0, "qpdf --check: " + r.stdout[-300:])

        info = run(["pdfinfo", pdf]).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        check("A4" in info, "A4 pages")
        for key in ("Title", "Author", "Creator", "CreationDate"):
            check(re.search(r"^%s:\s+\S" % key, info, re.M) is not None, "document info " + key)

        # page numbers: — N — on every page
        for p in range(1, pages + 1):
            t = run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"]).stdout
            check(re.search(r"—\s*%d\s*—" % p, t) is not None, "page %d carries — %d —" % (p, p))

        # geometry and line starts from the bounding boxes
        bbox = run(["pdftotext", "-bbox-layout", pdf, "-"]).stdout
        raw = re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>\s*'
                         r'((?:<word[^>]*>[^<]*</word>\s*)+)</line>', bbox)
        # A compressed punctuation pair (`）、` at 1.5 em) makes glyph boxes
        # overlap, and pdftotext then cuts the line there: join the pieces
        # of one baseline that touch or overlap.
        lines = []
        for xmin, ymin, xmax, words in raw:
            if lines and abs(float(ymin) - lines[-1][3]) < 0.5 and \
                    float(lines[-1][0]) < float(xmin) <= float(lines[-1][1]) + 1.0:
                lines[-1] = (lines[-1][0], xmax, lines[-1][2] + words, lines[-1][3])
            else:
                lines.append((xmin, xmax, words, float(ymin)))
        lines = [(a, b, c) for a, b, c, _ in lines]
        starts = []
        at_edge = at_right = 0
        max_right = 0
        for xmin, xmax, words in lines:
            text = "".join(re.findall(r">([^<]*)</word>", words))
            if text in ("样", "稿", "样稿"):
                continue                    # the rotated watermark
            x = float(xmin)
            starts.append((x, text))
            if abs(x - LEFT_EDGE) <= 0.5:
                at_edge += 1
            right = float(xmax)
            # CLREQ: a stop or closing mark may end a line at half width (its
            # ink in the left half), so its box reaches half an em beyond
            if text and text[-1] in HALF_AT_END and right > RIGHT_EDGE + 0.5:
                right -= 8.0
            if abs(right - RIGHT_EDGE) <= 0.5:
                at_right += 1
            max_right = max(max_right, right)
        check(at_right >= 20, "justified lines end at the 156 mm measure (found %d)" % at_right)
        check(max_right <= RIGHT_EDGE + 0.5, "no text beyond the measure (max x %.2f)" % max_right)
        check(starts and min(x for x, _ in starts) >= LEFT_EDGE - 0.5,
              "no text left of the 28 mm margin (min x %.2f)" % min(x for x, _ in starts))
        check(at_edge >= 20, "body lines start at 28 mm ± 0.5 (found %d)" % at_edge)
        # the grid: never more than 22 body lines (3号, 16 pt) on a page, and
        # full pages of running text hold exactly 22
        per_page = []
        for page in bbox.split("<page ")[1:]:
            ys = set()
            for a in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"',
                                page):
                if 15.5 < float(a[1]) - float(a[0]) < 18.5:
                    ys.add(round(float(a[0]), 1))
            per_page.append(len(ys))
        check(per_page and max(per_page) == 22,
              "22 body lines on a full page (per page: %r)" % per_page)
        bad = [t for _, t in starts if t and t[0] in NO_LINE_START]
        check(not bad, "no line starts with closing punctuation: %r" % bad[:5])

        # content: every name and status of the evaluation is printed
        raw = squeeze(run(["pdftotext", "-raw", pdf, "-"]).stdout)
        fields = {}
        lf = run([planeval, "--list-fields", ini])
        for line in lf.stdout.splitlines():
            if " = " in line:
                k, v = line.split(" = ", 1)
                fields[k] = v
        n = 0
        for k, v in fields.items():
            m = re.match(r"(indicators|targets)\.([^.]+(?:\.[^.]+)*)\.(name|status|progress)$", k)
            if not m or not v or v == "—":
                continue
            n += 1
            check(squeeze(v) in raw, "%s “%s” printed" % (k, v))
        check(n > 0, "--list-fields gave indicator fields")
        check("续表" in raw, "续表 for a table spanning pages")

        cfg = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), strict=False)
        cfg.read(ini, encoding="utf-8")
        annexes = [s for s in cfg.sections() if s.startswith("annex.")]
        for i in range(1, len(annexes) + 1):
            check("附件%d" % i in raw, "附件%d present" % i)
        print("pdf_check: %d pages, %d bytes, %d fields checked, %d failures"
              % (pages, size, n, len(failures)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
