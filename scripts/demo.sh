#!/usr/bin/env bash
# demo.sh — installs what is missing, builds, and runs the main job on input/:
# writes out/report.pdf and out/report.xlsx.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/planeval -o out input/report.ini
