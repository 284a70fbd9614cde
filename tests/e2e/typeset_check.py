#!/usr/bin/python3
"""typeset_check.py — measures the Chinese typesetting of a planeval PDF's running
text (3号, 16 pt) from the per-character positions of `mutool draw -F stext`
(issue 14):

  pairs      adjacent full-width punctuation marks in a line, and how many of
             them are set at full width (the first mark's advance ≥ 0.75 em);
             counted in the running text and in all text of the PDF (table
             cells, notes, captions, titles), each at its own size
  stretched  lines where a gap after an ideograph exceeds 1.15 em, or whose
             mean gap after ideographs exceeds 1.03 em
  short      full lines (not a paragraph's last) of pure Chinese (full-width
             characters only) filling fewer than 28 character places (a first
             line's two-character indent counts 2)
  collisions an ideograph whose next character starts less than 0.9 em after it
  kinsoku    a line starting with a closing mark or ending with an opening one,
             or a `——` / `……` split across lines
  edges      full lines whose left edge (block edge or the indent) or right edge
             (the last glyph's advance) is more than 0.5 mm off the block. A
             stop or closing mark, which CLREQ lets end a line at half width,
             may instead pass the edge by up to half its advance, and then
             its ink (rendered with pdftoppm) must not pass the edge by more
             than 0.5 mm (no hanging punctuation): a mark drawn centred (AR PL
             UMing's 。、) gives only its blank

Usage: typeset_check.py [--done] [--min-fill F] [--allow-stretched N] [--json] [-v] PDF...
       typeset_check.py --run PLANEVAL [--min-fill F] INI...
  --run     renders each INI with `PLANEVAL -v` into a temporary directory and
            applies --done to its PDF, allowing the stretched lines that
            planeval reported loose (排版 warnings of -v, matched by page and
            text) and no other; a reported line that is short is counted
            once, as the reported line, not again against the fill.
  --min-fill  the share of pure-Chinese full lines that must fill 28 places
            (default 0.97, the issue's target)
  --done    exit 1 unless the issue's Done-means hold on every PDF: no pair at
            full width, no stretched line (beyond --allow-stretched), no
            collision, ≥ 97 % of the pure-Chinese full lines filling 28
            places, no kinsoku fault, no edge deviation.
Exits 77 (ctest SKIP) when mutool is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PT_PER_MM = 72.0 / 25.4
BODY = 16.0                     # 3号
BLOCK_L = 28.0 * PT_PER_MM      # GB/T 9704: left margin 28 mm, block 156 mm
BLOCK_R = (28.0 + 156.0) * PT_PER_MM
PITCH = 156.0 * PT_PER_MM / 28  # one character place, 15.79 pt
LINE_PITCH = 225.0 * PT_PER_MM / 22
EDGE_TOL = 0.5 * PT_PER_MM
BLOCK_TOP = 37.0 * PT_PER_MM    # from the page's top, as mutool counts y
BLOCK_BOTTOM = (37.0 + 225.0) * PT_PER_MM

NO_START = set("，。、；：？！）》」』】〕〉〗〙〛］｝｠”’·・～%％‰℃…—．,.;:?!)]}")
NO_END = set("（《「『【〔〈〖〘〚［｛｟“‘([{")
# Full-width marks that take part in compression (the dashes and ellipses,
# which are two-em marks, do not).
MARKS = set("，。、；：？！（）《》「」『』【】〔〕〈〉〖〗“”‘’")

# Marks a line may end with at half width (CLREQ: 行尾点号 / 结束引号括号).
HALF_AT_END = set("，。、；：？！）》」』】〕〉〗”’")


def is_ideograph(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def stext(pdf):
    out = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf],
                         check=True, capture_output=True).stdout
    return ET.fromstring(out)


def body_lines(root):
    """The running-text lines: per page, the 16 pt characters grouped by
    baseline, left to right; only lines starting at the block's left edge or
    at the paragraph indent (centred captions and the signature are not
    running text). Each line: dict(page, y, chars=[(c, x, w)], indent)."""
    lines = []
    for pno, page in enumerate(root.iter("page")):
        rows = {}
        for font in page.iter("font"):
            size = float(font.get("size"))
            if abs(size - BODY) > 0.05:
                continue
            for ch in font.iter("char"):
                c = ch.get("c")
                if c is None or c.isspace():
                    continue
                q = [float(v) for v in ch.get("quad").split()]
                x, y = float(ch.get("x")), float(ch.get("y"))
                w = q[2] - q[0]
                rows.setdefault(round(y, 1), []).append((c, x, w))
        for y in sorted(rows):
            chars = sorted(rows[y], key=lambda t: t[1])
            x0 = chars[0][1]
            if abs(x0 - BLOCK_L) <= EDGE_TOL:
                indent = 0
            elif abs(x0 - (BLOCK_L + 2 * PITCH)) <= EDGE_TOL:
                indent = 2
            else:
                continue
            lines.append({"page": pno + 1, "y": y, "chars": chars, "indent": indent})
    return lines


def ink_right(pdf, page, x0, x1, baseline, cache):
    """The rightmost inked x (pt) of page `page` between x0 and x1 in the
    16 pt line at `baseline` (mutool's y, from the top), from a pdftoppm
    rendering at 8 px per pt; None if nothing is inked there."""
    scale = 8.0
    key = (pdf, page)
    if key not in cache:
        out = subprocess.run(["pdftoppm", "-gray", "-r", "%d" % int(72 * scale), "-f",
                              str(page), "-l", str(page), pdf],
                             check=True, capture_output=True).stdout
        cache[key] = parse_pgm(out)
    w, h, px = cache[key]
    top, bottom = int((baseline - 0.9 * BODY) * scale), int((baseline + 0.2 * BODY) * scale)
    c0, c1 = max(0, int(x0 * scale)), min(w - 1, int(x1 * scale) + 1)
    for col in range(c1, c0 - 1, -1):
        for row in range(max(0, top), min(h, bottom)):
            if px[row * w + col] < 128:
                return (col + 1) / scale
    return None


def parse_pgm(data):
    """(width, height, bytes) of a binary PGM (P5, maxval 255)."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h]


def all_pairs(root):
    """Adjacent full-width marks in every text of the PDF (table cells, notes,
    captions, titles, running text): per page, font size and baseline, the
    characters left to right; a pair is two neighbouring full-width marks
    (a font's proportional quotes are none), the second starting within 1.2
    em of the first, so not in the next cell. Returns
    [(page, a, b, advance in em, the run's text)]."""
    pairs = []
    for pno, page in enumerate(root.iter("page")):
        rows = {}
        for font in page.iter("font"):
            size = float(font.get("size"))
            for ch in font.iter("char"):
                c = ch.get("c")
                if c is None or c.isspace():
                    continue
                q = [float(v) for v in ch.get("quad").split()]
                rows.setdefault((size, round(float(ch.get("y")), 1)), []).append(
                    (c, float(ch.get("x")), q[2] - q[0]))
        for (size, _), chars in sorted(rows.items()):
            chars.sort(key=lambda t: t[1])
            for (a, xa, wa), (b, xb, wb) in zip(chars, chars[1:]):
                if (a in MARKS and b in MARKS and wa >= 0.9 * size and wb >= 0.9 * size and
                        xb - xa < 1.2 * size):
                    pairs.append((pno + 1, a, b, (xb - xa) / size,
                                  "".join(c for c, _, _ in chars)))
    return pairs


def text_of(line):
    return "".join(c for c, _, _ in line["chars"])


def measure(pdf, verbose=False, warned=None):
    """warned: (page, text prefix) of the lines planeval reported loose."""
    root = stext(pdf)
    lines = body_lines(root)
    em = BODY
    m = {"pdf": pdf, "lines": len(lines), "pairs": 0, "pairs_full": 0, "pairs_all": 0,
         "pairs_all_full": 0, "stretched": 0,
         "stretched_reported": 0, "full_cjk": 0, "short": 0, "short_reported": 0,
         "collisions": 0, "kinsoku": 0, "edges": 0}
    notes = []
    pages = {}
    for page, a, b, adv, run in all_pairs(root):
        m["pairs_all"] += 1
        if adv >= 0.75:
            m["pairs_all_full"] += 1
            notes.append("full-width pair %s%s (any text): p%d %s" % (a, b, page, run))

    for k, ln in enumerate(lines):
        ch = ln["chars"]
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        # A line is full (justified, not a paragraph's last) when the next
        # running line continues the paragraph: it starts at the block edge
        # on the next grid line, or at the top of the next page.
        full = nxt is not None and nxt["indent"] == 0 and (
            (nxt["page"] == ln["page"] and abs(nxt["y"] - ln["y"] - LINE_PITCH) < 1.0) or
            (nxt["page"] == ln["page"] + 1 and ln["y"] > BLOCK_BOTTOM - LINE_PITCH and
             nxt["y"] < BLOCK_TOP + LINE_PITCH))
        where = "p%d %s" % (ln["page"], text_of(ln))
        reported = any(p == ln["page"] and text_of(ln).startswith(t)
                       for p, t in (warned or []))
        gaps = []
        for i in range(len(ch) - 1):
            (a, xa, wa), (b, xb, _) = ch[i], ch[i + 1]
            adv = (xb - xa) / em
            if a in MARKS and b in MARKS and wa >= 0.9 * em:
                m["pairs"] += 1
                if adv >= 0.75:
                    m["pairs_full"] += 1
                    notes.append("full-width pair %s%s: %s" % (a, b, where))
            if is_ideograph(a):
                gaps.append(adv)
                if adv < 0.9:
                    m["collisions"] += 1
                    notes.append("collision %s%s (%.3f em): %s" % (a, b, adv, where))
        stretched = gaps and (max(gaps) > 1.15 or sum(gaps) / len(gaps) > 1.03)
        if stretched:
            m["stretched"] += 1
            m["stretched_reported"] += 1 if reported else 0
            notes.append("stretched (max %.3f, mean %.3f em)%s: %s"
                         % (max(gaps), sum(gaps) / len(gaps),
                            " [reported]" if reported else "", where))
        if ch[0][0] in NO_START or ch[-1][0] in NO_END:
            m["kinsoku"] += 1
            notes.append("kinsoku: %s" % where)
        if full and ch[-1][0] in "—…" and nxt["chars"][0][0] == ch[-1][0]:
            m["kinsoku"] += 1
            notes.append("split %s%s: %s" % (ch[-1][0], ch[-1][0], where))
        if not full:
            continue
        c, x, w = ch[-1]
        right = x + w
        # CLREQ: a stop or closing mark may end a line at half width, its
        # ink inside the block
        if (c in HALF_AT_END and right > BLOCK_R + EDGE_TOL and
                right - w / 2 <= BLOCK_R + EDGE_TOL):
            ink = ink_right(pdf, ln["page"], x, x + w, ln["y"], pages)
            if ink is not None and ink > BLOCK_R + EDGE_TOL:
                m["edges"] += 1
                notes.append("%s hangs %.2f mm into the margin: %s"
                             % (c, (ink - BLOCK_R) / PT_PER_MM, where))
        elif abs(right - BLOCK_R) > EDGE_TOL:
            m["edges"] += 1
            notes.append("right edge %+.2f mm: %s" % ((right - BLOCK_R) / PT_PER_MM, where))
        if all(w >= 0.9 * em for _, _, w in ch):
            m["full_cjk"] += 1
            places = len(ch) + ln["indent"]
            if places < 28:
                m["short"] += 1
                m["short_reported"] += 1 if reported else 0
                notes.append("short line (%d places)%s: %s"
                             % (places, " [reported]" if reported else "", where))
    if verbose:
        for n in notes:
            print("  " + n)
    return m


def render(planeval, ini, tmp):
    """Runs planeval -v on ini into tmp; returns (pdf path, [(page, text
    prefix)] of the loose lines it reported)."""
    out = os.path.join(tmp, "%d" % len(os.listdir(tmp)))
    r = subprocess.run([planeval, "-v", "--format", "pdf", "-o", out, ini],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL: planeval %s exited %d: %s" % (ini, r.returncode, r.stderr[-500:]))
        return None, []
    warned = []
    for n in r.stderr.splitlines():
        mt = re.search(r"排版：第(\d+)页第\d+行“(.*?)(……)?”", n)
        if mt:
            print("  note: " + n)
            warned.append((int(mt.group(1)), mt.group(2)))
    pdfs = [f for f in os.listdir(out) if f.endswith(".pdf")]
    return (os.path.join(out, pdfs[0]) if pdfs else None), warned


def main(argv):
    done = "--done" in argv
    as_json = "--json" in argv
    verbose = "-v" in argv
    allow = 0
    min_fill = 0.97
    planeval = None
    pdfs = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--allow-stretched":
            allow = int(argv[i + 1])
            i += 1
        elif a == "--min-fill":
            min_fill = float(argv[i + 1])
            i += 1
        elif a == "--run":
            planeval = argv[i + 1]
            done = True
            i += 1
        elif not a.startswith("-"):
            pdfs.append(a)
        i += 1
    if not pdfs:
        print(__doc__)
        return 2
    for tool, pkg in (("mutool", "mupdf-tools"), ("pdftoppm", "poppler-utils")):
        if not shutil.which(tool):
            print("SKIP: %s (Debian %s) is not installed" % (tool, pkg))
            return 77
    tmp = tempfile.mkdtemp(prefix="pe-typeset-") if planeval else None
    try:
        return check_all(pdfs, planeval, tmp, done, as_json, verbose, allow, min_fill)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def check_all(inputs, planeval, tmp, done, as_json, verbose, allow, min_fill):
    ok = True
    for pdf in inputs:
        warned = None
        if planeval:
            pdf, warned = render(planeval, pdf, tmp)
            if pdf is None:
                ok = False
                continue
        m = measure(pdf, verbose, warned)
        if as_json:
            print(json.dumps(m, ensure_ascii=False))
        else:
            print("%s: pairs at full width %d of %d (in all text %d of %d), stretched %d "
                  "(%d reported), short %d of %d (%d reported), collisions %d, kinsoku %d, "
                  "edges %d (%d lines)"
                  % (pdf, m["pairs_full"], m["pairs"], m["pairs_all_full"], m["pairs_all"],
                     m["stretched"], m["stretched_reported"],
                     m["short"], m["full_cjk"], m["short_reported"], m["collisions"],
                     m["kinsoku"], m["edges"], m["lines"]))
        if done:
            # A line planeval reported loose (-v: its paragraph has no other
            # solution) is allowed to be stretched, and counted once, as
            # that line, not again against the fill.
            if warned is not None:
                unreported = m["stretched"] - m["stretched_reported"]
                short = m["short"] - m["short_reported"]
            else:
                unreported = m["stretched"] - allow
                short = m["short"]
            fill = 1.0 - short / m["full_cjk"] if m["full_cjk"] else 1.0
            print("  fill: %d of %d pure-Chinese full lines fill 28 places (%.1f %%)"
                  % (m["full_cjk"] - short, m["full_cjk"], 100 * fill))
            if short != m["short"]:
                print("  fill counting the reported lines short too: %d of %d (%.1f %%)"
                      % (m["full_cjk"] - m["short"], m["full_cjk"],
                         100 * (1.0 - m["short"] / m["full_cjk"])))
            fails = []
            if m["pairs_full"] or m["pairs_all_full"]:
                fails.append("pairs at full width")
            if unreported > 0:
                fails.append("stretched lines not reported by planeval -v")
            if m["collisions"]:
                fails.append("collisions")
            if fill < min_fill:
                fails.append("full lines filling 28 places %.1f %% < %.1f %%"
                             % (100 * fill, 100 * min_fill))
            if m["kinsoku"]:
                fails.append("kinsoku faults")
            if m["edges"]:
                fails.append("edges off by more than 0.5 mm")
            if not m["lines"]:
                fails.append("no running text found")
            if fails:
                ok = False
                print("FAIL %s: %s" % (pdf, "; ".join(fails)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
