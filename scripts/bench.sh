#!/usr/bin/env bash
# Runs every performance benchmark of docs/benchmarks.md once, with the
# iteration counts the figures there were taken with:
#   scripts/bench.sh            (about a minute on 2 cores)
# Benchmarks never run under `go test ./...`; they need -bench.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(go version) · $(nproc) cores · $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs)"
echo "# SSL_CERT_FILE=${SSL_CERT_FILE:-(unset)}"
go test -run '^$' -bench 'VersionStart' -benchtime 200x ./internal/cli/
go test -run '^$' -bench 'ProbeRSS' -benchtime 20x ./internal/cli/
go test -run '^$' -bench 'ProbeAllTenants' -benchtime 5x ./internal/cli/
go test ./probe/ -run '^$' -bench 'ProbeHealthy' -benchtime 20x
go test ./config/ -run '^$' -bench 'LoadEditSave' -benchtime 200x
go test ./probe/ -run '^$' -bench 'ProbeJWTvsSecret' -benchtime 20x
go test -run '^$' -bench 'ProbeAllTenantsJWT' -benchtime 3x ./internal/cli/
go test -run '^$' -bench 'ManyTenants' -benchtime 20x ./internal/cli/
