#!/usr/bin/env bash
# pdf_microhei.sh PLANEVAL GLYPHCHECK — renders the sample with every font role set
# to WenQuanYi Micro Hei (composite glyphs that libharu 2.3.0 alone renders blank),
# extracts the embedded font programs from the PDF and checks with FreeType that
# every glyph they map has an outline, and that 估体保值划指标规评 are among them.
set -euo pipefail
bin=$1
check=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! fc-list | grep -q 'WenQuanYi Micro Hei'; then
  echo "SKIP: fonts-wqy-microhei is not installed"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/input/*.csv "$work"/
sed "s#^template *=.*#template = $root/templates/report.md#" "$root/input/report.ini" >"$work/report.ini"
printf '\n[fonts]\ntitle = WenQuanYi Micro Hei\nbody = WenQuanYi Micro Hei\nheading = WenQuanYi Micro Hei\nkai = WenQuanYi Micro Hei\n' \
  >>"$work/report.ini"
"$bin" -q -o "$work/out" "$work/report.ini"
pdffonts "$work/out/report.pdf" 2>/dev/null | tee "$work/fonts.txt"
grep -q 'WenQuanYiMicroHei' "$work/fonts.txt" || { echo "FAIL: Micro Hei is not embedded"; exit 1; }
qpdf --qdf --object-streams=disable "$work/out/report.pdf" "$work/qdf.pdf"
/usr/bin/python3 - "$work/qdf.pdf" "$work" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
refs = sorted(set(int(n) for n in re.findall(rb'/FontFile2 (\d+) 0 R', data)))
if not refs:
    sys.exit("FAIL: no embedded TrueType font program found")
for n in refs:
    m = re.search(rb'\n%d 0 obj\n.*?stream\n' % n, data, re.S)
    start = m.end()
    end = data.index(b'endstream', start)
    body = data[start:end]
    if body.endswith(b'\n'):
        body = body[:-1]
    open('%s/font%d.ttf' % (sys.argv[2], n), 'wb').write(body)
print("extracted", len(refs), "font programs")
PY
fail=0
required=估体保值划指标规评
found_all=0
for f in "$work"/font*.ttf; do
  "$check" "$f" || fail=1
  if "$check" "$f" "$required" >/dev/null; then found_all=1; fi
done
[ $found_all -eq 1 ] || { echo "FAIL: no embedded font holds all of $required"; fail=1; }
[ $fail -eq 0 ] && echo "pdf_microhei: every embedded glyph has an outline"
exit $fail
