#!/usr/bin/env bash
# Regenerates the PDQ reference-pixel vectors in this folder: the exact pixels ThreatExchange's C++ pdq-photo-hasher
# hashes for each test image (decoded by CImg through ImageMagick's `convert FILE pnm:-`, then CImg's
# resize(512, 512) when a side is over 512), their SHA-256 digests, and gzipped PNM copies of a subset.
#
# Usage: PDQ_CPP_DIR=/tmp/ThreatExchange/pdq/cpp test/vectors/pdq-pixels/make-pixels.sh
#   PDQ_CPP_DIR: ThreatExchange's pdq/cpp folder (for CImg.h); built in a temporary folder, nothing else is used.
#   Needs g++, Debian's imagemagick (/usr/bin/convert) and node. Reads the PDQ photos in test/vectors/pdq.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
vectors="$repo/test/vectors/pdq"
: "${PDQ_CPP_DIR:?set PDQ_CPP_DIR to ThreatExchange pdq/cpp}"
[ -x /usr/bin/convert ] || { echo "needs ImageMagick at /usr/bin/convert (apt-get install imagemagick)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tool's own loading and pre-resize steps (pdq/cpp/io/pdqio.cpp), writing the pixels instead of hashing them.
cat > "$work/dump.cpp" <<'CPP'
#include "CImg.h"
#include <cstdint>
int main(int argc, char** argv) {
  if (argc != 3) return 2;
  cimg_library::CImg<uint8_t> image;
  image.load(argv[1]);
  if (image.width() > 512 || image.height() > 512) image = image.resize(512, 512);
  image.save_pnm(argv[2]);
  return 0;
}
CPP
g++ -O2 -std=c++11 -I"$PDQ_CPP_DIR" -w "$work/dump.cpp" -o "$work/dump" -lm -lpthread

# Images whose PNM is committed: every one the tool hashes at its own size (at most 512 on a side), both PNGs, and
# two of the large JPEGs (one wide, one tall). The others are covered by digest (see README.md).
committed='bridge-mods/shrink-a-lot.jpg bridge-mods/square-128x128.jpg bridge-mods/square-256x256.jpg
bridge-mods/square-512x512.jpg misc-images/small.jpg misc-images/wee.jpg misc-images/c.png
reg-test-input/pen-and-coaster.png reg-test-input/dih/bridge-1-original.jpg reg-test-input/dih/bridge-2-rotate-90.jpg
reg-test-input/labelme-subset/q0003.jpg reg-test-input/labelme-subset/q0004.jpg reg-test-input/labelme-subset/q0122.jpg
reg-test-input/labelme-subset/q0291.jpg reg-test-input/labelme-subset/q0746.jpg reg-test-input/labelme-subset/q1050.jpg
reg-test-input/labelme-subset/q2821.jpg'

manifest="$here/manifest.csv"
echo 'file,pnm_gz,width,height,channels,pixels_sha256' > "$manifest"
tail -n +2 "$vectors/expected/local-cpp.csv" | cut -d, -f1 | while read -r file; do
  pnm="$work/out.pnm"
  # CImg runs `convert` from PATH: put the real ImageMagick first.
  (cd "$vectors/data" && PATH=/usr/bin:/bin "$work/dump" "$file" "$pnm" < /dev/null)
  read -r magic width height maxval <<< "$(head -n 3 "$pnm" | tr '\n' ' ')"
  [ "$maxval" = 255 ] || { echo "$file: unexpected maxval $maxval" >&2; exit 1; }
  [ "$magic" = P6 ] && channels=3 || channels=1
  digest=$(tail -n +4 "$pnm" | sha256sum | cut -d' ' -f1)
  gz=''
  if grep -qxF "$file" <<< "$(tr ' ' '\n' <<< "$committed")"; then
    gz="${file%.*}.pnm.gz"
    mkdir -p "$here/$(dirname "$gz")"
    gzip -9 -n -c "$pnm" > "$here/$gz"
  fi
  echo "$file,$gz,$width,$height,$channels,$digest" >> "$manifest"
done
echo "wrote $manifest"
