#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each:
#   scripts/fuzz.sh [duration]     (default 10s)
# go test -fuzz takes one target of one package at a time, hence the loop.
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-10s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target ($d)"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$d" "$pkg"
  done
done
