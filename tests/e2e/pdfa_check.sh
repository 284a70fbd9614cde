#!/usr/bin/env bash
# pdfa_check.sh PLANEVAL — the PDF is PDF/A-1b (ISO 19005-1 = GB/T 23286.1):
# Apache PDFBox Preflight (Debian libpdfbox2-java) must report a valid file with
# 0 errors and no ToUnicode warning, poppler's pdftotext and pdffonts must print
# nothing on stderr, and qpdf --check must pass, on the sample, on every fixture
# in tests/fixtures/, on the sample with WenQuanYi Micro Hei in every role and on
# a synthetic case of about 500 pages. Also: two runs give identical bytes, the
# trailer /ID differs between different documents, and a missing sRGB profile
# is a Chinese error (exit 3) that leaves no file behind.
# Exits 77 (skipped) only when Java or PDFBox Preflight is not installed.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)

jars=(preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api)
cp=
for j in "${jars[@]}"; do
  if [ ! -f "/usr/share/java/$j.jar" ]; then
    echo "SKIP: /usr/share/java/$j.jar is missing (apt-get install default-jre-headless" \
      "libpdfbox2-java libactivation-java libjaxb-api-java)"
    exit 77
  fi
  cp=${cp:+$cp:}/usr/share/java/$j.jar
done
if ! command -v java >/dev/null 2>&1; then
  echo "SKIP: java is not installed (apt-get install default-jre-headless)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# check NAME PDF: every validator on one PDF.
check() {
  local name=$1 pdf=$2 out=$work/$1
  local rc=0 before=$fail
  fail=0
  java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$pdf" >"$out.pf" 2>"$out.pf.err" || rc=$?
  local errors
  errors=$(tail -n +2 "$out.pf" | grep -c . || true)
  if [ "$rc" -ne 0 ] || ! head -1 "$out.pf" | grep -q 'is a valid PDF/A-1b file' || [ "$errors" -ne 0 ]; then
    echo "FAIL: $name: PDFBox Preflight (exit $rc, $errors errors):"
    head -20 "$out.pf" "$out.pf.err"
    fail=1
  fi
  if grep -q 'ToUnicode' "$out.pf.err"; then
    echo "FAIL: $name: PDFBox warns about a ToUnicode CMap:"
    grep 'ToUnicode' "$out.pf.err" | sort | uniq -c
    fail=1
  fi
  pdftotext "$pdf" "$out.txt" 2>"$out.poppler"
  pdffonts "$pdf" >"$out.fonts" 2>>"$out.poppler"
  if [ -s "$out.poppler" ]; then
    echo "FAIL: $name: poppler prints warnings:"
    sort "$out.poppler" | uniq -c | head
    fail=1
  fi
  if ! qpdf --check "$pdf" >"$out.qpdf" 2>&1; then
    echo "FAIL: $name: qpdf --check"
    tail -5 "$out.qpdf"
    fail=1
  fi
  if [ "$fail" -eq 0 ]; then
    echo "$name: PDF/A-1b valid ($(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages, 0 Preflight errors," \
      "no ToUnicode or poppler warning, qpdf --check passes)"
  fi
  [ "$before" -eq 0 ] || fail=1
}

# The sample, twice: identical bytes.
"$bin" -q -o "$work/sample" "$root/input/report.ini"
"$bin" -q -o "$work/sample2" "$root/input/report.ini"
cmp "$work/sample/report.pdf" "$work/sample2/report.pdf" ||
  { echo "FAIL: two runs on the sample give different PDFs"; fail=1; }
check sample "$work/sample/report.pdf"

# Every fixture.
n=0
for ini in "$root"/tests/fixtures/*/report.ini; do
  name=fixture-$(basename "$(dirname "$ini")")
  "$bin" -q -o "$work/$name" "$ini"
  pdfs=("$work/$name"/*.pdf)     # named after the INI's [output] or its own name
  if [ "${#pdfs[@]}" -ne 1 ] || [ ! -f "${pdfs[0]}" ]; then
    echo "FAIL: $name: expected one PDF in the output directory"
    fail=1
    continue
  fi
  check "$name" "${pdfs[0]}"
  n=$((n + 1))
done
[ "$n" -ge 2 ] || { echo "FAIL: expected at least 2 fixtures, found $n"; fail=1; }

# Different documents, different trailer /ID (it is derived from the content).
id_of() { tail -c 400 "$1" | tr -d '\n' | grep -o '/ID \[ <[0-9A-F]*>' ; }
if [ "$(id_of "$work/sample/report.pdf")" = "$(id_of "$work/fixture-other_city/report.pdf")" ] ||
  [ -z "$(id_of "$work/sample/report.pdf")" ]; then
  echo "FAIL: trailer /ID missing or equal for different documents"
  fail=1
fi

# WenQuanYi Micro Hei (composite glyphs) in every role.
if fc-list | grep -q 'WenQuanYi Micro Hei'; then
  mkdir -p "$work/mh"
  cp "$root"/input/*.csv "$work/mh/"
  sed "s#^template *=.*#template = $root/templates/report.md#" "$root/input/report.ini" >"$work/mh/report.ini"
  printf '\n[fonts]\ntitle = WenQuanYi Micro Hei\nbody = WenQuanYi Micro Hei\nheading = WenQuanYi Micro Hei\nkai = WenQuanYi Micro Hei\n' \
    >>"$work/mh/report.ini"
  "$bin" -q -o "$work/mh/out" "$work/mh/report.ini"
  check microhei "$work/mh/out/report.pdf"
fi

# A synthetic report of about 500 pages.
bash "$root/scripts/gen_synthetic.sh" "$work/syn" 1800 28 60 >/dev/null
"$bin" -q -o "$work/syn/out" "$work/syn/report.ini"
pages=$(pdfinfo "$work/syn/out/report.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 450 ] || { echo "FAIL: the synthetic case has $pages pages, expected about 500"; fail=1; }
check synthetic-500 "$work/syn/out/report.pdf"

# No sRGB profile: a Chinese error that names the package, exit 3, nothing written.
rc=0
PLANEVAL_SRGB_ICC=$work/no-such.icc "$bin" -q -o "$work/noicc" "$root/input/report.ini" \
  2>"$work/noicc.err" || rc=$?
if [ "$rc" -ne 3 ] || ! grep -q 'icc-profiles-free' "$work/noicc.err" ||
  ! grep -q 'no-such.icc: 错误：' "$work/noicc.err" ||
  [ -n "$(ls -A "$work/noicc" 2>/dev/null)" ]; then
  echo "FAIL: a missing ICC profile must be an error (exit 3, got $rc) naming icc-profiles-free, with no output:"
  cat "$work/noicc.err"
  ls -A "$work/noicc" 2>/dev/null || true
  fail=1
fi

[ "$fail" -eq 0 ] && echo "pdfa_check: every PDF is valid PDF/A-1b"
exit "$fail"
