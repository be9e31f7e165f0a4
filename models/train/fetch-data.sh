#!/bin/sh
# Downloads and unpacks the Debian packages that hold scanlab-tiny's training images (see data-list.json).
# usage: models/train/fetch-data.sh DIR    -> DIR/<package>/usr/share/... for every package in data-list.json
set -eu
dir=${1:?usage: fetch-data.sh DIR}
mkdir -p "$dir/debs"
cd "$dir/debs"
apt-get download endless-sky-data=0.9.8-1.2 wesnoth-1.16-data=1:1.16.9-1 lxqt-themes=1.2.0-1
for deb in endless-sky-data_*.deb wesnoth-1.16-data_*.deb lxqt-themes_*.deb; do
  package=${deb%%_*}
  mkdir -p "../$package"
  dpkg -x "$deb" "../$package"
done
