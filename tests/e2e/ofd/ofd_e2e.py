#!/usr/bin/python3
"""ofd_e2e.py — planeval's OFD output checked with a real reader (issue 11 item 4).

The OFD is rendered by the npm package ofd.js 0.2.6 in headless Debian chromium
(playwright-core, render.mjs) with the fonts embedded in the OFD registered through
the FontFace API, and every rendered page is compared with the PDF page:
  * text: every character ofd.js draws must be a character of the PDF page
    (`mutool draw -F stext`) at the same baseline origin within 0.5 mm and with the
    same advance within 0.05 mm (drawn with the same font), and every PDF character
    must be drawn; the positions the OFD's TextCode elements give
    (X/Y, DeltaX with the g repeat form, Boundary, CTM) must be those ofd.js drew;
  * rules: long straight dark runs (table and chart rules, bars) of the screenshot
    and of `pdftoppm` of the PDF page at the same resolution must coincide within
    0.5 mm, and have the same width (ink per length, the PDF's measured on MuPDF's
    exact-coverage rendering) within 0.06 mm + 25 %.

Usage:
  ofd_e2e.py run PLANEVAL INI CACHE_DIR
      planeval --format pdf,ofd on INI into a temporary directory, then `check`.
      Exits 77 (ctest SKIP) with a message when planeval does not offer OFD output
      yet, or when chromium / node / npm / the npm packages cannot be had.
  ofd_e2e.py negative PLANEVAL INI CACHE_DIR
      the negative control: plants three defects in one page of planeval's OFD (a
      TextObject moved 1 mm, a rule PathObject removed, one drawn twice as wide) and
      fails unless `check` reports each of them.
  ofd_e2e.py check OFD PDF OUT_DIR CACHE_DIR
      compare an OFD with a PDF; pages, diff images and report.txt go to OUT_DIR.
  ofd_e2e.py reader OFD OUT_DIR CACHE_DIR
      render any OFD (e.g. another producer's) and compare what ofd.js drew with the
      positions its TextCode elements give; used to validate the harness itself.
CACHE_DIR receives node_modules (`npm ci` from package-lock.json, once per lock).
Environment: PE_CHROMIUM overrides /usr/bin/chromium; PE_OFD_KEEP=1 keeps the
temporary output of `run` and prints where it is; PE_OFD_PRINT_PDF=FILE (harness
self-validation) also prints the rendered pages to FILE with Chromium, a PDF that
`check` must find identical to the OFD.
"""
import fcntl
import hashlib
import json
import math
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OFD_NS = 'http://www.ofdspec.org/2016'
SCALE = 5          # CSS px per mm (ofd.js's largest default scale)
DSF = 2            # device pixels per CSS px: screenshots at 10 px/mm (254 dpi)
TEXT_TOL_MM = 0.5  # the tolerance for text positions
ADV_TOL_MM = 0.05  # a character's rendered advance against the PDF glyph's
MATCH_MM = 3.0     # a character farther than this from its PDF twin is "missing"
RULE_TOL_MM = 0.5  # rule pixels must have a counterpart this close
RULE_MIN_MM = 8.0  # a dark straight run at least this long is a rule
RULE_DARK = 160    # grey level below which a pixel is ink for the rule mask
WIDTH_TOL_MM = 0.06  # rule widths must agree within this + 25 %
SKIP = 77


def skip(msg):
    print(f'SKIP: {msg}')
    sys.exit(SKIP)


# ---------------------------------------------------------------- OFD package
def local(tag):
    return tag.rsplit('}', 1)[-1]


def kids(el, name):
    return [c for c in el if local(c.tag) == name]


def kid(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


class OfdPackage:
    """The parts of an OFD package the checks need, read with zipfile + ElementTree."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self.problems = []
        root = self.xml('OFD.xml')
        body = kid(root, 'DocBody')
        self.root_ns = root.tag[1:].split('}')[0] if root.tag.startswith('{') else ''
        docroot = kid(body, 'DocRoot').text.strip()
        self.doc_path = self.norm('', docroot)
        doc = self.xml(self.doc_path)
        self.doc_dir = posixpath.dirname(self.doc_path)
        common = kid(doc, 'CommonData')
        self.fonts = {}          # ID → dict(name, family, file)
        for tag in ('PublicRes', 'DocumentRes'):
            for r in kids(common, tag):
                self.read_res(self.norm(self.doc_dir, r.text.strip()))
        self.templates = {}
        for t in kids(common, 'TemplatePage'):
            self.templates[t.get('ID')] = self.norm(self.doc_dir, t.get('BaseLoc'))
        area = kid(common, 'PageArea')
        box = kid(area, 'PhysicalBox') if area is not None else None
        self.default_box = [float(v) for v in box.text.split()] if box is not None else None
        self.pages = []          # (ID, path)
        for p in kids(kid(doc, 'Pages'), 'Page'):
            self.pages.append((p.get('ID'), self.norm(self.doc_dir, p.get('BaseLoc'))))

    def norm(self, base, loc):
        loc = loc.strip()
        if loc.startswith('/'):
            return posixpath.normpath(loc.lstrip('/'))
        full = posixpath.normpath(posixpath.join(base, loc)) if base else posixpath.normpath(loc)
        if full in self.names or not base:
            return full
        # Some producers write paths relative to the package root without the '/'.
        alt = posixpath.normpath(loc)
        return alt if alt in self.names else full

    def xml(self, name):
        if name not in self.names:
            raise ValueError(f'{name} is referenced but not in the package')
        return ET.fromstring(self.zip.read(name))

    def read_res(self, path):
        if path not in self.names:
            self.problems.append(f'resource file {path} is missing')
            return
        res = self.xml(path)
        base = self.norm(posixpath.dirname(path), res.get('BaseLoc') or '.')
        for fonts in kids(res, 'Fonts'):
            for f in kids(fonts, 'Font'):
                ff = kid(f, 'FontFile')
                file = None
                if ff is not None and ff.text:
                    file = self.norm(base, ff.text.strip())
                    if file not in self.names:
                        cands = [n for n in self.names if posixpath.basename(n) == posixpath.basename(file)]
                        if len(cands) == 1:
                            file = cands[0]
                        else:
                            self.problems.append(f'font {f.get("ID")}: FontFile {ff.text.strip()} is not in the package')
                            file = None
                self.fonts[f.get('ID')] = {'name': f.get('FontName'), 'family': f.get('FamilyName'),
                                           'file': file}

    def extract_fonts(self, out_dir):
        """Writes every embedded font file to OUT_DIR; returns the list render.mjs reads."""
        listed = []
        for fid, f in sorted(self.fonts.items()):
            if not f['file']:
                continue
            data = self.zip.read(f['file'])
            dest = os.path.join(out_dir, f'font-{len(listed)}{os.path.splitext(f["file"])[1] or ".ttf"}')
            with open(dest, 'wb') as fh:
                fh.write(data)
            listed.append({'id': fid, 'file': dest, 'sha256': hashlib.sha256(data).hexdigest()})
        return listed

    def page_chars(self, page_path):
        """Every character of a page as its TextCode elements place it:
        [(c, x_mm, y_mm, font_id, textobject_id)], page coordinates, origin top left."""
        out = []
        page = self.xml(page_path)
        tpl = kid(page, 'Template')
        layers = []
        if tpl is not None and tpl.get('TemplateID') in self.templates:
            tp = self.xml(self.templates[tpl.get('TemplateID')])
            content = kid(tp, 'Content')
            if content is not None:
                layers += kids(content, 'Layer')
        content = kid(page, 'Content')
        if content is not None:
            layers += kids(content, 'Layer')
        for layer in layers:
            self.block_chars(layer, out)
        return out

    def block_chars(self, block, out):
        for el in block:
            name = local(el.tag)
            if name == 'PageBlock':
                self.block_chars(el, out)
            elif name == 'TextObject':
                bx, by = [float(v) for v in el.get('Boundary').split()[:2]]
                ctm = [float(v) for v in el.get('CTM').split()] if el.get('CTM') else [1, 0, 0, 1, 0, 0]
                for tc in kids(el, 'TextCode'):
                    x = float(tc.get('X') or 0)
                    y = float(tc.get('Y') or 0)
                    dx = delta_list(tc.get('DeltaX'))
                    dy = delta_list(tc.get('DeltaY'))
                    text = tc.text or ''
                    for i, c in enumerate(text):
                        if i > 0:
                            x += dx[i - 1] if i - 1 < len(dx) else 0.0
                            y += dy[i - 1] if i - 1 < len(dy) else 0.0
                        px = ctm[0] * x + ctm[2] * y + ctm[4]
                        py = ctm[1] * x + ctm[3] * y + ctm[5]
                        out.append((c, bx + px, by + py, el.get('Font'), el.get('ID')))


def delta_list(s):
    """DeltaX/DeltaY with the `g N value` repeat form (GB/T 33190 §11.3)."""
    if not s:
        return []
    toks = s.split()
    out = []
    i = 0
    while i < len(toks):
        if toks[i] == 'g':
            out += [float(toks[i + 2])] * int(toks[i + 1])
            i += 3
        else:
            out.append(float(toks[i]))
            i += 1
    return out


# ---------------------------------------------------------------- tools
def npm_install(cache_dir):
    """npm ci of package-lock.json into CACHE_DIR once per lock (flock: ctest -j)."""
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(HERE, 'package-lock.json'), 'rb') as fh:
        lock = fh.read()
    stamp = os.path.join(cache_dir, 'installed.sha256')
    want = hashlib.sha256(lock).hexdigest()
    with open(os.path.join(cache_dir, '.lock'), 'w') as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        if os.path.exists(stamp) and open(stamp).read().strip() == want and \
                os.path.exists(os.path.join(cache_dir, 'node_modules', 'ofd.js', 'lib', 'ofd.umd.min.js')):
            return
        for f in ('package.json', 'package-lock.json'):
            shutil.copyfile(os.path.join(HERE, f), os.path.join(cache_dir, f))
        print(f'ofd_e2e: npm ci (ofd.js 0.2.6, playwright-core) into {cache_dir}', flush=True)
        r = subprocess.run(['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
                           cwd=cache_dir, capture_output=True, text=True)
        if r.returncode != 0:
            skip(f'the npm packages ofd.js@0.2.6 and playwright-core could not be installed '
                 f'(npm ci exited {r.returncode}: {r.stderr.strip()[-400:]})')
        with open(stamp, 'w') as fh:
            fh.write(want + '\n')


def chromium_path():
    path = os.environ.get('PE_CHROMIUM', '/usr/bin/chromium')
    if not os.access(path, os.X_OK):
        skip(f'{path} is not installed (Debian package chromium; scripts/setup.sh installs it)')
    return path


def need_tools():
    for tool, pkg in (('node', 'nodejs'), ('npm', 'npm'), ('mutool', 'mupdf-tools'),
                      ('pdftoppm', 'poppler-utils')):
        if not shutil.which(tool):
            skip(f'{tool} is not installed (Debian package {pkg})')
    try:
        import numpy  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        skip('python3-numpy and python3-pil are needed to compare the page images')


def render(ofd, out_dir, cache_dir, pkg):
    fonts = pkg.extract_fonts(out_dir)
    job = {'ofd': os.path.abspath(ofd), 'out': out_dir, 'modules': cache_dir,
           'chromium': chromium_path(), 'scale': SCALE, 'dsf': DSF, 'fonts': fonts}
    if os.environ.get('PE_OFD_PRINT_PDF'):
        job['printPdf'] = os.path.abspath(os.environ['PE_OFD_PRINT_PDF'])
    job_path = os.path.join(out_dir, 'job.json')
    with open(job_path, 'w') as fh:
        json.dump(job, fh)
    r = subprocess.run(['node', os.path.join(HERE, 'render.mjs'), job_path],
                       capture_output=True, text=True, timeout=600)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        if 'Failed to launch' in r.stderr or 'spawn' in r.stderr and 'ENOENT' in r.stderr:
            skip('chromium could not be started by playwright-core')
        raise SystemExit(f'FAIL: ofd.js could not render {ofd}')
    with open(os.path.join(out_dir, 'render.json')) as fh:
        return json.load(fh)


# ---------------------------------------------------------------- text
def match_chars(a, b, max_d):
    """One-to-one pairs of equal characters, nearest first. a, b: [(c, x, y, ...)].
    Returns (pairs [(ia, ib, d)], unmatched_a, unmatched_b)."""
    by_c = {}
    for j, ch in enumerate(b):
        by_c.setdefault(ch[0], []).append(j)
    cand = []
    for i, ch in enumerate(a):
        for j in by_c.get(ch[0], ()):
            d = math.hypot(ch[1] - b[j][1], ch[2] - b[j][2])
            if d <= max_d:
                cand.append((d, i, j))
    cand.sort()
    ua, ub = set(range(len(a))), set(range(len(b)))
    pairs = []
    for d, i, j in cand:
        if i in ua and j in ub:
            ua.discard(i)
            ub.discard(j)
            pairs.append((i, j, d))
    return pairs, sorted(ua), sorted(ub)


def nearest(ch, others):
    best = None
    for o in others:
        if o[0] == ch[0]:
            d = math.hypot(ch[1] - o[1], ch[2] - o[2])
            if best is None or d < best[0]:
                best = (d, o)
    return best


def pdf_page_mm(pdf, n):
    """Width and height of the PDF's page n in mm (pdfinfo); A4 when unknown."""
    if not shutil.which('pdfinfo'):
        return 210.0, 297.0
    out = subprocess.run(['pdfinfo', '-f', str(n), '-l', str(n), pdf], capture_output=True,
                         text=True).stdout
    m = re.search(r'^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts', out, re.M)
    return (float(m.group(1)) * 25.4 / 72, float(m.group(2)) * 25.4 / 72) if m else (210.0, 297.0)


def pdf_chars(pdf, page_no, work):
    """[(c, x_mm, y_mm, adv_mm, line_text)] of one PDF page (mutool stext)."""
    out = os.path.join(work, f'pdf-{page_no}.stext')
    subprocess.run(['mutool', 'draw', '-q', '-F', 'stext', '-o', out, pdf, str(page_no)],
                   check=True, capture_output=True)
    k = 25.4 / 72.0
    chars = []
    for line in ET.parse(out).getroot().iter('line'):
        cs = list(line.iter('char'))
        text = ''.join(c.get('c') for c in cs)
        for c in cs:
            q = [float(v) for v in c.get('quad').split()]
            chars.append((c.get('c'), float(c.get('x')) * k, float(c.get('y')) * k,
                          math.hypot(q[2] - q[0], q[3] - q[1]) * k, text))
    return chars


def fmt(ch):
    return f'({ch[1]:.2f}, {ch[2]:.2f}) mm'


def context_of(line_text, c):
    t = line_text.strip()
    if len(t) > 24:
        i = t.find(c)
        lo = max(0, i - 10)
        t = ('…' if lo else '') + t[lo:lo + 22] + '…'
    return t


# ---------------------------------------------------------------- rules
def shifted(m, k, axis):
    """M moved by K pixels along AXIS (k > 0: towards lower indices), zero-filled."""
    import numpy as np
    out = np.zeros_like(m)
    src = [slice(None)] * 2
    dst = [slice(None)] * 2
    if k > 0:
        src[axis], dst[axis] = slice(k, None), slice(None, -k)
    else:
        src[axis], dst[axis] = slice(None, k), slice(-k, None)
    out[tuple(dst)] = m[tuple(src)]
    return out


def run_filter(m, n, axis, op):
    """op=and: out[j] = all(m[j:j+n]); op=or: out[j] = any(m[j-n+1:j+1]);
    op=orf: out[j] = any(m[j:j+n]) (boolean erosion / dilation along AXIS by
    doubling, log2(n) passes)."""
    out = m.copy()
    span = 1
    while span < n:
        step = min(span, n - span)
        if op == 'and':
            out &= shifted(out, step, axis)
        elif op == 'orf':
            out |= shifted(out, step, axis)
        else:
            out |= shifted(out, -step, axis)
        span += step
    return out


def rule_mask(gray, px_per_mm):
    """(horizontal, vertical): pixels of dark straight runs at least RULE_MIN_MM long."""
    dark = gray < RULE_DARK
    n = int(round(RULE_MIN_MM * px_per_mm))
    return tuple(run_filter(run_filter(dark, n, axis, 'and'), n, axis, 'or') for axis in (1, 0))


def dilate(mask, r):
    """Square dilation by R pixels."""
    out = mask
    for axis in (0, 1):
        out = run_filter(out, r + 1, axis, 'or') | run_filter(out, r + 1, axis, 'orf')
    return out


def clusters(mask, cell):
    """Connected groups of CELL×CELL blocks containing mask pixels: [(x0,y0,x1,y1,count)] px."""
    import numpy as np
    h, w = mask.shape
    gh, gw = (h + cell - 1) // cell, (w + cell - 1) // cell
    pad = np.zeros((gh * cell, gw * cell), dtype=np.int32)
    pad[:h, :w] = mask
    counts = pad.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    seen = np.zeros_like(counts, dtype=bool)
    out = []
    for gy, gx in zip(*np.nonzero(counts)):
        if seen[gy, gx]:
            continue
        stack = [(gy, gx)]
        seen[gy, gx] = True
        y0, y1, x0, x1, n = gy, gy, gx, gx, 0
        while stack:
            cy, cx = stack.pop()
            n += int(counts[cy, cx])
            y0, y1, x0, x1 = min(y0, cy), max(y1, cy), min(x0, cx), max(x1, cx)
            for ny in (cy - 1, cy, cy + 1):
                for nx in (cx - 1, cx, cx + 1):
                    if 0 <= ny < gh and 0 <= nx < gw and counts[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        out.append((x0 * cell, y0 * cell, (x1 + 1) * cell, (y1 + 1) * cell, n))
    return out


def compare_rules(pdf, page_no, png, work, px_per_mm):
    """Returns (problems, stats) for one page's rules."""
    import numpy as np
    from PIL import Image
    dpi = 25.4 * px_per_mm
    base = os.path.join(work, f'pdf-{page_no}')
    subprocess.run(['pdftoppm', '-r', f'{dpi:g}', '-gray', '-f', str(page_no), '-l', str(page_no),
                    '-singlefile', pdf, base], check=True, capture_output=True)
    gp = np.asarray(Image.open(base + '.pgm').convert('L'), dtype=np.int32)
    go = np.asarray(Image.open(png).convert('L'), dtype=np.int32)
    h, w = min(gp.shape[0], go.shape[0]), min(gp.shape[1], go.shape[1])
    problems = []
    if abs(gp.shape[0] - go.shape[0]) > 2 or abs(gp.shape[1] - go.shape[1]) > 2:
        problems.append(f'page size differs: PDF {gp.shape[1]}×{gp.shape[0]} px, '
                        f'OFD {go.shape[1]}×{go.shape[0]} px at {px_per_mm:g} px/mm')
    gp, go = gp[:h, :w], go[:h, :w]
    rp_hv, ro_hv = rule_mask(gp, px_per_mm), rule_mask(go, px_per_mm)
    rp, ro = rp_hv[0] | rp_hv[1], ro_hv[0] | ro_hv[1]
    r = int(round(RULE_TOL_MM * px_per_mm))
    # A rule found on one side needs ink (not necessarily a rule long enough to be
    # found) within the tolerance on the other: a rule that stops a hair short of the
    # 8-mm threshold on one side, or meets another rule with an anti-aliased gap, is
    # then no false alarm, while a missing or moved rule is still caught.
    near_o, near_p = dilate(go < RULE_DARK, r), dilate(gp < RULE_DARK, r)
    miss_in_ofd = rp & ~near_o
    extra_in_ofd = ro & ~near_p
    mm = 1.0 / px_per_mm
    min_px = int(round(1.0 * px_per_mm))     # ignore unmatched bits shorter than 1 mm
    for mask, what in ((miss_in_ofd, 'in the PDF but not in the OFD'),
                       (extra_in_ofd, 'in the OFD but not in the PDF')):
        for x0, y0, x1, y1, n in clusters(mask, min_px):
            if n >= min_px:
                problems.append(f'rule {what} at x {x0 * mm:.1f}–{x1 * mm:.1f} mm, '
                                f'y {y0 * mm:.1f}–{y1 * mm:.1f} mm ({n} px)')
    # Line weight: the ink (sum of darkness) near the rules in each 15-mm square (3×3
    # tiles of 5 mm, so that a rule on a tile edge counts on both sides), divided by
    # the rules' length there, is the line width. pdftoppm (Splash) snaps thin strokes
    # to whole pixels (a 0.176-mm rule, 1.76 px here, comes out 1 or 2 px wide), so
    # the PDF's ink is taken from MuPDF's exact-coverage rendering at the same
    # resolution; Chromium anti-aliases the exact width too. Widths must agree within
    # WIDTH_TOL_MM + 25 %: a 0.5-pt rule drawn 1 pt wide, or the reverse, is caught.
    subprocess.run(['mutool', 'draw', '-q', '-r', f'{dpi:g}', '-c', 'gray', '-o', base + '-mu.pgm',
                    pdf, str(page_no)], check=True, capture_output=True)
    gm = np.asarray(Image.open(base + '-mu.pgm').convert('L'), dtype=np.int32)
    gm = np.pad(gm, ((0, max(0, h - gm.shape[0])), (0, max(0, w - gm.shape[1]))),
                constant_values=255)[:h, :w]
    hp, vp = rp_hv
    zone = dilate(rp | ro, 3)
    t = int(round(5 * px_per_mm))
    gh, gw = h // t, w // t

    def box3(a):
        p = np.pad(a, 1)
        return sum(p[1 + dy:1 + dy + gh, 1 + dx:1 + dx + gw] for dy in (-1, 0, 1) for dx in (-1, 0, 1))

    def tiles(a):
        return box3(a[:gh * t, :gw * t].reshape(gh, t, gw, t).sum(axis=(1, 3)))
    tp = tiles(np.where(zone, 255 - gm, 0))
    to = tiles(np.where(zone, 255 - go, 0))
    # rule length per tile: columns crossed by horizontal rules + rows by vertical ones
    hlen = hp[:gh * t, :gw * t].reshape(gh, t, gw, t).any(axis=1).sum(axis=2)
    vlen = vp[:gh * t, :gw * t].reshape(gh, t, gw, t).any(axis=3).sum(axis=1)
    length = box3(hlen + vlen)
    worst = 0.0
    bad = []
    for gy, gx in zip(*np.nonzero(length >= t)):
        wp = float(tp[gy, gx]) / (255.0 * length[gy, gx]) * mm
        wo = float(to[gy, gx]) / (255.0 * length[gy, gx]) * mm
        worst = max(worst, abs(wo - wp))
        excess = abs(wo - wp) - (WIDTH_TOL_MM + 0.25 * max(wo, wp))
        if excess > 0:
            bad.append((excess, gx, gy, wp, wo))
    if bad:
        _, gx, gy, wp, wo = max(bad)
        problems.append(f'rule width differs around {len(bad)} places, worst around x {gx * 5 - 5}–{gx * 5 + 10} mm, '
                        f'y {gy * 5 - 5}–{gy * 5 + 10} mm: about {wp:.2f} mm in the PDF, {wo:.2f} mm in the OFD')
    if problems:
        diff = np.full((h, w, 3), 255, dtype=np.uint8)
        diff[rp] = (170, 170, 255)
        diff[ro] = (255, 170, 170)
        diff[rp & ro] = (120, 120, 120)
        diff[miss_in_ofd] = (0, 0, 255)
        diff[extra_in_ofd] = (255, 0, 0)
        Image.fromarray(diff).save(os.path.join(work, f'rules-diff-{page_no}.png'))
    stats = {'pdf_rule_px': int(rp.sum()), 'ofd_rule_px': int(ro.sum()),
             'unmatched_pdf_px': int(miss_in_ofd.sum()), 'unmatched_ofd_px': int(extra_in_ofd.sum()),
             'worst_width_diff_mm': worst, 'width_bad': [(gx * 5, gy * 5, wp, wo) for _, gx, gy, wp, wo in bad]}
    return problems, stats


# ---------------------------------------------------------------- checks
def reader_vs_textcode(pkg, rendered, report):
    """What ofd.js drew against what the TextCode elements say. Returns max error."""
    worst = 0.0
    ok = True
    if len(rendered['pages']) != len(pkg.pages):
        report.append(f'ofd.js rendered {len(rendered["pages"])} pages, Document.xml lists {len(pkg.pages)}')
        ok = False
    for (pid, ppath), rp in zip(pkg.pages, rendered['pages']):
        want = [c for c in pkg.page_chars(ppath) if not c[0].isspace()]
        # Only what the page's own TextObjects draw (not seals or annotations).
        objs = {c[4] for c in want}
        got = [(c['c'], c['x'], c['y']) for c in rp['chars'] if not c['c'].isspace() and c['obj'] in objs]
        pairs, ua, ub = match_chars(want, got, MATCH_MM)
        pw = max((d for _, _, d in pairs), default=0.0)
        worst = max(worst, pw)
        for i in ua[:10]:
            report.append(f'page {rp["index"]}: TextCode character {want[i][0]!r} at {fmt(want[i])} '
                          f'(TextObject {want[i][4]}) is not drawn by ofd.js')
            ok = False
        for j in ub[:10]:
            report.append(f'page {rp["index"]}: ofd.js draws {got[j][0]!r} at {fmt(got[j])}, '
                          f'which no TextCode places there')
            ok = False
        if len(ua) > 10 or len(ub) > 10:
            report.append(f'page {rp["index"]}: {len(ua)} characters not drawn, {len(ub)} drawn elsewhere in all')
        if pw > 0.05:
            report.append(f'page {rp["index"]}: ofd.js draws characters up to {pw:.3f} mm away from their TextCode position')
            ok = False
    return ok, worst


def check(ofd, pdf, out_dir, cache_dir, pdf_pages=None):
    """PDF_PAGES: the PDF page number of each OFD page (default: the same numbers)."""
    need_tools()
    npm_install(cache_dir)
    report = []
    pkg = OfdPackage(ofd)
    report += [f'package: {p}' for p in pkg.problems]
    if pkg.root_ns != OFD_NS:
        report.append(f'OFD.xml is in namespace "{pkg.root_ns}", not {OFD_NS}')
    raw = pkg.zip.read('OFD.xml').decode('utf-8', 'replace')
    if '<ofd:OFD' not in raw:
        report.append('OFD.xml does not use the "ofd:" prefix; ofd.js 0.2.6 looks elements up by '
                      'their prefixed names (ofd:OFD, ofd:DocBody, …) and finds nothing otherwise')
    rendered = render(ofd, out_dir, cache_dir, pkg)
    report += [f'reader: {p}' for p in rendered['problems']]
    report += [f'reader: {e}' for e in rendered.get('consoleErrors', [])]
    ok_reader, reader_worst = reader_vs_textcode(pkg, rendered, report)
    n_pdf = int(subprocess.run(['qpdf', '--show-npages', pdf], capture_output=True, text=True).stdout or 0) \
        if shutil.which('qpdf') else None
    if pdf_pages is None and n_pdf is not None and n_pdf != len(rendered['pages']):
        report.append(f'the OFD has {len(rendered["pages"])} pages, the PDF {n_pdf}')
    px_per_mm = SCALE * DSF
    summary = []
    check.stats = []
    for rp in rendered['pages']:
        n = rp['index'] if pdf_pages is None else pdf_pages[rp['index'] - 1]
        if n_pdf is not None and n > n_pdf:
            break
        # A4, or A4 landscape for an annex too wide for portrait: the PDF page's size
        pw, ph = pdf_page_mm(pdf, n)
        if abs(rp['widthMm'] - pw) > 0.5 or abs(rp['heightMm'] - ph) > 0.5:
            report.append(f'page {n}: ofd.js page box {rp["widthMm"]:.2f}×{rp["heightMm"]:.2f} mm, '
                          f'the PDF page {pw:.2f}×{ph:.2f} mm')
        pc = [c for c in pdf_chars(pdf, n, out_dir) if not c[0].isspace()]
        oc = [(c['c'], c['x'], c['y'], c['adv'], c['font']) for c in rp['chars'] if not c['c'].isspace()]
        pairs, uo, up = match_chars(oc, pc, MATCH_MM)
        worst = max((d for _, _, d in pairs), default=0.0)
        far = [(i, j, d) for i, j, d in pairs if d > TEXT_TOL_MM]
        # The advance the browser gives each character comes from the font it really
        # used: it must be the PDF glyph's, or the character was drawn with another
        # font (a FontFile not applied, or a glyph missing from the subset).
        adv = [(abs(oc[i][3] - pc[j][3]), i, j) for i, j, _ in pairs]
        worst_adv = max((a for a, _, _ in adv), default=0.0)
        bad_adv = [(a, i, j) for a, i, j in adv if a > ADV_TOL_MM]
        msgs = []
        for a, i, j in sorted(bad_adv, reverse=True)[:10]:
            o, p = oc[i], pc[j]
            msgs.append(f'page {n}: {o[0]!r} in “{context_of(p[4], p[0])}” at {fmt(p)} is {o[3]:.2f} mm wide in '
                        f'the OFD rendering, {p[3]:.2f} mm in the PDF (font {o[4]}: drawn with another font?)')
        for i, j, d in sorted(far, key=lambda p: -p[2]):
            o, p = oc[i], pc[j]
            msgs.append(f'page {n}: {o[0]!r} in “{context_of(p[4], p[0])}”: PDF {fmt(p)}, OFD {fmt(o)} '
                        f'(Δx {o[1] - p[1]:+.2f}, Δy {o[2] - p[2]:+.2f} mm)')
        for i in uo:
            o = oc[i]
            nb = nearest(o, pc)
            where = f'nearest {o[0]!r} in the PDF at {fmt(nb[1])}' if nb else f'no {o[0]!r} on the PDF page'
            msgs.append(f'page {n}: OFD draws {o[0]!r} at {fmt(o)}; {where}')
        for j in up:
            p = pc[j]
            nb = nearest(p, oc)
            where = f'nearest {p[0]!r} in the OFD at {fmt(nb[1])}' if nb else f'no {p[0]!r} on the OFD page'
            msgs.append(f'page {n}: PDF has {p[0]!r} in “{context_of(p[4], p[0])}” at {fmt(p)}; {where}')
        if len(msgs) > 30:
            msgs = msgs[:30] + [f'page {n}: … {len(msgs) - 30} more text mismatches']
        report += msgs
        if n != rp['index']:
            report.append(f'(OFD page {rp["index"]} is compared with PDF page {n})')
        rule_problems, st = compare_rules(pdf, n, rp['png'], out_dir, px_per_mm)
        check.stats.append(st)
        report += [f'page {n}: {m}' for m in rule_problems]
        summary.append(f'page {n:3d}: {len(pairs):4d} chars, max text error {worst:.3f} mm, '
                       f'{len(far) + len(uo) + len(up)} text mismatches, advances within {worst_adv:.3f} mm; rules {st["pdf_rule_px"]} px (PDF) / '
                       f'{st["ofd_rule_px"]} px (OFD), unmatched {st["unmatched_pdf_px"]}/{st["unmatched_ofd_px"]} px, '
                       f'rule width differs by up to {st["worst_width_diff_mm"]:.3f} mm')
    fonts = ', '.join(f'{f["id"]}→"{f["family"] or "-"}" {f["status"]}' for f in rendered['fontFaces'])
    text = '\n'.join([f'ofd.js 0.2.6 rendering of {ofd} against {pdf}',
                      f'embedded fonts registered: {fonts}',
                      f'reader vs TextCode: max {reader_worst:.4f} mm'] + summary +
                     (['', 'MISMATCHES:'] + report if report else ['', 'no mismatch']))
    with open(os.path.join(out_dir, 'report.txt'), 'w') as fh:
        fh.write(text + '\n')
    print(text)
    check.report = report
    return 0 if not report else 1


def reader_only(ofd, out_dir, cache_dir):
    need_tools()
    npm_install(cache_dir)
    pkg = OfdPackage(ofd)
    rendered = render(ofd, out_dir, cache_dir, pkg)
    report = [f'package: {p}' for p in pkg.problems] + [f'reader: {p}' for p in rendered['problems']]
    ok, worst = reader_vs_textcode(pkg, rendered, report)
    fonts = ', '.join(f'{f["id"]}→"{f["family"] or "-"}" {f["status"]}' for f in rendered['fontFaces'])
    n = sum(len(p['chars']) for p in rendered['pages'])
    print(f'{ofd}: {len(rendered["pages"])} pages, {n} characters drawn, reader vs TextCode max {worst:.4f} mm; '
          f'fonts: {fonts or "none embedded"}')
    for r in report:
        print(f'  {r}')
    return 0 if ok else 1


def run(planeval, ini, cache_dir):
    need_tools()
    chromium_path()
    tmp = tempfile.mkdtemp(prefix='pe-ofd-e2e-')
    keep = os.environ.get('PE_OFD_KEEP') == '1'
    try:
        out = os.path.join(tmp, 'out')
        r = subprocess.run([planeval, '-q', '--format', 'pdf,ofd', '-o', out, ini],
                           capture_output=True, text=True)
        if r.returncode == 2:
            helptext = subprocess.run([planeval, '--help'], capture_output=True, text=True).stdout
            if 'ofd' not in helptext.lower():
                skip('this planeval does not write OFD yet (--format pdf,ofd is not accepted); '
                     'the OFD reader check runs once the OFD writer is built in')
        if r.returncode != 0:
            print(r.stderr)
            raise SystemExit(f'FAIL: planeval --format pdf,ofd exited {r.returncode}')
        ofd, pdf = os.path.join(out, 'report.ofd'), os.path.join(out, 'report.pdf')
        for f in (ofd, pdf):
            if not os.path.exists(f):
                raise SystemExit(f'FAIL: planeval --format pdf,ofd did not write {f}')
        work = os.path.join(tmp, 'check')
        os.makedirs(work)
        rc = check(ofd, pdf, work, cache_dir)
        if keep or rc != 0:
            keep = True
            print(f'ofd_e2e: pages, screenshots and diff images kept in {work}')
        return rc
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def mutate(ofd, dest):
    """A copy of ONE page of OFD with three known defects (the negative control):
    a TextObject moved 1 mm right, a stroked PathObject removed, another one drawn
    twice as wide. Returns (page number, description) or None."""
    pkg = OfdPackage(ofd)
    ET.register_namespace('ofd', OFD_NS)
    for n, (pid, ppath) in enumerate(pkg.pages, 1):
        page = pkg.xml(ppath)
        layer = None
        for content in kids(page, 'Content'):
            for lay in kids(content, 'Layer'):
                layer = lay
        if layer is None:
            continue
        texts = [t for t in kids(layer, 'TextObject')
                 if sum(len((c.text or '').strip()) for c in kids(t, 'TextCode')) >= 5]
        paths = [p for p in kids(layer, 'PathObject') if p.get('Stroke') != 'false' and p.get('LineWidth')
                 and len(kid(p, 'AbbreviatedData').text.split(' M ')) >= 3]
        if not texts or len(paths) < 2:
            continue
        t = texts[0]
        b = t.get('Boundary').split()
        b[0] = f'{float(b[0]) + 1.0:g}'
        t.set('Boundary', ' '.join(b))
        gone, wide = paths[0], paths[1]
        layer.remove(gone)
        wide.set('LineWidth', f'{float(wide.get("LineWidth")) * 2:g}')
        # the package keeps only this page
        doc = pkg.xml(pkg.doc_path)
        pages = kid(doc, 'Pages')
        for p in kids(pages, 'Page'):
            if p.get('ID') != pid:
                pages.remove(p)
        with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as out:
            for name in pkg.zip.namelist():
                if name == pkg.doc_path:
                    out.writestr(name, ET.tostring(doc, encoding='utf-8', xml_declaration=True))
                elif name == ppath:
                    out.writestr(name, ET.tostring(page, encoding='utf-8', xml_declaration=True))
                elif '/Pages/' in name and name != ppath:
                    continue
                else:
                    out.writestr(name, pkg.zip.read(name))
        text = ''.join((c.text or '') for c in kids(t, 'TextCode'))
        return n, {'text': text, 'removed': gone.get('ID'), 'widened': wide.get('ID')}
    return None


def negative(planeval, ini, cache_dir):
    """The check must find three defects planted in planeval's own OFD."""
    need_tools()
    chromium_path()
    tmp = tempfile.mkdtemp(prefix='pe-ofd-neg-')
    try:
        out = os.path.join(tmp, 'out')
        r = subprocess.run([planeval, '-q', '--format', 'pdf,ofd', '-o', out, ini],
                           capture_output=True, text=True)
        if r.returncode == 2:
            helptext = subprocess.run([planeval, '--help'], capture_output=True, text=True).stdout
            if 'ofd' not in helptext.lower():
                skip('this planeval does not write OFD yet (--format pdf,ofd is not accepted)')
        if r.returncode != 0:
            print(r.stderr)
            raise SystemExit(f'FAIL: planeval --format pdf,ofd exited {r.returncode}')
        bad = os.path.join(tmp, 'planted.ofd')
        found = mutate(os.path.join(out, 'report.ofd'), bad)
        if not found:
            raise SystemExit('FAIL: no page with text and two stroked paths to plant defects in')
        n, what = found
        work = os.path.join(tmp, 'check')
        os.makedirs(work)
        rc = check(bad, os.path.join(out, 'report.pdf'), work, cache_dir, pdf_pages=[n])
        rep = check.report
        fail = 0
        expect = [
            (f'TextObject moved 1 mm (“{what["text"][:12]}”)',
             lambda m: 'Δx +1.0' in m or 'Δx +0.9' in m),
            (f'PathObject {what["removed"]} removed', lambda m: 'rule in the PDF but not in the OFD' in m),
            (f'PathObject {what["widened"]} twice as wide', lambda m: 'rule width differs' in m),
        ]
        # … and the doubled rule is measured as such, not only the removed one
        doubled = [b for st in check.stats for b in st['width_bad'] if b[2] > 0.1 and 1.6 <= b[3] / b[2] <= 2.4]
        if not doubled:
            print(f'FAIL: PathObject {what["widened"]} drawn twice as wide is not measured twice as wide')
            fail = 1
        for name, hit in expect:
            if not any(hit(m) for m in rep):
                print(f'FAIL: the check does not report the planted defect: {name}')
                fail = 1
        if rc == 0:
            print('FAIL: the check passes an OFD with planted defects')
            fail = 1
        if not fail:
            print(f'negative control: all three planted defects on page {n} reported')
        return fail
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) == 4 and argv[0] == 'run':
        return run(*argv[1:])
    if len(argv) == 4 and argv[0] == 'negative':
        return negative(*argv[1:])
    if len(argv) == 5 and argv[0] == 'check':
        os.makedirs(argv[3], exist_ok=True)
        return check(*argv[1:])
    if len(argv) == 4 and argv[0] == 'reader':
        os.makedirs(argv[2], exist_ok=True)
        return reader_only(*argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
