#!/usr/bin/env bash
# test.sh — installs what is missing, builds from scratch with -Werror, runs
# every test with ctest, then the same under AddressSanitizer + UBSan, then
# runs each fuzz target of tests/fuzz for 30 s (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
# LibreOffice recalculates the workbook in one test (skipped without it). Only the
# headless build is installed, and only when no LibreOffice is present at all.
if ! command -v libreoffice >/dev/null 2>&1 && ! command -v soffice >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "test.sh: installing libreoffice-calc-nogui for the workbook recalculation test" >&2
  if ! DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
      libreoffice-calc-nogui; then
    "${sudo_cmd[@]}" apt-get update &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
        libreoffice-calc-nogui ||
      echo "test.sh: LibreOffice could not be installed; the recalculation test will be skipped" >&2
  fi
fi
# The collect/merge round trip fills workbooks in LibreOffice through UNO.
if ! /usr/bin/python3 -c 'import uno' >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "test.sh: installing python3-uno for the collect/merge round trip" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends python3-uno ||
    echo "test.sh: python3-uno could not be installed; the LibreOffice round trip will be skipped" >&2
fi
# The OFD reader test (tests/e2e/ofd) drives chromium from node with npm packages.
# Debian's nodejs + npm only when no npm is present (a NodeSource nodejs has its own).
if ! command -v npm >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "test.sh: installing nodejs and npm for the OFD reader test" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends nodejs npm ||
    echo "test.sh: node/npm could not be installed; the OFD reader test will be skipped" >&2
fi
jobs=$(nproc)

echo "== strict build + ctest =="
rm -rf build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPE_WERROR=ON
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== ASan/UBSan build + ctest =="
rm -rf build-asan
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPE_SANITIZE=ON -DPE_WERROR=ON
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs")

echo "== fuzz: each libFuzzer target of tests/fuzz for 30 s (clang, ASan/UBSan) =="
bash scripts/fuzz.sh 30
echo "test.sh: all tests passed (normal and sanitizer builds, fuzz targets)"
