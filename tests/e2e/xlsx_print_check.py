#!/usr/bin/python3
"""Prints the workbook through LibreOffice (soffice --headless --convert-to pdf)
and reads the PDF back with mutool (stext) as a department's printer would
produce it (issue 12): every visible sheet prints, no printed text is under
9 pt, every chart sheet prints its chart, titles and notes print whole, no two
text lines overlap, and no page of a table holds only its header and notes.

Exit 77 (skipped) when LibreOffice or mutool is not installed. With --report
it only prints the smallest font size per sheet (for before/after figures):
    xlsx_print_check.py --xlsx FILE.xlsx --workdir DIR --report
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xlsx_check  # noqa: E402  (fixtures and the LibreOffice profile)

SKIP = 77
MIN_PT = 9.0
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def to_pdf(lo, xlsx, workdir):
    out = os.path.join(workdir, "pdf")
    profile = os.path.join(workdir, "profile")
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    cmd = [lo, "-env:UserInstallation=file://" + os.path.abspath(profile), "--headless",
           "--norestore", "--convert-to", "pdf", "--outdir", out, xlsx]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240,
                       env=dict(os.environ, HOME=os.path.abspath(profile)))
    pdf = os.path.join(out, os.path.splitext(os.path.basename(xlsx))[0] + ".pdf")
    if p.returncode != 0 or not os.path.exists(pdf):
        sys.exit("libreoffice failed: %s" % p.stderr.decode("utf-8", "replace"))
    return pdf


def pages_of(pdf, names):
    """[(sheet, [(size, text, bbox)], page_number)] from mutool's structured
    text; a page belongs to the sheet named at the left of its header."""
    xml = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", pdf],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    out = []
    for i, page in enumerate(ET.fromstring(xml).iter("page")):
        lines = []
        for line in page.iter("line"):
            bbox = tuple(float(v) for v in line.get("bbox").split())
            for font in line.iter("font"):
                text = "".join(c.get("c") for c in font.iter("char"))
                if text.strip():
                    lines.append((float(font.get("size")), text, bbox))
        header = sorted(lines, key=lambda l: (round(l[2][1]), l[2][0]))
        top = "".join(l[1] for l in header if abs(l[2][1] - header[0][2][1]) < 2 and l[2][0] < 200) \
            if header else ""
        sheet = next((n for n in sorted(names, key=len, reverse=True) if top.startswith(n)), "?")
        out.append((sheet, lines, i + 1))
    return out


def flat(s):
    return re.sub(r"\s+", "", s or "")


def overlaps(a, b):
    """Two lines on different baselines whose boxes overlap by more than a
    third of the smaller one's height (a title or note printed over a row)."""
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    if ax1 <= bx0 + 0.5 or bx1 <= ax0 + 0.5:
        return False
    if abs(ay1 - by1) < 2.0:    # one baseline: a glyph from a fallback font, not an overlap
        return False
    inter = min(ay1, by1) - max(ay0, by0)
    return inter > min(ay1 - ay0, by1 - by0) / 3.0


def check_pdf(xlsx, pdf, report):
    wb = openpyxl.load_workbook(xlsx)
    visible = [n for n in wb.sheetnames if wb[n].sheet_state == "visible"]
    pages = pages_of(pdf, visible)
    per = collections.OrderedDict((n, []) for n in visible)
    for sheet, lines, no in pages:
        per.setdefault(sheet, []).append((lines, no))
    print("%-16s %6s  %s" % ("sheet", "pages", "smallest printed font (pt)"))
    for name, plist in per.items():
        sizes = [l[0] for lines, _ in plist for l in lines]
        smallest = min(sizes) if sizes else 0.0
        print("%-16s %6d  %.2f" % (name, len(plist), smallest))
        if report:
            continue
        if not plist:
            fail("%s: not printed" % name)
            continue
        if smallest < MIN_PT:
            fail("%s: text printed at %.2f pt (under %.0f pt)" % (name, smallest, MIN_PT))
        ws = wb[name]
        text = "".join(flat(l[1]) for lines, _ in plist for l in lines)
        if not hasattr(ws, "iter_rows"):        # a chart sheet: its title and labels print
            check_chart_page(name, plist, wb)
            continue
        check_sheet_pages(name, ws, plist, text)
    if not report and "?" in per:
        fail("pages %s belong to no sheet" % [no for _, no in per["?"]])


def check_chart_page(name, plist, wb):
    m = re.match(r"(.+)进度图(\d*)$", name)
    table = wb[m.group(1)]
    k = int(m.group(2) or "1") - 1
    hr = xlsx_check.find_row(table, "序号")
    h = xlsx_check.header_map(table, hr)
    rows = [r for r in range(hr + 1, table.max_row + 1)
            if table.cell(r, 1).value and table.cell(r, h["指标名称"]).value
            and not str(table.cell(r, h["指标名称"]).value).startswith("填报")]
    per = xlsx_check.CHART_PAGE_ITEMS
    names = [table.cell(r, h["指标名称"]).value for r in rows[k * per:(k + 1) * per]]
    text = "".join(flat(l[1]) for lines, _ in plist for l in lines)
    missing = [n for n in names if flat(n)[:4] not in text]
    if missing:
        fail("%s: chart does not print the labels of %s" % (name, missing[:3]))
    if "完成进度" not in text or "时间进度" not in text:
        fail("%s: chart legend not printed" % name)


def check_sheet_pages(name, ws, plist, text):
    # titles and notes print whole (a merged title cut at a page edge loses text)
    for row in ws.iter_rows(max_row=3):
        for c in row:
            if isinstance(c.value, str) and len(c.value) > 4 and c.font and c.font.b \
                    and c.font.sz and c.font.sz > 12:
                if flat(c.value) not in text:
                    fail("%s: title %r not printed whole" % (name, c.value))
    for row in ws.iter_rows(min_row=max(1, ws.max_row - 8)):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("注："):
                if flat(c.value) not in text:
                    fail("%s: note %r not printed whole" % (name, c.value[:30]))
    for lines, no in plist:
        for i in range(len(lines)):
            for j in range(i + 1, len(lines)):
                a, b = lines[i], lines[j]
                if a[2] != b[2] and overlaps(a[2], b[2]) and flat(a[1]) != flat(b[1]):
                    fail("%s page %d: %r overlaps %r" % (name, no, a[1][:20], b[1][:20]))
                    break
    # no page holds only the header row, the title and the notes
    hr = xlsx_check.find_row(ws, "序号") or xlsx_check.find_row(ws, "县区") or 0
    furniture = {flat(ws.title), "样稿"}
    for row in ws.iter_rows(max_row=hr + 1 if hr else 4):
        for c in row:
            if isinstance(c.value, str):
                furniture.add(flat(c.value))
    for row in ws.iter_rows(min_row=max(1, ws.max_row - 8)):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("注："):
                furniture.add(flat(c.value))
    for lines, no in plist:
        rest = flat("".join(l[1] for l in lines))
        for f in sorted(furniture, key=len, reverse=True):
            if f:
                rest = rest.replace(f, "")
        rest = re.sub(r"第\d+页共\d+页", "", rest)
        if not rest:
            fail("%s page %d holds only the header and notes" % (name, no))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--planeval")
    ap.add_argument("--ini")
    ap.add_argument("--edge", action="store_true", help="the generated edge-case fixture")
    ap.add_argument("--xlsx", help="an existing workbook instead of running planeval")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--report", action="store_true", help="only print the smallest sizes")
    args = ap.parse_args()
    lo = shutil.which("soffice") or shutil.which("libreoffice")
    if not lo or not shutil.which("mutool"):
        print("SKIP: LibreOffice or mutool (mupdf-tools) is not installed")
        return SKIP
    if os.path.isdir(args.workdir):
        shutil.rmtree(args.workdir)
    os.makedirs(args.workdir)
    xlsx = args.xlsx
    if not xlsx:
        if args.edge:
            args.ini = xlsx_check.write_edge_fixture(args.workdir)
        xlsx = xlsx_check.run_planeval(args, tempfile.mkdtemp(prefix="out-", dir=args.workdir))
    pdf = to_pdf(lo, xlsx, args.workdir)
    check_pdf(xlsx, pdf, args.report)
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("OK" if not args.report else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
