#!/usr/bin/env bash
# setup.sh — installs the Debian 12 packages planeval needs (SPEC §1), only the
# missing ones; runs `apt-get update` once, and only when something is missing.
set -euo pipefail

packages=(
  gcc make cmake pkg-config clang libclang-rt-14-dev
  libhpdf-dev libxlsxwriter-dev libiniparser-dev libcmocka-dev libcsv-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libunibreak-dev libharfbuzz-dev
  libfreetype-dev libfontconfig-dev libdeflate-dev libzip-dev libxml2-dev libxml2-utils mupdf-tools
  poppler-utils qpdf python3 python3-openpyxl bc time
  fonts-arphic-gbsn00lp fonts-arphic-uming fonts-arphic-gkai00mp fonts-wqy-zenhei
  fonts-wqy-microhei
  chromium mupdf-tools python3-numpy python3-pil
  icc-profiles-free
  default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java
)
# node and npm (the OFD reader test, tests/e2e/ofd) are installed by test.sh only
# when no npm is on the PATH: a NodeSource nodejs already bundles npm and conflicts
# with Debian's npm package.

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
