#!/usr/bin/python3
"""collect_merge.py — end-to-end round trip of `planeval collect` and
`planeval merge` (issue 12), with real clients filling the workbooks.

  --filler openpyxl     departments fill the workbooks with openpyxl
  --filler libreoffice  …with LibreOffice Calc through UNO (lo_fill.py; exit 77
                        when LibreOffice or python3-uno is missing)
  --case sample|gbk|v1  the sample case (eval year moved to 2024, departments
                        assigned) or the other city's GBK case (eval year 2019:
                        targets.csv has no 2019 column yet, merge adds it); v1:
                        the GBK case with the workbooks of
                        tests/fixtures/ident_v1, written by the binary of
                        5ea4213 (identification format 1) and returned as then
  --bad                 bad answers, each an error with its place, nothing written
  --shared              the workbook written with the report, merged back

Checks: collect is deterministic; the dry run lists every change and writes
nothing; --apply rewrites exactly the changed fields (every other byte of the
CSVs compared with an independent reconstruction); the next run's PDF
(pdftotext) shows the new figures."""
import argparse
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
import zlib

import openpyxl

import ident_records

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
V1 = os.path.join(SRC, "tests", "fixtures", "ident_v1")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(args, **kw):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def run_rss(args):
    """Like run(), plus the peak RSS (KB) of that one process."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read()
    p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out.decode("utf-8", "replace"), ru.ru_maxrss


# ---- fixtures ----

def set_ini(path, key, value):
    text = open(path, encoding="utf-8").read()
    # the first occurrence: [report] title, [period] eval_year
    text, n = re.subn(r"(?m)^%s\s*=.*$" % key, "%s = %s" % (key, value), text, count=1)
    check(n == 1, "%s not found in %s" % (key, path))
    open(path, "w", encoding="utf-8").write(text)


def prepare(case, work):
    """Returns (ini, year, {table key: csv path}, {table key: encoding})."""
    if os.path.exists(work):
        shutil.rmtree(work)
    if case == "sample":
        shutil.copytree(os.path.join(SRC, "input"), os.path.join(work, "input"))
        shutil.copytree(os.path.join(SRC, "templates"), os.path.join(work, "templates"))
        ini = os.path.join(work, "input", "report.ini")
        set_ini(ini, "eval_year", "2024")
        depts = {"indicators": ["市科技局", "市统计局"], "targets": ["市工信局", "市科技局", "市农业农村局"]}
        for key in ("indicators", "targets"):
            path = os.path.join(work, "input", key + ".csv")
            rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
            di = rows[0].index("dept")
            for i, r in enumerate(rows[1:]):
                r[di] = depts[key][i % len(depts[key])]
            with open(path, "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(rows)
        return ini, 2024, {k: os.path.join(work, "input", k + ".csv") for k in ("indicators", "targets")}, \
            {"indicators": "utf-8", "targets": "utf-8"}
    if case == "v1":
        shutil.copytree(os.path.join(V1, "case"), work)
    else:
        shutil.copytree(os.path.join(SRC, "tests", "fixtures", "other_city"), work)
    ini = os.path.join(work, "report.ini")
    set_ini(ini, "eval_year", "2019")
    return ini, 2019, {k: os.path.join(work, k + ".csv") for k in ("indicators", "targets")}, \
        {"indicators": "gb18030", "targets": "utf-8"}


def snapshot(paths):
    return {k: open(p, "rb").read() for k, p in paths.items()}


# ---- raw CSV fields (independent of planeval's reader) ----

def split_raw(line):
    """Raw fields of one CSV line (quotes kept), without its line end."""
    fields, cur, q = [], "", False
    for ch in line:
        if ch == '"':
            q = not q
        if ch == "," and not q:
            fields.append(cur)
            cur = ""
        else:
            cur += ch
    fields.append(cur)
    return fields


def year_of(h):
    m = re.fullmatch(r"(\d{4})年?", h.strip())
    return int(m.group(1)) if m else 0


def expected_bytes(data, enc, edits):
    """The CSV `data` with `edits` {(id, year): text} applied field by field."""
    text = data.decode(enc)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    lines = text.split("\n")
    header = split_raw(lines[0].rstrip("\r"))
    ycols = [i for i, h in enumerate(header) if year_of(h)]
    years = {year_of(header[i]): i for i in ycols}
    add = sorted({y for (_, y) in edits if y not in years})
    assert len(add) <= 1
    idcol = next(i for i, h in enumerate(header) if h.strip() in ("id", "序号", "编号"))
    out = []
    for n, line in enumerate(lines):
        cr = line.endswith("\r")
        body = line[:-1] if cr else line
        if not body.strip():
            out.append(line)
            continue
        f = split_raw(body)
        if n == 0:
            if add:
                style = "年" if header[ycols[-1]].strip().endswith("年") else ""
                f.insert(ycols[-1] + 1, "%d%s" % (add[0], style))
        else:
            rid = f[idcol].strip().strip('"')
            for (eid, y), t in edits.items():
                if eid == rid and y in years:
                    f[years[y]] = t
            if add:
                f.insert(ycols[-1] + 1, edits.get((rid, add[0]), ""))
        out.append(",".join(f) + ("\r" if cr else ""))
    res = "\n".join(out)
    return (("\ufeff" if bom else "") + res).encode(enc)


# ---- what a department fills in ----

def csv_rows(path, enc):
    rows = list(csv.reader(io.StringIO(open(path, "rb").read().decode(enc).lstrip("\ufeff"))))
    h = [x.strip() for x in rows[0]]
    idc = next(i for i, x in enumerate(h) if x in ("id", "序号", "编号"))
    return {r[idc].strip(): dict(zip(h, r)) for r in rows[1:] if r}


def decimals_of(row):
    d = (row.get("decimals") or row.get("小数位") or "").strip()
    if d:
        return int(d)
    best = 0
    for k, v in row.items():
        if (year_of(k) or k in ("base", "target", "基期值", "目标值")) and "." in v:
            best = max(best, len(v.strip().split(".")[1]))
    return best


def sheet_layout(ws, year):
    """(header row, {col: year}, collected col, id col, first contact row) of a collect sheet."""
    for r in range(1, 10):
        if ws.cell(r, 1).value == "序号":
            cols = {}
            for c in range(1, ws.max_column + 1):
                v = ws.cell(r, c).value or ""
                m = re.match(r"(\d{4})年", v)
                if m:
                    cols[c] = int(m.group(1))
            cur = next(c for c, y in cols.items() if y == year)
            check("本次填报" in ws.cell(r, cur).value, "collected column not marked: %s" % ws.cell(r, cur).value)
            contact = next(rr for rr in range(r, ws.max_row + 1) if ws.cell(rr, 2).value == "填报单位")
            return r, cols, cur, contact
    fail("no header row in sheet %s" % ws.title)


def plan_answers(wbpath, year, tables, encs):
    """The cells a department fills in, and the changes merge must find.
    Returns (cells [(sheet, ref, kind, value)], edits {table: {(id, year): text}},
    shown {table: {id: text printed in the PDF}})."""
    wb = openpyxl.load_workbook(wbpath)
    cells, edits, shown = [], {}, {}
    variant = 0
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title not in ("核心指标", "量化目标"):
            continue
        key = "indicators" if ws.title == "核心指标" else "targets"
        rows = csv_rows(tables[key], encs[key])
        hr, cols, cur, contact = sheet_layout(ws, year)
        r = hr + 1
        while ws.cell(r, 1).value:
            rid = str(ws.cell(r, 1).value)
            unit, kind = ws.cell(r, 3).value or "", ws.cell(r, 4).value
            row = rows[rid]
            dec = decimals_of(row)
            variant += 1
            if variant % 5 == 4:        # left empty: no answer, nothing changes
                r += 1
                continue
            prev = None
            for c in sorted(cols):
                if cols[c] < year and ws.cell(r, c).value is not None:
                    prev = float(ws.cell(r, c).value)
            if kind == "定性":
                r += 1
                continue
            if kind == "年均增长":
                v = 6.5 + variant % 3
            elif kind == "节点":
                v = 1.0                     # achieved this year
            elif unit == "%":
                v = min(99.0, (prev or 1.0) * 1.1 + 0.1)
            else:
                v = (prev or 0.0) + 1 + variant % 4
            v = round(v, dec)
            txt = "%.*f" % (dec, v)
            ref = "%s%d" % (openpyxl.utils.get_column_letter(cur), r)
            if kind == "节点" and variant % 2 == 0:
                # a milestone answered in words, written to the CSV as typed
                word = "是" if variant % 4 == 0 else "已实现"
                cells.append((ws.title, ref, "text", word))
                edits.setdefault(key, {})[(rid, year)] = word
                shown.setdefault(key, {})[rid] = ("已实现（%d年）" % year,) * 2
                r += 1
                continue
            if unit == "%" and kind != "年均增长" and not any(k == "percent" for _, _, k, _ in cells):
                kind_ = "percent"                   # typed as 0.69%: Excel stores 0.0069 as a percentage
                val = txt
            elif variant % 7 == 2:
                kind_ = "text"                      # a number typed as text
                val = txt
            elif variant % 7 == 3 and dec == 0:
                kind_ = "fullwidth"                 # ２１ typed with an IME
                val = txt.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            elif variant % 7 == 5 and dec == 0 and v >= 10:
                kind_ = "runs"                      # rich text: two runs
                val = [txt[:1], txt[1:]]
            else:
                kind_ = "number"
                val = v
            cells.append((ws.title, ref, kind_, val))
            merged = ("%.*f" % (dec, v)).rstrip("0").rstrip(".") if dec else txt
            edits.setdefault(key, {})[(rid, year)] = merged
            # the field and the PDF cell: a milestone's 1 prints as 已实现, a cumulative
            # row prints its running total (累计…)
            field = "%s（%d年）" % ("已实现" if kind == "节点" else txt, year)
            pdf = field
            if kind == "累计":
                tot = v + sum(float(ws.cell(r, c).value) for c in cols
                              if cols[c] < year and ws.cell(r, c).value is not None)
                pdf = "累计%.*f（%d年）" % (dec, tot, year)
            shown.setdefault(key, {})[rid] = (field, pdf)
            r += 1
        # one correction of a past year, on the first row with a value there
        past = max(y for y in cols.values() if y < year)
        pc = next(c for c, y in cols.items() if y == past)
        rr = hr + 1
        while ws.cell(rr, 1).value:
            old = ws.cell(rr, pc).value
            rid = str(ws.cell(rr, 1).value)
            if old is not None and ws.cell(rr, 3).value != "%" and \
                    ws.cell(rr, 4).value not in ("年均增长", "累计", "累计降低", "节点", "定性"):
                nv = int(float(old)) + 1
                cells.append((ws.title, "%s%d" % (openpyxl.utils.get_column_letter(pc), rr), "number", nv))
                edits.setdefault(key, {})[(rid, past)] = str(nv)
                break
            rr += 1
        cells.append((ws.title, "C%d" % contact, "text", "填报测试单位"))
        cells.append((ws.title, "C%d" % (contact + 1), "text", "张三"))
        cells.append((ws.title, "%s%d" % (openpyxl.utils.get_column_letter(max(cols) + 1), hr + 1),
                      "runs", ["统计", "年鉴"]))
    return cells, edits, shown


def fill_openpyxl(src, dst, cells):
    wb = openpyxl.load_workbook(src)
    for sheet, ref, kind, val in cells:
        ws = wb[sheet]
        if kind == "number":
            ws[ref] = val
        elif kind == "percent":
            ws[ref] = float(val) / 100
            ws[ref].number_format = "0.00%"
        elif kind == "runs":
            ws[ref] = "".join(val)      # openpyxl 3.0 writes no rich text: plain text
        else:
            ws[ref] = str(val)
    wb.save(dst)


def lo_spec(cells):
    out = []
    for sheet, ref, kind, val in cells:
        if kind == "number":
            out.append({"sheet": sheet, "ref": ref, "number": val})
        elif kind == "percent":
            out.append({"sheet": sheet, "ref": ref, "typed": "%s%%" % val})
        elif kind == "runs":
            out.append({"sheet": sheet, "ref": ref, "runs": val})
        else:
            out.append({"sheet": sheet, "ref": ref, "text": str(val)})
    return out


# ---- the round trip ----

def collect(pv, ini, outdir):
    rc, out = run([pv, "collect", "-o", outdir, ini])
    check(rc == 0, "collect failed (%d): %s" % (rc, out))
    files = sorted(os.path.join(outdir, f) for f in os.listdir(outdir))
    check(files and all(os.path.basename(f).startswith("收集表_") and f.endswith(".xlsx") for f in files),
          "unexpected collect output: %s" % files)
    return files, out


def check_collect_workbook(path, year):
    wb = openpyxl.load_workbook(path)
    names = [ws.title for ws in wb.worksheets]
    check("填报说明" in names and "planeval_id" in names, "sheets: %s" % names)
    check(wb["planeval_id"].sheet_state == "hidden", "identification sheet not hidden")
    guide = " ".join(str(c.value) for row in wb["填报说明"].iter_rows() for c in row if c.value)
    check("未设密码" in guide and "浅黄色" in guide, "填报说明 lacks the protection/input notes")
    for ws in wb.worksheets:
        check(ws.protection.sheet, "sheet %s not protected" % ws.title)
        if ws.title not in ("核心指标", "量化目标"):
            continue
        hr, cols, cur, contact = sheet_layout(ws, year)
        check(ws.page_setup.paperSize in (9, "9") and ws.page_setup.orientation == "landscape",
              "%s: not A4 landscape" % ws.title)
        scale = int(ws.page_setup.scale or 100)
        check(scale * 11 >= 900, "%s: printed at %d %% of 11 pt = under 9 pt" % (ws.title, scale))
        check(ws.cell(hr + 1, cur).protection.locked is False, "input cell locked")
        check(ws.cell(hr + 1, 2).protection.locked is not False, "name cell unlocked")
        check(ws.cell(hr + 1, cur).fill.fgColor.rgb.endswith("FFF2CC"), "input fill")
        dvs = [dv for dv in ws.data_validations.dataValidation]
        check(dvs, "%s: no data validation" % ws.title)
        for dv in dvs:
            check(dv.type == "decimal" and dv.errorStyle in (None, "stop"), "validation type %s" % dv.type)
            check(dv.error and re.search(r"[\u4e00-\u9fff]", dv.error), "validation error message not Chinese")
            check(dv.prompt and re.search(r"[\u4e00-\u9fff]", dv.prompt), "validation prompt not Chinese")
        for rr in range(contact, contact + 5):
            check(ws.cell(rr, 2).value in ("填报单位", "填报人", "联系电话", "填报日期", "审核人"),
                  "contact block row %d: %s" % (rr, ws.cell(rr, 2).value))


def v1_workbooks(pv, ini, work, tables, before):
    """The committed version-1 workbooks: each is read as written (no change),
    an edit of its identification or of a locked cell is refused, an actual
    typed into the shared v1 workbook is listed. Returns copies of the
    collected ones for the round trip."""
    src = os.path.join(V1, "collect")
    files = []
    os.makedirs(os.path.join(work, "v1"))
    for f in sorted(os.listdir(src)):
        files.append(os.path.join(work, "v1", f))
        shutil.copyfile(os.path.join(src, f), files[-1])
    shared = os.path.join(work, "v1", "report.xlsx")
    shutil.copyfile(os.path.join(V1, "report.xlsx"), shared)
    for f in files + [shared]:
        ws = openpyxl.load_workbook(f)["planeval_id"]
        check(ident_records.version(ws) == "1", "%s: not a version-1 identification" % f)
    rc, out = run([pv, "merge", ini] + files + [shared])
    check(rc == 0 and "没有需要导入的变动" in out, "the untouched v1 workbooks: %d %s" % (rc, out))

    def edited(name, fn):
        wb = openpyxl.load_workbook(shared)
        fn(wb)
        path = os.path.join(work, "v1", name + ".xlsx")
        wb.save(path)
        return path
    recs = ident_records.records(openpyxl.load_workbook(shared)["planeval_id"])
    actual = next(r for r in recs if r[0] == "in" and r[3] == "actual" and r[6] == "2019")
    locked = next(r for r in recs if r[0] == "lock" and r[1] == actual[1])
    p = edited("seal", lambda wb: wb["planeval_id"].__setitem__("C20", "改"))
    rc, out = run([pv, "merge", "--apply", ini, p])
    check(rc == 1 and "%s:planeval_id!B8: 错误：标识工作表已被改动" % p in out, "v1 seal: %d %s" % (rc, out))
    p = edited("locked", lambda wb: wb[locked[1]].__setitem__(locked[2], "改"))
    rc, out = run([pv, "merge", "--apply", ini, p])
    check(rc == 1 and "%s:%s!%s: 错误：锁定的单元格被改动" % (p, locked[1], locked[2]) in out,
          "v1 locked cell: %d %s" % (rc, out))
    p = edited("actual", lambda wb: wb[actual[1]].__setitem__(actual[2], 7.25))
    rc, out = run([pv, "merge", ini, p])
    check(rc == 0 and "变动（1 处）" in out and re.search(r"(?m)^%s .*2019年\s+\S+ → 7.25\s" % re.escape(actual[5]), out),
          "v1 shared workbook, %s!%s = 7.25: %d %s" % (actual[1], actual[2], rc, out))
    check(snapshot(tables) == before, "a v1 dry run or refused merge wrote a CSV")
    print("ok: version-1 workbooks read (unchanged, an edited identification and locked cell refused, "
          "an actual listed)")
    return files


def round_trip(args):
    pv = args.planeval
    work = os.path.abspath(args.workdir)
    ini, year, tables, encs = prepare(args.case, work)
    before = snapshot(tables)
    out1, out2 = os.path.join(work, "collect1"), os.path.join(work, "collect2")
    if args.case == "v1":
        files = v1_workbooks(pv, ini, work, tables, before)
    else:
        files, _ = collect(pv, ini, out1)
        files2, _ = collect(pv, ini, out2)
        for a, b in zip(files, files2):
            check(open(a, "rb").read() == open(b, "rb").read(), "collect is not deterministic: %s" % a)
    for f in files:
        check_collect_workbook(f, year)
    check(snapshot(tables) == before, "collect changed a CSV")

    # departments fill their workbooks
    filled, all_edits, shown = [], {}, {}
    plans = []
    for f in files:
        cells, edits, sh = plan_answers(f, year, tables, encs)
        dst = os.path.join(work, "returned_" + os.path.basename(f))
        plans.append((f, dst, cells))
        for k, e in edits.items():
            all_edits.setdefault(k, {}).update(e)
        for k, s in sh.items():
            shown.setdefault(k, {}).update(s)
        filled.append(dst)
    if args.filler == "openpyxl":
        for src, dst, cells in plans:
            fill_openpyxl(src, dst, cells)
    else:
        spec = {"profile": os.path.join(work, "lo-profile"),
                "files": [{"in": s, "out": d, "cells": lo_spec(c)} for s, d, c in plans]}
        sp = os.path.join(work, "lo_spec.json")
        json.dump(spec, open(sp, "w", encoding="utf-8"), ensure_ascii=False)
        p = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lo_fill.py"), sp], timeout=600)
        if p.returncode == SKIP:
            print("SKIP: LibreOffice cannot fill the workbooks here")
            return SKIP
        check(p.returncode == 0, "lo_fill.py failed")
    nchanges = sum(len(e) for e in all_edits.values())
    check(nchanges > 5, "too few planned changes: %d" % nchanges)

    # dry run: every change listed, nothing written
    rc, out = run([pv, "merge", ini] + filled)
    check(rc == 0, "dry run failed (%d): %s" % (rc, out))
    check(snapshot(tables) == before, "the dry run wrote a CSV")
    check("变动（%d 处）" % nchanges in out, "change count: want %d in\n%s" % (nchanges, out))
    for k, e in all_edits.items():
        for (rid, y), t in e.items():
            check(re.search(r"(?m)^%s .*%d年\s+\S+ → %s\s" % (re.escape(rid), y, re.escape(t)), out),
                  "change %s %s %d → %s not listed:\n%s" % (k, rid, y, t, out))
    check("填报测试单位" in out, "填报单位 not shown in the change table")

    # --apply: exactly the changed fields
    rc, out = run([pv, "merge", "--apply", ini] + filled)
    check(rc == 0, "merge --apply failed (%d): %s" % (rc, out))
    for k, path in tables.items():
        want = expected_bytes(before[k], encs[k], all_edits.get(k, {}))
        got = open(path, "rb").read()
        if got != want:
            fail("%s differs from the expected patch:\n--- want\n%s\n--- got\n%s" % (
                path, want.decode(encs[k])[:3000], got.decode(encs[k], "replace")[:3000]))
    # a second merge finds nothing left to change
    rc, out = run([pv, "merge", ini] + filled)
    check(rc == 0 and "没有需要导入的变动" in out, "second merge: %s" % out)

    # the next run shows the new figures
    rdir = os.path.join(work, "report")
    rc, out = run([pv, "-o", rdir, ini])
    check(rc == 0, "report run failed (%d): %s" % (rc, out))
    pdf = next(os.path.join(rdir, f) for f in os.listdir(rdir) if f.endswith(".pdf"))
    rc, text = run(["pdftotext", "-raw", pdf, "-"])
    flat = re.sub(r"\s+", "", text)
    tmpl = re.search(r"(?m)^template\s*=\s*(\S+)", open(ini, encoding="utf-8").read()).group(1)
    tmpl_text = open(os.path.join(os.path.dirname(ini), tmpl), encoding="utf-8").read()
    rc, fields = run([pv, "--list-fields", ini])
    check(rc == 0, "--list-fields failed: %s" % fields)
    nshown = 0
    for k, s in shown.items():
        for rid, (t, pdf) in s.items():
            value, yr = t[: t.index("（")], t[t.index("（") + 1: t.index("年")]
            check("%s.%s.actual = %s\n" % (k, rid, value) in fields and
                  "%s.%s.year = %s\n" % (k, rid, yr) in fields,
                  "fields lack %s %s = %s (%s)" % (k, rid, value, yr))
            if "{{table %s}}" % k in tmpl_text:
                # the cell holds value（year）, the year above the value, or the value
                # alone under a header naming the year all rows share (issue 14)
                pv_ = pdf[: pdf.index("（")]
                check(pdf in flat or yr + "年" + pv_ in flat or
                      (pv_ in flat and "%s年最新值" % yr in flat),
                      "PDF lacks %s %s: %s" % (k, rid, pdf))
                nshown += 1
    print("ok: %d workbooks, %d changes applied byte-exactly, %d new figures in the PDF (%s, %s)" % (
        len(files), nchanges, nshown, args.case, args.filler))
    return 0


# ---- bad answers ----

def rewrite_zip(src, dst, name, fn):
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == name:
                data = fn(data)
            zo.writestr(info.filename, data)


def zip_bomb(path, lie=False):
    """100 MB of zeros as the first worksheet, about 100 KB on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        with z.open("xl/workbook.xml", "w", force_zip64=True) as f:
            f.write(b"<?xml version=\"1.0\"?><workbook>")
            chunk = b" " * (1 << 20)
            for _ in range(100):
                f.write(chunk)
    if lie:
        # claim 1,000 bytes in both headers: the reader must stop at its own limit
        data = bytearray(open(path, "rb").read())
        for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            i = data.find(sig)
            while i >= 0:
                name_len = int.from_bytes(data[i + (26 if sig == b"PK\x03\x04" else 28):][:2], "little")
                fname = bytes(data[i + (30 if sig == b"PK\x03\x04" else 46):][:name_len])
                if fname == b"xl/workbook.xml":
                    data[i + off:i + off + 4] = (1000).to_bytes(4, "little")
                i = data.find(sig, i + 4)
        open(path, "wb").write(bytes(data))
    check(os.path.getsize(path) < 2 * 1024 * 1024, "bomb too large on disk")


class Listener:
    """A local TCP port that records whether anything connected (entity fetches)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                self.hits += 1
                c.close()
            except socket.timeout:
                pass

    def close(self):
        self.stop = True
        self.t.join()
        self.sock.close()


def bad_answers(args):
    pv = args.planeval
    work = os.path.abspath(args.workdir)
    ini, year, tables, encs = prepare("sample", work)
    before = snapshot(tables)
    files, _ = collect(pv, ini, os.path.join(work, "collect"))
    book = next(f for f in files if "市科技局" in f)
    base = os.path.basename(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["核心指标"]
    hr, cols, cur, contact = sheet_layout(ws, year)
    col = openpyxl.utils.get_column_letter(cur)
    # the first % level row and the first count row
    pct_row = next(r for r in range(hr + 1, ws.max_row) if ws.cell(r, 3).value == "%" and ws.cell(r, 4).value == "水平值")
    cnt_row = next(r for r in range(hr + 1, ws.max_row) if ws.cell(r, 3).value not in ("%", None))
    cases = []

    def variant(name, edit):
        wb = openpyxl.load_workbook(book)
        edit(wb)
        path = os.path.join(work, name, base)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        wb.save(path)
        return path

    def set_cells(pairs):
        def f(wb):
            for ref, v in pairs:
                wb["核心指标"][ref] = v
        return f

    p = variant("text", set_cells([("%s%d" % (col, cnt_row), "约30家")]))
    cases.append(("text in a number cell", [p], "%s:核心指标!%s%d: 错误：“约30家”不是数字" % (p, col, cnt_row)))
    p = variant("unit", set_cells([("%s%d" % (col, pct_row), 120)]))
    cases.append(("a % value above 100", [p], "%s:核心指标!%s%d: 错误：“120”不合理" % (p, col, pct_row)))
    p = variant("pctsign", set_cells([("%s%d" % (col, cnt_row), "30%")]))
    cases.append(("a percent sign on a count", [p], "%s:核心指标!%s%d: 错误：“30%%”带有百分号" % (p, col, cnt_row)))
    p = variant("negative", set_cells([("%s%d" % (col, cnt_row), -3)]))
    cases.append(("a negative count", [p], "%s:核心指标!%s%d: 错误：“-3”不合理" % (p, col, cnt_row)))
    p = variant("huge", set_cells([("%s%d" % (col, cnt_row), 1e300)]))
    cases.append(("a number cell of 1e300", [p],
                  "%s:核心指标!%s%d: 错误：“1e+300”不合理：超出可接受的范围" % (p, col, cnt_row)))
    p = variant("locked", set_cells([("F%d" % cnt_row, 999)]))
    cases.append(("an edited locked cell (target)", [p], "%s:核心指标!F%d: 错误：锁定的单元格被改动" % (p, cnt_row)))
    p = variant("locked2", set_cells([("B%d" % pct_row, "改过的指标名称")]))
    cases.append(("an edited locked cell (name)", [p], "%s:核心指标!B%d: 错误：锁定的单元格被改动" % (p, pct_row)))

    # a milestone answered with a word it does not know
    for f in files:
        mw = openpyxl.load_workbook(f)
        if "量化目标" not in mw.sheetnames:
            continue
        tws = mw["量化目标"]
        thr, _, tcur, _ = sheet_layout(tws, year)
        mrow = next((r for r in range(thr + 1, tws.max_row + 1) if tws.cell(r, 4).value == "节点"), None)
        if mrow:
            mref = "%s%d" % (openpyxl.utils.get_column_letter(tcur), mrow)
            tws[mref] = "差不多"
            mpath = os.path.join(work, "milestone", os.path.basename(f))
            os.makedirs(os.path.dirname(mpath))
            mw.save(mpath)
            cases.append(("a milestone word it does not know", [mpath],
                          "%s:量化目标!%s: 错误：“差不多”不是节点目标的填法" % (mpath, mref)))
            break
    check(any(c[0].startswith("a milestone") for c in cases), "no milestone row in the sample")

    # a foreign workbook: made elsewhere, and one from another plan
    foreign = os.path.join(work, "foreign", base)
    os.makedirs(os.path.dirname(foreign))
    fw = openpyxl.Workbook()
    fw.active.title = "核心指标"
    fw.active["I4"] = 12
    fw.save(foreign)
    cases.append(("a foreign workbook", [foreign], "%s: 错误：不是本规划下发的收集表" % foreign))
    other = os.path.join(work, "otherplan")
    shutil.copytree(os.path.dirname(ini), os.path.join(other, "input"))
    shutil.copytree(os.path.join(os.path.dirname(os.path.dirname(ini)), "templates"), os.path.join(other, "templates"))
    set_ini(os.path.join(other, "input", "report.ini"), "title", "另一城市科技创新规划中期评估报告")
    ofiles, _ = collect(pv, os.path.join(other, "input", "report.ini"), os.path.join(other, "collect"))
    cases.append(("another plan's workbook", [ofiles[0]], "%s:planeval_id!B3: 错误：这份工作簿属于另一规划" % ofiles[0]))
    def edit_ident(wb):
        ws = wb["planeval_id"]
        check(ident_records.version(ws) == "2", "identification version %r" % ident_records.version(ws))
        text = ws["B9"].value
        i = text.index("lock\t")
        j = text.index("\t", i + 5) + 1
        ws["B9"] = text[:j] + "0" * 16 + text[j + 16:]    # a locked cell's hash
    p = variant("seal", edit_ident)
    cases.append(("an edited identification", [p], "%s:planeval_id!B8: 错误：标识工作表已被改动" % p))
    p = variant("seal-sheet", lambda wb: wb["planeval_id"].__setitem__("A9", "填报说明"))
    cases.append(("an identification moved to another sheet", [p],
                  "%s:planeval_id!B8: 错误：标识工作表已被改动" % p))

    # two departments, one cell: indicator moved to another department and collected again
    moved = os.path.join(work, "moved")
    shutil.copytree(os.path.dirname(ini), os.path.join(moved, "input"))
    shutil.copytree(os.path.join(os.path.dirname(os.path.dirname(ini)), "templates"), os.path.join(moved, "templates"))
    mcsv = os.path.join(moved, "input", "indicators.csv")
    rows = list(csv.reader(open(mcsv, encoding="utf-8", newline="")))
    di = rows[0].index("dept")
    first_id = str(ws.cell(hr + 1, 1).value)
    for r in rows[1:]:
        if r[0] == first_id:
            r[di] = "市发展改革委"
    with open(mcsv, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    mfiles, _ = collect(pv, os.path.join(moved, "input", "report.ini"), os.path.join(moved, "collect"))
    mbook = next(f for f in mfiles if "市发展改革委" in f)
    a = variant("conflict_a", set_cells([("%s%d" % (col, hr + 1), 7)]))
    mw = openpyxl.load_workbook(mbook)
    mws = mw["核心指标"]
    mhr, _, mcur, _ = sheet_layout(mws, year)
    mref = "%s%d" % (openpyxl.utils.get_column_letter(mcur), mhr + 1)
    mws[mref] = 8
    b = os.path.join(work, "conflict_b.xlsx")
    mw.save(b)
    cases.append(("two departments on one cell", [a, b], "%s:核心指标!%s: 错误：冲突" % (b, mref)))

    # a corrupt zip, a zip bomb (honest and lying sizes), XML with external entities
    data = open(book, "rb").read()
    corrupt = os.path.join(work, "corrupt.xlsx")
    open(corrupt, "wb").write(data[: len(data) // 2])
    cases.append(("a truncated zip", [corrupt], "%s: 错误：" % corrupt))
    flipped = os.path.join(work, "flipped.xlsx")
    fb = bytearray(data)
    for i in range(100, len(fb) * 2 // 3, 7):
        fb[i] ^= 0x55
    open(flipped, "wb").write(bytes(fb))
    cases.append(("a corrupt zip", [flipped], "%s: 错误：" % flipped))
    bomb = os.path.join(work, "bomb.xlsx")
    zip_bomb(bomb)
    cases.append(("a 100 MB zip bomb", [bomb], "%s: 错误：压缩包中的“xl/workbook.xml”解压后有 104857" % bomb))
    liar = os.path.join(work, "liar.xlsx")
    zip_bomb(liar, lie=True)
    cases.append(("a zip bomb with lying sizes", [liar], "%s: 错误：" % liar))
    lis = Listener()
    xxe = os.path.join(work, "xxe.xlsx")

    def add_dtd(x):
        dtd = ('<!DOCTYPE worksheet [<!ENTITY leak SYSTEM "file:///etc/passwd">'
               '<!ENTITY net SYSTEM "http://127.0.0.1:%d/x">]>' % lis.port).encode()
        x = x.replace(b"?>", b"?>" + dtd, 1)
        return x.replace(b"<sheetData>", b"<sheetData><row r=\"1000\"><c r=\"A1000\" t=\"inlineStr\"><is><t>&leak;&net;</t></is></c></row>", 1)

    rewrite_zip(book, xxe, "xl/worksheets/sheet1.xml", add_dtd)
    cases.append(("XML with external entities", [xxe], "%s: 错误：“xl/worksheets/sheet1.xml”含有 DTD" % xxe))

    base_rss = run_rss([pv, "merge", ini, foreign])[2]
    for what, paths, want in cases:
        rc, out, rss = run_rss([pv, "merge", "--apply", ini] + paths)
        check(rc == 1, "%s: exit %d, want 1:\n%s" % (what, rc, out))
        check(want in out, "%s: message lacks “%s”:\n%s" % (what, want, out))
        check("未写出任何文件" in out, "%s: no 'nothing written' line:\n%s" % (what, out))
        check(snapshot(tables) == before, "%s: a CSV was written" % what)
        check("root:" not in out, "%s: /etc/passwd leaked into the output" % what)
        if "bomb" in what:
            # the 100 MB are never inflated into memory (sanitizer builds have a larger base)
            check(rss < base_rss + 40 * 1024, "%s: peak RSS %d KB (base %d KB)" % (what, rss, base_rss))
        print("ok: %s → %s" % (what, want))
    lis.close()
    check(lis.hits == 0, "an external entity was fetched over the network (%d connections)" % lis.hits)
    # a % value 100 times too small (0.54% typed as 0.0054 in a plain cell): a warning
    prev = max((c for c in cols if cols[c] < year and ws.cell(pct_row, c).value is not None), default=None)
    check(prev is not None, "no previous % value")
    tiny = round(float(ws.cell(pct_row, prev).value) / 100, 6)
    p = variant("tiny", set_cells([("%s%d" % (col, pct_row), tiny)]))
    rc, out = run([pv, "merge", ini, p])
    check(rc == 0 and "%s:核心指标!%s%d: 警告：" % (p, col, pct_row) in out and "百分之一" in out,
          "no warning for %s: %d %s" % (tiny, rc, out))
    check(snapshot(tables) == before, "the warning case wrote a CSV")
    print("ok: a %% value 100 times too small is a warning: %s" % tiny)
    # a usage error and a missing file
    rc, out = run([pv, "merge", ini])
    check(rc == 2, "merge without files: exit %d" % rc)
    rc, out = run([pv, "merge", ini, os.path.join(work, "missing.xlsx")])
    check(rc == 1 and "missing.xlsx: 错误：" in out, "missing file: %d %s" % (rc, out))
    print("ok: %d bad answers rejected with their place, nothing written" % len(cases))
    return 0


def shared_workbook(args):
    """The workbook written with the report carries the identification too:
    change two actuals in it (found through its documented map), merge."""
    pv = args.planeval
    work = os.path.abspath(args.workdir)
    ini, year, tables, encs = prepare("sample", work)
    before = snapshot(tables)
    rdir = os.path.join(work, "report")
    rc, out = run([pv, "-o", rdir, ini])
    check(rc == 0, "report run failed: %s" % out)
    book = next(os.path.join(rdir, f) for f in os.listdir(rdir) if f.endswith(".xlsx"))
    rc, out = run([pv, "merge", ini, book])
    check(rc == 0 and "没有需要导入的变动" in out, "the untouched shared workbook: %d %s" % (rc, out))
    wb = openpyxl.load_workbook(book)
    ident = [r for r in ident_records.records(wb["planeval_id"]) if r[0] == "in"]
    actual = [r for r in ident if r[3] == "actual" and r[6] == str(year)]
    check(len(actual) >= 2, "the shared workbook lists no %d inputs" % year)
    edits = {}
    for n, (_, sheet, ref, _, table, rid, y, _) in enumerate(actual[:2]):
        wb[sheet][ref] = 3 + n
        edits.setdefault(table, {})[(rid, int(y))] = str(3 + n)
    # the county sheet: two counties' actuals of one year; the table's 合计 row
    # of that year must follow them
    counties = os.path.join(work, "input", "counties.csv")
    cbefore = open(counties, "rb").read()
    cin = [r for r in ident if r[3] == "county_actual"]
    check(len(cin) >= 6, "the shared workbook lists no county inputs: %d" % len(cin))
    cy = max(int(r[6]) for r in cin)
    picked = [r for r in cin if int(r[6]) == cy][:2]
    cedits = {}
    for n, (_, sheet, ref, _, _, county, y, _) in enumerate(picked):
        wb[sheet][ref] = 40 + n
        cedits[(county, int(y))] = str(40 + n)
    # bad county answers, each refused at its cell with nothing written
    for val, why in (("四十", "不是数字"), (-3, "不能为负数")):
        bad_wb = openpyxl.load_workbook(book)
        _, sheet, ref, _, _, county, y, _ = picked[0]
        bad_wb[sheet][ref] = val
        bad = os.path.join(work, "bad_county.xlsx")
        bad_wb.save(bad)
        rc, out = run([pv, "merge", "--apply", ini, bad])
        check(rc == 1 and ("%s!%s: 错误：" % (sheet, ref)) in out and why in out,
              "bad county answer %r: %d %s" % (val, rc, out))
        check(open(counties, "rb").read() == cbefore, "a refused county answer changed counties.csv")
    filled = os.path.join(work, "filled.xlsx")
    wb.save(filled)
    rc, out = run([pv, "merge", "--apply", ini, filled])
    check(rc == 0 and "变动（5 处）" in out, "merge of the shared workbook: %d %s" % (rc, out))
    for k, path in tables.items():
        want = expected_bytes(before[k], encs[k], edits.get(k, {}))
        check(open(path, "rb").read() == want, "%s differs from the expected patch" % path)
    # counties.csv: the two fields, and the 合计 row of that year = the new sum
    lines = cbefore.decode("utf-8").split("\n")
    head = split_raw(lines[0].rstrip("\r"))
    ci, yi, ai = head.index("county"), head.index("year"), head.index("actual")
    total = 0.0
    for n in range(1, len(lines)):
        f = split_raw(lines[n].rstrip("\r"))
        if len(f) < len(head) or f[ci] == "合计":
            continue
        key = (f[ci], year_of(f[yi]))
        if key in cedits:
            f[ai] = cedits[key]
            lines[n] = ",".join(f) + ("\r" if lines[n].endswith("\r") else "")
        if year_of(f[yi]) == cy and f[ai]:
            total += float(f[ai])
    for n in range(1, len(lines)):
        f = split_raw(lines[n].rstrip("\r"))
        if len(f) >= len(head) and f[ci] == "合计" and year_of(f[yi]) == cy:
            f[ai] = "%g" % total
            lines[n] = ",".join(f) + ("\r" if lines[n].endswith("\r") else "")
    check(open(counties, "rb").read() == "\n".join(lines).encode("utf-8"),
          "counties.csv differs from the expected patch")
    rc, out = run([pv, "-o", os.path.join(work, "rerun"), ini])
    check(rc == 0 and "合计行" not in out, "the run after the county merge: %d %s" % (rc, out))
    print("ok: the shared workbook merges (2 actuals, 2 county actuals and their 合计 applied "
          "byte-exactly; bad county answers refused)")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--planeval", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--filler", choices=("openpyxl", "libreoffice"), default="openpyxl")
    ap.add_argument("--case", choices=("sample", "gbk", "v1"), default="sample")
    ap.add_argument("--bad", action="store_true")
    ap.add_argument("--shared", action="store_true")
    args = ap.parse_args()
    args.planeval = os.path.abspath(args.planeval)
    if args.shared:
        return shared_workbook(args)
    return bad_answers(args) if args.bad else round_trip(args)


if __name__ == "__main__":
    sys.exit(main())
