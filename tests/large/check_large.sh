#!/usr/bin/env bash
# check_large.sh PLANEVAL [WORKDIR] — the large-input test of issue 13.
# Generates (tests/large/gen_large.py) 1, 10 and 50 MB CSVs of each kind
# (indicators, counties, annex) and a 1 MB single row of commas, runs
# `planeval --check` on each, and checks RATIOS measured in this one run, never
# absolute seconds:
#   - every run ends with exit 0 or 1 and a message (no crash, no signal);
#   - time is linear: t(10 MB) ≤ 25 × t(1 MB) and t(50 MB) ≤ 12.5 × t(10 MB)
#     (2.5 × slack over linear; tiny times count as 0.25 s);
#   - memory is linear: growth above the 10 KB case at 50 MB ≤ 2 × 5 × the growth at 10 MB;
#   - memory is bounded where the whole run is the loader's: peak RSS growth
#     ≤ 10 × the input for the single row and every rejected file.
# The 50 MB files exceed the 1,048,575-row sheet limit: they must be rejected
# early. Prints a table of the figures. Memory of a full indicator or county
# run is dominated by the page layout and the template fields, not bounded here.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
work=${2:-$(mktemp -d)}
trap 'rm -rf "$work"' EXIT
gen() { /usr/bin/python3 "$here/gen_large.py" "$@"; }
fail=0
declare -A T M X

run() {   # run NAME: fills T[NAME] seconds, M[NAME] peak KB, X[NAME] exit status
  local name=$1 dir=$work/$1
  set +e
  /usr/bin/time -f '%e %M %x' -o "$work/$name.time" "$bin" --check "$dir/report.ini" \
    >/dev/null 2>"$work/$name.err"
  set -e
  read -r t m x < <(tail -n 1 "$work/$name.time") || { echo "FAIL $name: no timing (killed?)"; tail -3 "$work/$name.time"; fail=1; return; }
  T[$name]=$t; M[$name]=$m; X[$name]=$x
  if [ "$x" != 0 ] && [ "$x" != 1 ]; then
    echo "FAIL $name: exit $x"; tail -5 "$work/$name.err"; fail=1
  elif [ "$x" = 1 ] && ! grep -q '错误：' "$work/$name.err"; then
    echo "FAIL $name: exit 1 without an error message"; fail=1
  fi
  rm -rf "$dir"
}

ratio_ok() {  # ratio_ok WHAT A B MAX: A / max(B, 0.25) ≤ MAX
  awk -v a="$2" -v b="$3" -v m="$4" -v w="$1" 'BEGIN {
    if (b < 0.25) b = 0.25; r = a / b
    printf "  %-44s %7.2f (limit %s) %s\n", w, r, m, (r <= m ? "ok" : "FAIL")
    exit (r <= m ? 0 : 1) }' || fail=1
}

gen indicators 0.01 "$work/base"
run base
printf '%-16s %9s %10s %5s\n' case seconds 'RSS MB' exit
for kind in indicators counties annex; do
  for mb in 1 10 50; do
    gen "$kind" "$mb" "$work/$kind-$mb"
    run "$kind-$mb"
    printf '%-16s %9s %10.1f %5s\n' "$kind-$mb" "${T[$kind-$mb]:-?}" \
      "$(echo "${M[$kind-$mb]:-0} / 1024" | bc -l)" "${X[$kind-$mb]:-?}"
  done
done
gen row 1 "$work/row-1"
run row-1
printf '%-16s %9s %10.1f %5s\n' row-1 "${T[row-1]:-?}" "$(echo "${M[row-1]:-0} / 1024" | bc -l)" "${X[row-1]:-?}"
((fail)) && exit 1

echo "ratios:"
base=${M[base]}
for kind in indicators counties annex; do
  ratio_ok "$kind time 10 MB / 1 MB" "${T[$kind-10]}" "${T[$kind-1]}" 25
  ratio_ok "$kind time 50 MB / 10 MB" "${T[$kind-50]}" "${T[$kind-10]}" 12.5
  g10=$(( ${M[$kind-10]} - base )); g50=$(( ${M[$kind-50]} - base ))
  ((g10 < 1024)) && g10=1024
  ratio_ok "$kind memory growth 50 MB / 10 MB" "$g50" "$g10" 10
  [ "${X[$kind-50]}" = 1 ] || { echo "FAIL $kind-50: not rejected (more than 1,048,575 rows)"; fail=1; }
  grep -q '1048575' "$work/$kind-50.err" || { echo "FAIL $kind-50: no row-limit message"; fail=1; }
done
# rejected files (row, column limits) cost only the reading: peak RSS ≤ 10 × input + the base case
for c in indicators-50:50 counties-50:50 annex-50:50 row-1:1; do
  name=${c%%:*}; mb=${c##*:}
  ratio_ok "$name memory growth / input" "$(( ${M[$name]} - base ))" "$((mb * 1024))" 10
done
# accepted files are laid out (every row is a table row of the PDF): their
# factor is printed, not bounded here (the page model and the template
# fields, not the loader, hold most of it)
for c in indicators-10:10 counties-10:10 annex-10:10; do
  name=${c%%:*}; mb=${c##*:}
  awk -v g="$(( ${M[$name]} - base ))" -v i="$((mb * 1024))" -v n="$name" \
    'BEGIN { printf "  %-44s %7.2f (printed, not bounded)\n", n " memory growth / input", g / i }'
done
grep -q '16384' "$work/row-1.err" || { echo "FAIL row-1: no column-limit message"; fail=1; }
((fail)) && { echo "check_large: FAILED"; exit 1; }
echo "check_large: all ratios within bounds"
