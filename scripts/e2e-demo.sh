#!/usr/bin/env bash
# Drives the real binary through `fhirdoctor demo` in tmux at 80x24, as a new
# user would: reads the screen, opens the console link (with curl, as the
# browser would), regenerates the secret, pastes it, tests, writes, verifies
# and reaches the summary; there it updates the stale staging copy and runs
# the suggested command after the write ($FHIRDOCTOR_THEN), which prints the
# config. Fails if a screen ever shows the new secret.
#   scripts/e2e-demo.sh            (needs tmux, curl, jq)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux curl jq; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is required"; exit 1; }
done

work=$(mktemp -d)
sock="$work/tmux.sock"
session=fhirdoctor-e2e
screens="$work/screens.txt"
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/fhirdoctor" .
# The command the wizard suggests after the write: it prints the config, so
# its output holds the new secret, which the screen must show scrubbed.
cat > "$work/after.sh" <<'SH'
echo "tenant=$FHIRDOCTOR_TENANT"
grep -h client_secret "$FHIRDOCTOR_CONFIG"
SH
tmux -S "$sock" new-session -d -s "$session" -x 80 -y 24 \
  "cd '$work' && TERM=xterm-256color FHIRDOCTOR_THEN='sh $work/after.sh' ./fhirdoctor demo; echo \"EXIT=\$?\" > '$work/exit'; sleep 30"

screen() { tmux -S "$sock" capture-pane -p -t "$session" | tee -a "$screens"; }
keys() { tmux -S "$sock" send-keys -t "$session" "$@"; }
# wait_for TEXT: poll the screen until it shows TEXT (30 s at most).
wait_for() {
  for _ in $(seq 1 300); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "e2e: timed out waiting for: $1"; echo "--- screen:"; screen; exit 1
}

wait_for "invalid_client"
wait_for "press p to test its sign-in"
cadir=$(screen | grep -oE '/[^ ]*fhirdoctor-sandbox-[0-9]+' | head -1)
[ -f "$cadir/ca.pem" ] || { echo "e2e: no sandbox CA beside the config shown on Diagnose"; exit 1; }

# The provider app: p starts the PKCE round trip; follow the printed link as
# a browser would (the demo's sandbox approves the sign-in at once).
keys p
wait_for "Waiting for the sign-in redirect"
link=$(screen | grep -oE 'http://127\.0\.0\.1:[0-9]+/fhirdoctor-start/[A-Za-z0-9_-]+' | head -1)
[ -n "$link" ] || { echo "e2e: no sign-in link on the provider screen"; exit 1; }
curl -fsSL --cacert "$cadir/ca.pem" "$link" | grep -q "Signed in" || { echo "e2e: the sign-in did not complete"; exit 1; }
wait_for "✓ provider.roundtrip"
echo "e2e: provider app signed in through PKCE and read the patient"
keys Escape
# The verdict is on the first screen, without scrolling.
wait_for "Diagnosis secret-invalid  confirmed"
echo "e2e: Diagnose shows secret-invalid confirmed"
keys Enter
wait_for "Step 1 · Verify application status"
console=$(screen | grep -oE 'http://127\.0\.0\.1:[0-9]+/console' | head -1)
[ -n "$console" ] || { echo "e2e: no console link on Step 1"; exit 1; }
# Step 1's form: y/n/u answer a question and move on; the date is typed.
keys y; sleep 0.2; keys y; sleep 0.2; keys -l "never"; keys Enter; sleep 0.2; keys y; sleep 0.2; keys y
wait_for "← yes →"
keys Enter
wait_for "Step 2 · Regenerate credentials"
wait_for "Which option?"
keys Enter
wait_for "Step 3 · Update configuration"

# The console page's button POSTs here; the browser would show the secret.
curl -fsS "$console" | grep -q "Regenerate" || { echo "e2e: console page lacks the Regenerate button"; exit 1; }
secret=$(curl -fsS -X POST "$console/regenerate" | jq -r .client_secret)
[ -n "$secret" ] && [ "$secret" != null ] || { echo "e2e: console gave no secret"; exit 1; }
# Paste it the way terminals do (bracketed), with the quotes people copy.
tmux -S "$sock" set-buffer -- "\"$secret\""
tmux -S "$sock" paste-buffer -p -t "$session"
wait_for "•••••• sha256:"
keys Enter
wait_for "Step 4 · Test new credentials"
wait_for "Token issued"
wait_for "Write these changes?"
keys w
wait_for "Wrote"
keys Enter
wait_for "Step 5 · Verify end-to-end"
wait_for "Provider authorize"
keys PageDown
wait_for "checks passed"
screen | grep -qE '✓ ([0-9]+) of \1 checks passed' || { echo "e2e: not every check passed"; screen; exit 1; }
keys Enter
wait_for "Summary"
# What remains: the demo's staging copy shares the app, so the regeneration
# broke it too; pick it and write it.
wait_for "Update these stale places too?"
wait_for "staging, tenant default"
keys Space
keys Enter
wait_for "Also rotated"
wait_for "Run a command now"
keys y
wait_for "Run after writing"
wait_for "sh $work/after.sh"
keys Enter
wait_for "now?"
keys y
wait_for "exit 0 in"
wait_for "tenant=default"
wait_for "client_secret: \"sha256:"
echo "e2e: staging updated; the command after the write ran and showed the secret as its fingerprint"
keys Enter
wait_for "After the write"
wait_for "Save the report?"
keys Enter
for _ in $(seq 1 100); do [ -f "$work/exit" ] && break; sleep 0.1; done
[ "$(cat "$work/exit" 2>/dev/null)" = "EXIT=0" ] || { echo "e2e: demo did not exit 0: $(cat "$work/exit" 2>/dev/null)"; exit 1; }
if grep -qF -- "$secret" "$screens"; then
  echo "e2e: a screen showed the new secret"; exit 1
fi
echo "e2e: demo rotated the secret through the five steps; N of N checks passed; staging updated; the command after the write ran; no screen showed the secret"
