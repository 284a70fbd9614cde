#!/usr/bin/env python3
"""OFD end to end (GB/T 33190-2016): runs planeval with --format pdf,xlsx,ofd on
an INI and checks the OFD package's structure against the PDF written beside it.

Usage: ofd_check.py PLANEVAL INI GLYPHCHECK

- both runs write identical OFD bytes (determinism); the zip tests clean;
- every XML part is well-formed (xmllint --noout) and in the OFD namespace;
- OFD.xml: DocInfo title, author, creation date and creator agree with pdfinfo;
- Document.xml: A4 PhysicalBox, one Page per PDF page, each Content.xml present,
  MaxUnitID the largest ID; Outlines hold the PDF's bookmarks, in order;
- IDs are unique and increase through PublicRes, Document and the pages;
- PublicRes: every Font has its FontFile in the package, and that font maps
  every character its TextObjects use (glyphcheck: and draws each with an outline);
- every TextObject's and PathObject's Boundary holds what it draws, inside the page;
- the text of each page's TextCodes, in order, equals pdftotext -raw of the PDF page.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

NS = "http://www.ofdspec.org/2016"
Q = "{%s}" % NS
TOL = 0.002  # mm: rounding of the printed numbers

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(planeval, ini, out):
    p = subprocess.run([planeval, "-q", "-o", out, "--format", "pdf,xlsx,ofd", ini],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        sys.exit("planeval failed with status %d" % p.returncode)
    found = {}
    for ext in ("pdf", "xlsx", "ofd"):
        names = [n for n in os.listdir(out) if n.endswith("." + ext)]
        if len(names) != 1:
            sys.exit("expected one .%s file in %s, found %r" % (ext, out, names))
        found[ext] = os.path.join(out, names[0])
    return found


def pdfinfo(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    info = {}
    for line in out.splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    return info


def pdf_outline(pdf):
    """Bookmark titles in document order (mutool), or None without mutool."""
    if not shutil.which("mutool"):
        return None
    out = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True,
                         text=True).stdout
    titles = []
    for line in out.splitlines():
        m = re.match(r'^\s*[|+-]?\s*"(.*)"\s+#', line)
        if m:
            titles.append(m.group(1))
    return titles


def deltas(s):
    """Expands a DeltaX/DeltaY value with its `g N v` repeats."""
    out = []
    toks = s.split() if s else []
    i = 0
    while i < len(toks):
        if toks[i] == "g":
            out += [float(toks[i + 2])] * int(toks[i + 1])
            i += 3
        else:
            out.append(float(toks[i]))
            i += 1
    return out


def box(el):
    return [float(v) for v in el.get("Boundary").split()]


def check_text(el, page_no, w_page, h_page):
    x, y, w, h = box(el)
    size = float(el.get("Size"))
    tc = el.find(Q + "TextCode")
    tx, ty = float(tc.get("X")), float(tc.get("Y"))
    dx = deltas(tc.get("DeltaX"))
    n = len(tc.text or "")
    if len(dx) != max(0, n - 1):
        fail("page %d text object %s: %d DeltaX for %d characters" % (page_no, el.get("ID"),
                                                                      len(dx), n))
    end = tx + sum(dx)
    # glyph boxes: origin .. origin + a narrow glyph, one em above the baseline
    pts = [(tx, ty - 0.8 * size), (end + 0.25 * size, ty - 0.8 * size), (tx, ty),
           (end + 0.25 * size, ty)]
    ctm = el.get("CTM")
    if ctm:
        a, b, c, d, e, f = [float(v) for v in ctm.split()]
        pts = [(a * px + c * py + e, b * px + d * py + f) for px, py in pts]
    for px, py in pts:
        if px < -TOL or py < -TOL or px > w + TOL or py > h + TOL:
            fail("page %d text object %s: glyph point (%.3f, %.3f) outside its Boundary %s"
                 % (page_no, el.get("ID"), px, py, el.get("Boundary")))
            break
    if x < -TOL or y < -TOL or x + w > w_page + TOL or y + h > h_page + TOL:
        fail("page %d text object %s: Boundary %s outside the page" % (page_no, el.get("ID"),
                                                                        el.get("Boundary")))


def check_path(el, page_no, w_page, h_page):
    x, y, w, h = box(el)
    lw = float(el.get("LineWidth", "0.353")) if el.get("Stroke", "true") == "true" else 0
    data = el.find(Q + "AbbreviatedData").text.split()
    nums = [float(t) for t in data if not t.isalpha()]
    for px, py in zip(nums[0::2], nums[1::2]):
        if (px - lw / 2 < -TOL or py - lw / 2 < -TOL or px + lw / 2 > w + TOL
                or py + lw / 2 > h + TOL):
            fail("page %d path %s: point (%.3f, %.3f) ± %.3f outside its Boundary %s"
                 % (page_no, el.get("ID"), px, py, lw / 2, el.get("Boundary")))
            break
    if x < -TOL or y < -TOL or x + w > w_page + TOL or y + h > h_page + TOL:
        fail("page %d path %s: Boundary %s outside the page" % (page_no, el.get("ID"),
                                                                 el.get("Boundary")))


def ids_in(root):
    return [int(e.get("ID")) for e in root.iter() if e.get("ID") is not None]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    planeval, ini, glyphcheck = sys.argv[1:]
    if not shutil.which("xmllint"):
        print("SKIP: xmllint (Debian libxml2-utils) is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="ofd_check-")
    try:
        o1, o2 = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        first = run(planeval, ini, o1)
        second = run(planeval, ini, o2)
        ofd, pdf = first["ofd"], first["pdf"]
        with open(ofd, "rb") as f1, open(second["ofd"], "rb") as f2:
            if f1.read() != f2.read():
                fail("two runs wrote different OFD bytes")
        z = zipfile.ZipFile(ofd)
        if z.testzip() is not None:
            fail("zip member %s is corrupt" % z.testzip())
        names = z.namelist()
        xdir = os.path.join(tmp, "x")
        z.extractall(xdir)
        xmls = [n for n in names if n.endswith(".xml")]
        lint = subprocess.run(["xmllint", "--noout"] + [os.path.join(xdir, n) for n in xmls],
                              capture_output=True, text=True)
        if lint.returncode != 0:
            fail("xmllint: " + lint.stderr[:500])
        parts = {}
        for n in xmls:
            parts[n] = ET.fromstring(z.read(n))
            if not parts[n].tag.startswith(Q):
                fail("%s: root %s is not in the OFD namespace" % (n, parts[n].tag))

        info = pdfinfo(pdf)
        ofdx = parts["OFD.xml"]
        di = ofdx.find(Q + "DocBody/" + Q + "DocInfo")
        for tag, key in (("Title", "Title"), ("Author", "Author"), ("Subject", "Subject")):
            if (di.findtext(Q + tag) or "") != info.get(key, ""):
                fail("DocInfo %s %r, PDF %r" % (tag, di.findtext(Q + tag), info.get(key)))
        creator = di.findtext(Q + "Creator") + " " + di.findtext(Q + "CreatorVersion")
        if creator != info.get("Creator"):
            fail("DocInfo Creator %r, PDF %r" % (creator, info.get("Creator")))
        if not re.match(r"^\d{4}-\d\d-\d\d$", di.findtext(Q + "CreationDate") or ""):
            fail("CreationDate %r is not a date" % di.findtext(Q + "CreationDate"))
        root = ofdx.findtext(Q + "DocBody/" + Q + "DocRoot")
        doc = parts.get(root)
        if doc is None:
            sys.exit("DocRoot %s is not in the package" % root)
        base = os.path.dirname(root)
        cd = doc.find(Q + "CommonData")
        if cd.findtext(Q + "PageArea/" + Q + "PhysicalBox") != "0 0 210 297":
            fail("PhysicalBox %r is not A4" % cd.findtext(Q + "PageArea/" + Q + "PhysicalBox"))
        pages = doc.findall(Q + "Pages/" + Q + "Page")
        npdf = int(info["Pages"])
        if len(pages) != npdf:
            fail("%d OFD pages, %d PDF pages" % (len(pages), npdf))

        res_name = base + "/" + cd.findtext(Q + "PublicRes")
        res = parts[res_name]
        res_base = base + "/" + res.get("BaseLoc")
        fonts = {}
        for f in res.iter(Q + "Font"):
            ff = f.findtext(Q + "FontFile")
            path = res_base + "/" + ff if ff else None
            if not path or path not in names:
                fail("font %s: FontFile %r not in the package" % (f.get("ID"), ff))
            fonts[f.get("ID")] = path

        # IDs: unique, increasing through PublicRes, Document, pages in order
        seq = ids_in(res) + [int(p.get("ID")) for p in pages]
        used = {fid: set() for fid in fonts}
        contents = []
        for p in pages:
            name = base + "/" + p.get("BaseLoc")
            if name not in parts:
                fail("page %s: %s missing" % (p.get("ID"), name))
                contents.append(None)
                continue
            contents.append(parts[name])
            seq += ids_in(parts[name])
        if len(set(seq)) != len(seq):
            fail("IDs are not unique")
        if any(b <= a for a, b in zip(seq, seq[1:])):
            fail("IDs do not increase in reading order")
        if int(cd.findtext(Q + "MaxUnitID")) != max(seq):
            fail("MaxUnitID %s, largest ID %d" % (cd.findtext(Q + "MaxUnitID"), max(seq)))

        for i, c in enumerate(contents):
            if c is None:
                continue
            for el in c.iter(Q + "TextObject"):
                check_text(el, i + 1, 210, 297)
                if el.get("Font") not in fonts:
                    fail("page %d text %s: font %s not in PublicRes" % (i + 1, el.get("ID"),
                                                                        el.get("Font")))
                else:
                    used[el.get("Font")].update(el.find(Q + "TextCode").text or "")
            for el in c.iter(Q + "PathObject"):
                check_path(el, i + 1, 210, 297)
            text = "".join(tc.text or "" for tc in c.iter(Q + "TextCode"))
            raw = subprocess.run(["pdftotext", "-raw", "-f", str(i + 1), "-l", str(i + 1), pdf,
                                  "-"], capture_output=True, text=True).stdout
            a, b = re.sub(r"\s", "", text), re.sub(r"\s", "", raw)
            if a != b:
                k = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]),
                         min(len(a), len(b)))
                fail("page %d: TextCode text differs from pdftotext at %d: %r / %r"
                     % (i + 1, k, a[max(0, k - 10):k + 20], b[max(0, k - 10):k + 20]))

        for fid, path in fonts.items():
            chars = "".join(sorted(ch for ch in used[fid] if not ch.isspace()))
            g = subprocess.run([glyphcheck, os.path.join(xdir, path), chars],
                               capture_output=True, text=True)
            if g.returncode != 0:
                fail("font %s (%s): %s" % (fid, path, (g.stdout + g.stderr)[-400:]))

        titles = [e.get("Title") for e in doc.iter(Q + "OutlineElem")]
        bookmarks = pdf_outline(pdf)
        if bookmarks is not None and titles != bookmarks:
            fail("OFD outline %r differs from the PDF bookmarks %r" % (titles[:5], bookmarks[:5]))
        if bookmarks is None:
            print("note: mutool (mupdf-tools) is missing; outline not compared with the PDF")
        for d in doc.iter(Q + "Dest"):
            if d.get("PageID") not in {p.get("ID") for p in pages}:
                fail("outline destination to unknown page %s" % d.get("PageID"))
        print("checked %d pages, %d fonts, %d outline entries, %d IDs" % (len(pages), len(fonts),
                                                                          len(titles), len(seq)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
