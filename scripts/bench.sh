#!/usr/bin/env bash
# bench.sh — SPEC §9 figures: wall time, peak RSS and output sizes for the sample
# case and a synthetic 2,000-indicator / 40-annex case (and its half), printed,
# never asserted; the cost of the OFD: PDF + XLSX against PDF + XLSX + OFD, in
# alternating pairs. Usage: scripts/bench.sh [RUNS]
# PE_BENCH_REF=/path/to/another/planeval adds a paired comparison of the sample
# (PDF + XLSX) with that binary, e.g. a build of the previous commit;
# PE_BENCH_REF_INI names the INI both binaries run (default input/report.ini),
# e.g. an older commit's input/report.ini that an older binary can read.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-5}
bash scripts/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
bin=$root/build-bench/planeval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME INI [ARGS...]: best and median wall time of $runs runs, peak RSS, sizes.
measure() {
  local name=$1 ini=$2 out=$tmp/out-$1
  shift 2
  local times=() rss=0
  for ((i = 0; i < runs; i++)); do
    rm -rf "$out"
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$tmp/time" "$bin" -q -o "$out" "$@" "$ini" 2>"$tmp/stderr" || {
      cat "$tmp/stderr"; echo "bench: $name failed"; exit 1; }
    t1=$(date +%s%N)
    t=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    read -r r <"$tmp/time"
    times+=("$t")
    ((r > rss)) && rss=$r
  done
  local sorted best median pages pdf xlsx ofd
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(head -1 <<<"$sorted")
  median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
  pdf=$(stat -c %s "$out"/*.pdf 2>/dev/null || echo 0)
  xlsx=$(stat -c %s "$out"/*.xlsx 2>/dev/null || echo 0)
  ofd=$(stat -c %s "$out"/*.ofd 2>/dev/null || echo 0)
  pages=$(pdfinfo "$out"/*.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')
  printf '%-22s best %6.3f s  median %6.3f s  peak RSS %6.1f MB  PDF %4s pages %8.1f KB  XLSX %8.1f KB' \
    "$name" "$best" "$median" "$(echo "$rss / 1024" | bc -l)" "${pages:-0}" \
    "$(echo "$pdf / 1024" | bc -l)" "$(echo "$xlsx / 1024" | bc -l)"
  if ((ofd > 0)); then printf '  OFD %8.1f KB' "$(echo "$ofd / 1024" | bc -l)"; fi
  printf '\n'
  echo "$median" >"$tmp/median-$name"
}

# pair NAME INI CMD-A -- CMD-B: runs A and B alternately $runs × 2 times (whole
# processes, outputs into fresh directories) and prints both medians and B/A.
pair() {
  local name=$1 ini=$2
  shift 2
  local a=() b=() ta=() tb=() side=a
  for x in "$@"; do
    if [[ $x == -- ]]; then side=b; continue; fi
    if [[ $side == a ]]; then a+=("$x"); else b+=("$x"); fi
  done
  for ((i = 0; i < 2 * runs; i++)); do
    for s in a b; do
      rm -rf "$tmp/pair"
      local t0 t1
      t0=$(date +%s%N)
      if [[ $s == a ]]; then "${a[@]}" -q -o "$tmp/pair" "$ini"; else "${b[@]}" -q -o "$tmp/pair" "$ini"; fi
      t1=$(date +%s%N)
      if [[ $s == a ]]; then ta+=($(((t1 - t0) / 1000))); else tb+=($(((t1 - t0) / 1000))); fi
    done
  done
  local ma mb
  ma=$(printf '%s\n' "${ta[@]}" | sort -n | sed -n "$(((2 * runs + 1) / 2))p")
  mb=$(printf '%s\n' "${tb[@]}" | sort -n | sed -n "$(((2 * runs + 1) / 2))p")
  printf '%-22s paired medians %6.3f s → %6.3f s  ratio %.2f\n' "$name" \
    "$(echo "$ma / 1000000" | bc -l)" "$(echo "$mb / 1000000" | bc -l)" "$(echo "$mb / $ma" | bc -l)"
}

echo "planeval bench — $runs runs each, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
measure sample "$root/input/report.ini"
measure sample-3-formats "$root/input/report.ini" --format pdf,xlsx,ofd
pair "ofd cost (sample)" "$root/input/report.ini" "$bin" -- "$bin" --format pdf,xlsx,ofd
if [[ -n ${PE_BENCH_REF:-} ]]; then
  pair "ref → this (sample)" "${PE_BENCH_REF_INI:-$root/input/report.ini}" "$PE_BENCH_REF" -- "$bin"
fi
# the synthetic report is at the size limits (README “规模上限”: 2,500 indicators
# and targets, 5,000 table rows): its double is the synthetic report itself
# against its half
bash scripts/gen_synthetic.sh "$tmp/syn1" 1000 20 60
bash scripts/gen_synthetic.sh "$tmp/syn2" 2000 40 60
measure synthetic-1000 "$tmp/syn1/report.ini"
measure synthetic-2000 "$tmp/syn2/report.ini"
pair "ofd cost (synth-2000)" "$tmp/syn2/report.ini" "$bin" -- "$bin" --format pdf,xlsx,ofd
m1=$(cat "$tmp/median-synthetic-1000")
m2=$(cat "$tmp/median-synthetic-2000")
printf 'doubling the input: time ratio %.2f (target ≤ 2)\n' "$(echo "$m2 / $m1" | bc -l)"
echo "targets (SPEC §9): sample ≤ 0.050 s, ≤ 30 MB, PDF ≤ 300 KB; synthetic ≤ 1 s, ≤ 100 MB;"
echo "                   the three formats ≤ 1.30 × PDF + XLSX"
