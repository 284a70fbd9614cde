#!/usr/bin/python3
"""The glyph check (pe_pages_build): a character no font can draw is an input error (exit 1)
naming the character, its code point, the font and where it is used, and
nothing is written (SPEC §6, §8).

usage: pdf_missing_glyph.py PLANEVAL SOURCE_DIR

Copies input/ and templates/ to a temporary directory, puts U+A000 (a Yi
syllable none of the default fonts has) and U+1F600 (outside the BMP) into
indicator 1's name, and runs planeval on it.
"""
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


def main():
    planeval, src = sys.argv[1], os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="pe-pdf-glyph-")
    try:
        shutil.copytree(os.path.join(src, "input"), os.path.join(tmp, "input"))
        shutil.copytree(os.path.join(src, "templates"), os.path.join(tmp, "templates"))
        csv = os.path.join(tmp, "input", "indicators.csv")
        lines = open(csv, encoding="utf-8").read().split("\n")
        head = lines[0].split(",")
        col = head.index("name")
        cells = lines[1].split(",")
        cells[col] = cells[col][:2] + "\ua000" + cells[col][2:] + "\U0001F600"
        lines[1] = ",".join(cells)
        open(csv, "w", encoding="utf-8").write("\n".join(lines))
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        r = subprocess.run([planeval, os.path.join(tmp, "input", "report.ini"), "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        err = r.stderr
        check(r.returncode == 1, "exit status 1 (got %d)" % r.returncode)
        check(re.search(r"indicators\.csv:2:.*U\+A000", err) is not None,
              "error names U+A000 at indicators.csv:2: " + err[-600:])
        check("\ua000" in err, "error shows the character itself")
        check(re.search(r"U\+1F600", err) is not None, "non-BMP character reported")
        check(re.search(r"AR PL|uming|UMing|\.tt[fc]", err) is not None, "error names the font")
        check(os.listdir(out) == [], "nothing written: %r" % os.listdir(out))
        print("pdf_missing_glyph: %d failures" % len(failures))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
