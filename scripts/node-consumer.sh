#!/usr/bin/env bash
# The Node consumer check: after `fhirdoctor rotate`, the backend's own
# readers (npm `yaml` and `dotenv`) read the same settings as before except
# the rotated secret, in every config shape and secret place; and the .env
# parser agrees with dotenv on its test table. Installs its npm packages in
# a temporary directory (needs node and npm).
#   scripts/node-consumer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node-consumer: node and npm are needed" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent yaml@2 dotenv@16 >/dev/null)
export FHIRDOCTOR_NODE_MODULES="$tmp/node_modules"
go test -count=1 -run 'TestNodeConsumer|TestDotenvAgreesWithNode' ./internal/cli/ ./config/
echo "node-consumer: the backend's readers agree"
