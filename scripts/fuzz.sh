#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets of tests/fuzz/ with clang
# (ASan + UBSan), makes their seed corpora from input/, tests/bad/,
# tests/fixtures/ and templates/, replays the regression inputs of
# tests/fuzz/regress/, then runs each target for SECONDS (default 30).
# A crash, sanitizer report, leak or timeout fails the script; the input that
# caused it is kept in build-fuzz/artifacts/ — add it to tests/fuzz/regress/<target>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${1:-30}
jobs=$(nproc)
bdir=build-fuzz
CC=clang cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPE_FUZZ=ON >/dev/null
targets=(fuzz_csv fuzz_tables fuzz_ini fuzz_template fuzz_number fuzz_encoding fuzz_break
         fuzz_xlsx_merge fuzz_ofd)
cmake --build "$bdir" -j"$jobs" --target "${targets[@]}" planeval >/dev/null

rm -rf "$bdir/seeds" "$bdir/artifacts"
mkdir -p "$bdir/artifacts"
/usr/bin/python3 tests/fuzz/make_seeds.py "$root" "$bdir/seeds"
# workbooks for the XLSX reader and merge: the collection workbooks and the
# report workbook of the sample, written by this build (selector bytes 0 and 1)
wb=$(mktemp -d)
ASAN_OPTIONS=detect_leaks=0 "$bdir/planeval" collect -o "$wb/collect" input/report.ini >/dev/null 2>&1 || true
ASAN_OPTIONS=detect_leaks=0 "$bdir/planeval" -q --format xlsx -o "$wb/out" input/report.ini >/dev/null 2>&1 || true
mkdir -p "$bdir/seeds/fuzz_xlsx_merge"
n=0
for f in "$wb"/collect/*.xlsx "$wb"/out/*.xlsx; do
  [ -f "$f" ] || continue
  for sel in 0 1; do
    { printf "\\$(printf '%03o' "$sel")"; cat "$f"; } >"$bdir/seeds/fuzz_xlsx_merge/wb-$n-$sel"
  done
  n=$((n + 1))
done
for f in input/*.csv; do
  { printf '\002'; cat "$f"; } >"$bdir/seeds/fuzz_xlsx_merge/csv-$(basename "$f")"
done
# the packed records of the report workbook's identification (selector 3)
/usr/bin/python3 - "$wb"/out/*.xlsx "$bdir/seeds/fuzz_xlsx_merge" <<'PY' || true
import html, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wbx = z.read("xl/workbook.xml").decode()
rels = z.read("xl/_rels/workbook.xml.rels").decode()
rid = re.search(r'<sheet name="planeval_id"[^>]*r:id="(\w+)"', wbx).group(1)
target = re.search(r'Id="%s"[^>]*Target="([^"]+)"' % rid, rels).group(1)
xml = z.read("xl/" + target).decode()
for n, t in enumerate(re.findall(r'<c r="B(?:9|1\d)"[^>]*><is><t[^>]*>(.*?)</t></is></c>', xml, re.S)):
    open("%s/id-%d" % (sys.argv[2], n), "wb").write(b"\003" + html.unescape(t).encode())
PY
rm -rf "$wb"

dict_of() {
  case $1 in
    fuzz_csv|fuzz_tables|fuzz_number|fuzz_encoding|fuzz_xlsx_merge) echo tests/fuzz/csv.dict ;;
    fuzz_ini) echo tests/fuzz/ini.dict ;;
    fuzz_template|fuzz_break|fuzz_ofd) echo tests/fuzz/md.dict ;;
  esac
}

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$bdir/corpus/$t" "$bdir/seeds/$t"
  # regression inputs first: each must run clean
  if [ -d "tests/fuzz/regress/$t" ] && ls "tests/fuzz/regress/$t"/* >/dev/null 2>&1; then
    if ! "$bdir/$t" -rss_limit_mb=2048 -timeout=10 "tests/fuzz/regress/$t"/* >"$bdir/artifacts/$t-regress.log" 2>&1; then
      echo "fuzz: $t fails on tests/fuzz/regress/$t (see $bdir/artifacts/$t-regress.log)" >&2
      failed+=("$t(regress)")
      continue
    fi
  fi
  echo "fuzz: $t for ${secs}s ($(ls "$bdir/seeds/$t" | wc -l) seeds)" >&2
  if ! "$bdir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -dict="$(dict_of "$t")" -artifact_prefix="$bdir/artifacts/$t-" -print_final_stats=1 \
      "$bdir/corpus/$t" "$bdir/seeds/$t" >"$bdir/artifacts/$t.log" 2>&1; then
    echo "fuzz: $t FOUND A PROBLEM — log $bdir/artifacts/$t.log, inputs:" >&2
    ls "$bdir/artifacts/$t-"* >&2 || true
    tail -40 "$bdir/artifacts/$t.log" >&2
    failed+=("$t")
    continue
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$bdir/artifacts/$t.log" | tr '\n' ' ' >&2
  echo >&2
done
if ((${#failed[@]})); then
  echo "fuzz.sh: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, ${secs}s each, no finding" >&2
