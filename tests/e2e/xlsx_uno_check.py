#!/usr/bin/python3
"""Types into the shared workbook in LibreOffice Calc through UNO, as a
department would (issue 12), and checks that wrong entries are flagged in
数据检查 rather than silently changing a status:

  a number typed as text ('0.6), full-width digits (２１) → “…年为文本”
  0.6% typed into a % cell (LibreOffice stores 0.006)   → “…相差20倍以上”
  a blank year inside a growth series                   → “…年空缺”
  a negative count                                      → “…年为负数”

After LibreOffice recalculates: every edited row's 数据检查 names its problem,
every status that changed belongs to a flagged row, every untouched row keeps
its cached status and an empty check. The filled workbook is saved as .xlsx
(read back with openpyxl: protection, validation and the identification
survive) and printed to PDF (its pages carry the flags).

Exit 77 when LibreOffice or python3-uno is missing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xlsx_check  # noqa: E402

SKIP = 77
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def plan_edits(path):
    """Chooses the cells to type into from the workbook itself: the latest
    year of a % level, a count, a growth series with three years."""
    wb = openpyxl.load_workbook(path)
    ws = wb["核心指标"]
    hr = xlsx_check.find_row(ws, "序号")
    h = xlsx_check.header_map(ws, hr)
    years = sorted((int(t[:4]), c) for t, c in h.items()
                   if isinstance(t, str) and re.fullmatch(r"\d{4}年", t))
    rows = {}
    for r in range(hr + 1, ws.max_row + 1):
        ident = ws.cell(r, 1).value
        if ident in (None, ""):
            break
        unit = ws.cell(r, h["单位"]).value or ""
        kind = ws.cell(r, h["类型"]).value or ""
        filled = [(y, c) for y, c in years if isinstance(ws.cell(r, c).value, (int, float))]
        rows[r] = (unit, kind, filled)
    edits = []      # (row, column letter, how, value, expected message part, year)

    def letter(c):
        return openpyxl.utils.get_column_letter(c)

    used = set()
    pct = next((r for r, (u, k, f) in rows.items() if u == "%" and k == "水平值" and f), None)
    if check(pct, "no % level indicator with data"):
        y, c = rows[pct][2][-1]
        edits.append((pct, letter(c), "formula", "0.6%", "相差20倍以上", y))
        used.add(pct)
    growth = next((r for r, (u, k, f) in rows.items() if k == "年均增长" and len(f) >= 3), None)
    if check(growth, "no growth indicator with three years"):
        y, c = rows[growth][2][-2]          # a year inside the series
        edits.append((growth, letter(c), "clear", None, "空缺", y))
        used.add(growth)
    counts = [r for r, (u, k, f) in rows.items() if u != "%" and k == "水平值" and f and r not in used]
    if check(len(counts) >= 3, "fewer than three count indicators with data"):
        r = counts[0]
        y, c = rows[r][2][-1]
        edits.append((r, letter(c), "text", "0.6", "为文本", y))
        r = counts[1]
        y, c = rows[r][2][-1]
        edits.append((r, letter(c), "text", "２１", "为文本", y))
        r = counts[2]
        y, c = rows[r][2][-1]
        edits.append((r, letter(c), "number", -3.0, "为负数", y))
        used |= set(counts[:3])
    # the office's judgement on a row nobody else touched: 状态 follows it,
    # 测算状态 stays the arithmetic's
    judged = None
    if "评估结论" in h:
        wv = openpyxl.load_workbook(path, data_only=True)["核心指标"]
        judged = next((r for r in rows if r not in used and rows[r][2]
                       and not wv.cell(r, h["评估结论"]).value), None)
        if check(judged, "no row left for a judgement"):
            computed = wv.cell(judged, h["测算状态"]).value
            word = "符合序时进度" if computed != "符合序时进度" else "进展缓慢"
            edits.append((judged, letter(h["评估结论"]), "text", word, None, 0))
    return h, hr, edits


def run_uno(src, out_xlsx, out_pdf, edits, h, hr, profile):
    """Opens src in LibreOffice, types the edits, recalculates, reads the
    check and status columns of the rows under header row hr, saves as .xlsx
    and .pdf. Returns {row: (check, status)}."""
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

    lo = shutil.which("soffice") or shutil.which("libreoffice")
    os.makedirs(profile, exist_ok=True)
    pipe = "pe_xlsx_uno_%d" % os.getpid()
    proc = subprocess.Popen(
        [lo, "-env:UserInstallation=file://" + os.path.abspath(profile), "--headless",
         "--invisible", "--norestore", "--nologo", "--nodefault",
         "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=os.path.abspath(profile)))
    result = {}
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if proc.poll() is not None:
                    sys.exit("LibreOffice exited before accepting connections")
                time.sleep(0.5)
        if ctx is None:
            sys.exit("could not connect to LibreOffice")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)),
                                           "_blank", 0, (prop("Hidden", True),))
        sheet = doc.getSheets().getByName("核心指标")
        check(sheet.isProtected(), "核心指标 is not protected in LibreOffice")
        for row, col, how, value, _, _ in edits:
            cell = sheet.getCellRangeByName("%s%d" % (col, row))
            if how == "formula":
                cell.setFormula(value)          # parsed as typed: 0.6% is 0.006
            elif how == "text":
                cell.setString(value)           # stays text, as typed with a leading '
            elif how == "number":
                cell.setValue(value)
            else:
                cell.setString("")
        doc.calculateAll()
        letter = openpyxl.utils.get_column_letter
        r = hr
        while True:
            r += 1
            ident = sheet.getCellRangeByName("A%d" % r).getString()
            if not ident:
                break
            chk = sheet.getCellRangeByName("%s%d" % (letter(h["数据检查"]), r)).getString()
            st = sheet.getCellRangeByName("%s%d" % (letter(h["状态"]), r)).getString()
            cst = sheet.getCellRangeByName("%s%d" % (letter(h["测算状态"]), r)).getString() \
                if "测算状态" in h else st
            result[r] = (chk, st, cst)
        pct_cell = edits[0]
        v = sheet.getCellRangeByName("%s%d" % (pct_cell[1], pct_cell[0])).getValue()
        check(abs(v - 0.006) < 1e-12, "0.6%% typed into %s%d became %r, not 0.006"
              % (pct_cell[1], pct_cell[0], v))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out_xlsx)),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out_pdf)),
                       (prop("FilterName", "calc_pdf_Export"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--planeval", required=True)
    ap.add_argument("--ini", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    try:
        import uno  # noqa: F401
    except ImportError:
        print("SKIP: python3-uno is not installed")
        return SKIP
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        print("SKIP: LibreOffice is not installed")
        return SKIP
    if os.path.isdir(args.workdir):
        shutil.rmtree(args.workdir)
    os.makedirs(args.workdir)
    src = xlsx_check.run_planeval(args, tempfile.mkdtemp(prefix="out-", dir=args.workdir))
    h, hr, edits = plan_edits(src)
    if failures:
        return 1
    before = openpyxl.load_workbook(src, data_only=True)["核心指标"]
    out_xlsx = os.path.join(args.workdir, "filled.xlsx")
    out_pdf = os.path.join(args.workdir, "filled.pdf")
    after = run_uno(src, out_xlsx, out_pdf, edits, h, hr, os.path.join(args.workdir, "profile"))

    edited = {}
    judged = {}
    for row, col, how, value, want, year in edits:
        if want is None:
            judged[row] = value
            continue
        edited.setdefault(row, []).append((want, year, "%s%d" % (col, row), value))
    for r, (chk, st, cst) in sorted(after.items()):
        old = before.cell(r, h["状态"]).value
        if r in judged:
            old_cst = before.cell(r, h["测算状态"]).value
            check(st == judged[r] and cst == old_cst,
                  "核心指标 row %d: judgement %r gives 状态 %r, 测算状态 %r (was %r)"
                  % (r, judged[r], st, cst, old_cst))
            print("row %d: judgement %s → 状态 %s, 测算状态 %s" % (r, judged[r], st, cst))
            continue
        if r in edited:
            for want, year, ref, value in edited[r]:
                check("%d年" % year in chk and want in chk,
                      "核心指标!%s ← %r: 数据检查 says %r, expected %d年…%s" % (ref, value, chk, year, want))
            print("row %d: typed %s → 数据检查 %r, status %s → %s" %
                  (r, [e[3] for e in edited[r]], chk, old, st))
        else:
            check(chk == "", "核心指标 row %d: untouched, yet 数据检查 says %r" % (r, chk))
            check(st == old, "核心指标 row %d: untouched, status %r became %r" % (r, old, st))
        if st != old:
            check(chk != "", "核心指标 row %d: status %r → %r without a flag" % (r, old, st))

    # the saved workbook keeps its protection, validation and identification
    wb = openpyxl.load_workbook(out_xlsx)
    ws = wb["核心指标"]
    check(ws.protection.sheet, "saved by LibreOffice: 核心指标 no longer protected")
    check(len(ws.data_validations.dataValidation) > 0, "saved by LibreOffice: validations lost")
    check(xlsx_check.ID_SHEET in wb.sheetnames, "saved by LibreOffice: identification lost")
    # and its printout carries the flags
    text = subprocess.run(["pdftotext", out_pdf, "-"], stdout=subprocess.PIPE).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    check("为文本" in flat and "空缺" in flat, "printed workbook does not show the 数据检查 flags")
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
