#!/usr/bin/python3
"""lo_fill.py — fills workbooks in LibreOffice Calc as a department would, through
UNO (Debian's python3-uno): opens each .xlsx, types values into cells (numbers,
text, a number typed as text, a rich-text cell with two differently formatted
runs) and saves it as .xlsx with LibreOffice's own filter.

Usage: lo_fill.py SPEC.json
SPEC: {"profile": DIR, "files": [{"in": PATH, "out": PATH, "cells": [
        {"sheet": "核心指标", "ref": "I4", "number": 1.5} |
        {"sheet": ..., "ref": ..., "text": "0.6"} |
        {"sheet": ..., "ref": ..., "typed": "0.6%"} |
        {"sheet": ..., "ref": ..., "runs": ["1", "2.5"]}]}]}
Exit 77 when LibreOffice or python3-uno is missing (the caller skips)."""
import json
import os
import shutil
import subprocess
import sys
import time

SKIP = 77


def main():
    try:
        import uno
        from com.sun.star.beans import PropertyValue
    except ImportError:
        print("SKIP: python3-uno is not installed")
        return SKIP
    lo = shutil.which("soffice") or shutil.which("libreoffice")
    if not lo:
        print("SKIP: LibreOffice is not installed")
        return SKIP
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    profile = os.path.abspath(spec["profile"])
    os.makedirs(profile, exist_ok=True)
    pipe = "pe_lo_fill_%d" % os.getpid()
    proc = subprocess.Popen(
        [lo, "-env:UserInstallation=file://" + profile, "--headless", "--invisible",
         "--norestore", "--nologo", "--nodefault", "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=profile))

    def prop(name, value):
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if proc.poll() is not None:
                    sys.exit("LibreOffice exited before accepting connections")
                time.sleep(0.5)
        if ctx is None:
            sys.exit("could not connect to LibreOffice")
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        for f in spec["files"]:
            url = uno.systemPathToFileUrl(os.path.abspath(f["in"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if doc is None:
                sys.exit("LibreOffice could not open %s" % f["in"])
            sheets = doc.getSheets()
            for c in f["cells"]:
                cell = sheets.getByName(c["sheet"]).getCellRangeByName(c["ref"])
                if "number" in c:
                    cell.setValue(c["number"])
                elif "typed" in c:
                    # parsed as if typed: "0.6%" → 0.006; the input line also formats
                    # the cell as a percentage, which the API leaves to us
                    cell.setFormula(c["typed"])
                    if c["typed"].endswith("%"):
                        from com.sun.star.lang import Locale
                        cell.NumberFormat = doc.getNumberFormats().getStandardFormat(
                            uno.getConstantByName("com.sun.star.util.NumberFormat.PERCENT"), Locale())
                elif "text" in c:
                    cell.setString(c["text"])      # stays text, as typed with a leading '
                else:
                    # rich text: each run in its own character format
                    text = cell.getText()
                    text.setString("")
                    cur = text.createTextCursor()
                    for i, run in enumerate(c["runs"]):
                        cur.gotoEnd(False)
                        text.insertString(cur, run, False)
                        cur.goLeft(len(run), True)
                        cur.setPropertyValue("CharWeight", 150.0 if i % 2 == 0 else 100.0)
                        cur.gotoEnd(False)
            out = uno.systemPathToFileUrl(os.path.abspath(f["out"]))
            doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass        # the bridge drops while LibreOffice quits
    finally:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
