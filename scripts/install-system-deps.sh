#!/usr/bin/env bash
# Debian packages the test suite needs (Debian 12 / bookworm). Safe to run again.
#   libimage-exiftool-perl  exiftool: writes EXIF/XMP into generated test images
#   libheif-examples        heif-enc: makes HEIC (HEVC) test images
#   postgresql              PostgreSQL 15 server binaries: the suite runs once on the embedded database
#                           and once on a private throwaway server that the tests start themselves
#                           (test/support/postgres-server.ts); no running server is needed or used
#   ffmpeg                  ffmpeg/ffprobe: video probing, frame decoding for vPDQ, frame extraction
#   libchromaprint-tools    fpcalc: Chromaprint audio fingerprints of videos' sound tracks
#   chromium                Debian's Chromium: the web app's end-to-end tests drive it with playwright-core
#                           (no browser download)
#   fonts-dejavu-core       DejaVu fonts (Latin, Cyrillic, Arabic): the OCR tests draw their text images with them
set -euo pipefail

packages=(libimage-exiftool-perl libheif-examples postgresql ffmpeg libchromaprint-tools chromium fonts-dejavu-core)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages missing (${missing[*]}) and apt-get is not available: install them by hand" >&2
  exit 1
fi
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    run_as_root=(sudo)
  else
    echo "system packages missing (${missing[*]}): run this script as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "system packages: installed ${missing[*]}"
