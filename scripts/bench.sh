#!/usr/bin/env bash
# bench.sh — SPEC §9 figures: wall time, peak RSS and output sizes for the sample
# case and a synthetic 2,000-indicator / 40-annex case (and its double), printed,
# never asserted. Usage: scripts/bench.sh [RUNS]
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

# measure NAME INI: best and median wall time of $runs runs, peak RSS, sizes.
measure() {
  local name=$1 ini=$2 out=$tmp/out-$1
  local times=() rss=0
  for ((i = 0; i < runs; i++)); do
    rm -rf "$out"
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$tmp/time" "$bin" -q -o "$out" "$ini" 2>"$tmp/stderr" || {
      cat "$tmp/stderr"; echo "bench: $name failed"; exit 1; }
    t1=$(date +%s%N)
    t=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    read -r r <"$tmp/time"
    times+=("$t")
    ((r > rss)) && rss=$r
  done
  local sorted best median pages pdf xlsx
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(head -1 <<<"$sorted")
  median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
  pdf=$(stat -c %s "$out"/*.pdf 2>/dev/null || echo 0)
  xlsx=$(stat -c %s "$out"/*.xlsx 2>/dev/null || echo 0)
  pages=$(pdfinfo "$out"/*.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')
  printf '%-22s best %6.3f s  median %6.3f s  peak RSS %6.1f MB  PDF %4s pages %8.1f KB  XLSX %8.1f KB\n' \
    "$name" "$best" "$median" "$(echo "$rss / 1024" | bc -l)" "${pages:-0}" \
    "$(echo "$pdf / 1024" | bc -l)" "$(echo "$xlsx / 1024" | bc -l)"
  echo "$median" >"$tmp/median-$name"
}

echo "planeval bench — $runs runs each, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
measure sample "$root/input/report.ini"
bash scripts/gen_synthetic.sh "$tmp/syn1" 2000 40 60
bash scripts/gen_synthetic.sh "$tmp/syn2" 4000 80 60
measure synthetic-2000 "$tmp/syn1/report.ini"
measure synthetic-4000 "$tmp/syn2/report.ini"
m1=$(cat "$tmp/median-synthetic-2000")
m2=$(cat "$tmp/median-synthetic-4000")
printf 'doubling the input: time ratio %.2f (target ≤ 2)\n' "$(echo "$m2 / $m1" | bc -l)"
echo "targets (SPEC §9): sample ≤ 0.050 s, ≤ 30 MB, PDF ≤ 300 KB; synthetic ≤ 1 s, ≤ 100 MB"
