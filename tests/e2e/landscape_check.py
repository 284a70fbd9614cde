#!/usr/bin/python3
"""Landscape pages for an annex too wide for the portrait text block (issue 14,
GB/T 9704-2012 10.1), read back with real clients: poppler's pdfinfo (page
sizes), MuPDF's `mutool draw -F stext` (every character's position, direction
and size) and the OFD package itself (each page's PhysicalBox and the
Boundary of every text object).

On tests/fixtures/wide_annex (附件2: 14 columns whose tightest minima exceed
156 mm in 五号, on several pages), tests/fixtures/new_city (附件2: 13 columns
on one page, between pages of running text and two portrait annexes) and
tests/fixtures/overflow_annex (附件2: 17 columns too wide even for the
landscape block with every piece whole: its codes break between characters)
it asserts:
- 附件2 is set on landscape pages (A4 turned: 297 x 210 mm), starting with
  附件2 and ending before 附件3 (or the document's end), which is portrait
  again, as are the body and 附件1;
- no character runs outside its page; every upright character of a landscape
  page lies in the landscape text block (35 mm from the left, 28 mm from the
  top, 225 x 156 mm); on portrait pages upright characters keep within the
  156 mm measure (a stop or closing mark that ends a line set at half width,
  CLREQ's 行尾点号, may pass it by half its advance box: its ink stays inside,
  which typeset_check.py measures);
- no type below 五号 (10.5 pt);
- each continuation page of the annex opens with 续表 and repeats the header
  (项目名称);
- the page number of a landscape page stands where portrait pages have it,
  turned with the page (GB/T 9704 10.1): in the left margin, running down;
- the OFD gives every page the PDF's size and keeps every text object inside it.

usage: landscape_check.py PLANEVAL SRCDIR     (exits 77 without mutool/pdfinfo)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

MM = 72.0 / 25.4
A4_W, A4_H = 210 * MM, 297 * MM
BLOCK_W, BLOCK_H = 156 * MM, 225 * MM
LAND_LEFT, LAND_TOP = (297 - 37 - 225) * MM, 28 * MM    # landscape block, from the top-left
PORT_LEFT = 28 * MM
TOL = 1.0       # pt
MIN_SIZE = 10.5
# marks a line may end with at half width (as typeset_check.py's HALF_AT_END)
HALF_AT_END = set("，。、；：？！）》」』】〕〉〗”’")
# fixture, the word of its landscape annex's header, its least landscape pages
# (fixture, a header word, at least so many landscape pages, the annex after
# them or None when they end the document, the lines a page's header may take)
CASES = [("wide_annex", "项目名称", 2, 3, 4), ("new_city", "县（区）", 1, 3, 4),
         ("overflow_annex", "营业收入", 2, None, 12)]
OFD_NS = "{http://www.ofdspec.org/2016}"

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          check=True).stdout


def pdf_pages(pdf):
    """[(width, height)] of every page, from pdfinfo."""
    out = run(["pdfinfo", "-f", "1", "-l", "100000", pdf])
    return [(float(w), float(h)) for w, h in
            re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]


def stext(pdf):
    """Per page: (width, height, [(char, x0, y0, x1, y1, size, upright)]), top-down."""
    st = ET.fromstring(run(["mutool", "draw", "-F", "stext", "-o", "-", pdf]))
    pages = []
    for pg in st.iter("page"):
        chars = []
        for line in pg.iter("line"):
            d = [float(v) for v in (line.get("dir") or "1 0").split()]
            upright = abs(d[1]) < 0.01 and d[0] > 0
            for font in line.iter("font"):
                size = float(font.get("size"))
                for ch in font.iter("char"):
                    q = [float(v) for v in ch.get("quad").split()]
                    xs, ys = q[0::2], q[1::2]
                    chars.append((ch.get("c"), min(xs), min(ys), max(xs), max(ys), size, upright,
                                  d))
        pages.append((float(pg.get("width")), float(pg.get("height")), chars))
    return pages


def lines_of(chars):
    """Upright text lines of a page, top-down, as strings."""
    rows = {}
    for c in chars:
        if c[6] and c[5] < 60:
            rows.setdefault(round((c[2] + c[4]) / 2 / 3), []).append(c)
    return ["".join(c[0] for c in sorted(v, key=lambda c: c[1])) for k, v in sorted(rows.items())]


def check_ofd(ofd, sizes):
    with zipfile.ZipFile(ofd) as z:
        names = z.namelist()
        k = 0
        while "Doc_0/Pages/Page_%d/Content.xml" % k in names:
            root = ET.fromstring(z.read("Doc_0/Pages/Page_%d/Content.xml" % k))
            box = root.find(OFD_NS + "Area/" + OFD_NS + "PhysicalBox")
            check(box is not None, "OFD page %d has no PhysicalBox" % (k + 1))
            if box is None or k >= len(sizes):
                k += 1
                continue
            x, y, w, h = [float(v) for v in box.text.split()]
            pw, ph = sizes[k][0] / MM, sizes[k][1] / MM
            check(abs(w - pw) < 0.05 and abs(h - ph) < 0.05,
                  "OFD page %d is %.1f x %.1f mm, the PDF's %.1f x %.1f mm" % (k + 1, w, h, pw, ph))
            for t in root.iter(OFD_NS + "TextObject"):
                bx, by, bw, bh = [float(v) for v in t.get("Boundary").split()]
                check(bx >= -0.5 and by >= -0.5 and bx + bw <= w + 0.5 and by + bh <= h + 0.5,
                      "OFD page %d: text object %s outside the page (%s)" %
                      (k + 1, t.get("ID"), t.get("Boundary")))
            k += 1
        check(k == len(sizes), "OFD has %d pages, the PDF %d" % (k, len(sizes)))


def check_case(planeval, src, name, head, min_land, after, head_lines):
    ini = os.path.join(src, "tests/fixtures", name, "report.ini")
    tmp = tempfile.mkdtemp(prefix="pe-landscape-")
    try:
        subprocess.run([planeval, "-q", "--format", "pdf,ofd", "-o", tmp, ini], check=True,
                       stdout=subprocess.DEVNULL)
        pdf = os.path.join(tmp, "report.pdf")
        sizes = pdf_pages(pdf)
        pages = stext(pdf)
        check(len(sizes) == len(pages) and sizes, "%s: pdfinfo and mutool disagree on the pages" %
              name)
        land = [i for i, (w, h) in enumerate(sizes) if w > h]
        check(len(land) >= min_land, "%s: 附件2 should take at least %d landscape pages: %s" %
              (name, min_land, land))
        for i in land:
            w, h = sizes[i]
            check(abs(w - A4_H) < 0.5 and abs(h - A4_W) < 0.5,
                  "%s: page %d is %.1f x %.1f pt, not A4 landscape" % (name, i + 1, w, h))
        if land:
            check(land == list(range(land[0], land[-1] + 1)), "%s: landscape pages not in one run" %
                  name)
            first = lines_of(pages[land[0]][2])
            check(first and first[0] == "附件2", "%s: the first landscape page opens with %r" %
                  (name, first[:1]))
            nxt = land[-1] + 1
            if after:
                check(nxt < len(pages) and sizes[nxt][0] < sizes[nxt][1] and
                      lines_of(pages[nxt][2])[:1] == ["附件%d" % after],
                      "%s: 附件%d does not follow on a portrait page" % (name, after))
            else:
                check(nxt == len(pages), "%s: pages after the landscape annex" % name)
            check(land[0] > 0 and sizes[land[0] - 1][0] < sizes[land[0] - 1][1],
                  "%s: the page before 附件2 is not portrait" % name)
            check(any(head in s for s in lines_of(pages[land[0]][2])[:4 + head_lines]),
                  "%s: landscape page %d has no header (%s)" % (name, land[0] + 1, head))
            for i in land[1:]:
                ls = lines_of(pages[i][2])
                check(ls and ls[0].startswith("续表"),
                      "%s: landscape page %d does not open with 续表: %r" % (name, i + 1, ls[:1]))
                check(any(head in s for s in ls[:head_lines]),
                      "%s: landscape page %d does not repeat the header" % (name, i + 1))
        smallest = min((c[5] for _, _, cs in pages for c in cs), default=MIN_SIZE)
        check(smallest >= MIN_SIZE - 0.01, "%s: type below 五号: %.2f pt" % (name, smallest))
        for i, (w, h, chars) in enumerate(pages):
            out = [c for c in chars if c[1] < -TOL or c[2] < -TOL or c[3] > w + TOL or
                   c[4] > h + TOL]
            check(not out, "%s: page %d: text outside the page: %r" %
                  (name, i + 1, "".join(c[0] for c in out[:20])))
            body = [c for c in chars if c[6] and c[5] < 60]
            if w > h:
                outb = [c for c in body if c[1] < LAND_LEFT - TOL or c[3] > LAND_LEFT + BLOCK_H + TOL
                        or c[2] < LAND_TOP - 3 or c[4] > LAND_TOP + BLOCK_W + TOL]
                check(not outb, "%s: landscape page %d: text outside the text block: %r" %
                      (name, i + 1, "".join(c[0] for c in outb[:20])))
                num = [c for c in chars if not c[6] and c[5] < 60]
                check(num and all(c[7][1] > 0 and c[3] < LAND_LEFT for c in num) and
                      str(i + 1) in "".join(c[0] for c in num),
                      "%s: landscape page %d: page number not turned in the left margin" %
                      (name, i + 1))
            else:
                right = PORT_LEFT + BLOCK_W + TOL
                outb = [c for c in body if c[1] < PORT_LEFT - TOL or
                        c[3] > right + (0.5 * (c[3] - c[1]) if c[0] in HALF_AT_END else 0)]
                check(not outb, "%s: portrait page %d: text outside the measure: %r" %
                      (name, i + 1, "".join(c[0] for c in outb[:20])))
        check_ofd(os.path.join(tmp, "report.ofd"), sizes)
        print("%s: %d pages, landscape %s; smallest type %.1f pt" %
              (name, len(sizes), [i + 1 for i in land], smallest))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    for tool in ("mutool", "pdfinfo"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed (Debian mupdf-tools, poppler-utils)" % tool)
            return 77
    planeval, src = sys.argv[1], os.path.abspath(sys.argv[2])
    for name, head, min_land, after, head_lines in CASES:
        check_case(planeval, src, name, head, min_land, after, head_lines)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
