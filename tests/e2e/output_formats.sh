#!/usr/bin/env bash
# output_formats.sh — which outputs a run writes (SPEC §2 --format, [output]
# formats) and output safety across formats (SPEC §8): every output is written
# to a temporary file and all are renamed only when every one succeeded.
#
# Usage: output_formats.sh PLANEVAL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
planeval=$1
[[ $planeval == /* ]] || planeval="$PWD/$planeval"

work=$(mktemp -d "${TMPDIR:-/tmp}/pe-formats.XXXXXX")
trap 'rm -rf "$work"' EXIT
nfail=0
check() {   # check NAME CONDITION-COMMAND...
    local name=$1
    shift
    if "$@"; then echo "PASS $name"; else echo "FAIL $name"; nfail=$((nfail + 1)); fi
}
files() { (cd "$1" && find . -type f | sort | tr '\n' ' '); }

# default: PDF and XLSX only
"$planeval" -q -o "$work/def" "$root/input/report.ini"
check "default writes pdf and xlsx" test "$(files "$work/def")" = "./report.pdf ./report.xlsx "

# --format ofd: only the OFD
"$planeval" -q -o "$work/ofd" --format ofd "$root/input/report.ini"
check "--format ofd writes only the ofd" test "$(files "$work/ofd")" = "./report.ofd "

# [output] formats in the INI, overridden by --format
mkdir "$work/case"
cp -r "$root/input/." "$work/case/"
sed -i 's/^\[output\]/[output]\nformats = ofd, PDF/' "$work/case/report.ini"
sed -i 's#^template *=.*#template = '"$root"'/templates/report.md#' "$work/case/report.ini"
"$planeval" -q -o "$work/ini" "$work/case/report.ini"
check "[output] formats = ofd, PDF" test "$(files "$work/ini")" = "./report.ofd ./report.pdf "
"$planeval" -q -o "$work/cli" --format xlsx "$work/case/report.ini"
check "--format overrides the INI" test "$(files "$work/cli")" = "./report.xlsx "

# one output cannot be put in place (a directory named report.ofd): exit 3,
# none of the three is left, no temporary file either
mkdir -p "$work/io/report.ofd"
set +e
"$planeval" -q -o "$work/io" --format pdf,xlsx,ofd "$root/input/report.ini" 2>"$work/io.err"
rc=$?
set -e
check "an output that cannot be renamed: exit 3" test "$rc" -eq 3
check "… and no output nor temporary file is left" test "$(files "$work/io")" = ""
check "… and the message names the output" grep -q "report.ofd" "$work/io.err"

# a bad --format value: usage error, nothing written
set +e
"$planeval" -q -o "$work/bad" --format pdf,docx "$root/input/report.ini" 2>"$work/bad.err"
rc=$?
set -e
check "--format pdf,docx: exit 2" test "$rc" -eq 2
check "… nothing written" test ! -e "$work/bad"
check "… the message names the value" grep -q "docx" "$work/bad.err"

if ((nfail)); then
    echo "output_formats.sh: $nfail check(s) failed"
    exit 1
fi
echo "output_formats.sh: all checks passed"
