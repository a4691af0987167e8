#!/usr/bin/env bash
# On a real terminal, a probe of a slow server names the checks still running
# and how long each has run, on stderr, also with --json; stdout stays the
# document alone. ctrl+c then ends it with 130.
#   scripts/e2e-progress.sh            (needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tmux-exit.sh
command -v tmux >/dev/null || { echo "progress: tmux is required"; exit 1; }

work=$(mktemp -d)
sock="$work/tmux.sock"
sandbox_pid=
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/fhirdoctor" .

# The slow scenario answers nothing for 30 s.
"$work/fhirdoctor" sandbox --scenario slow --json > "$work/sandbox.json" &
sandbox_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sandbox.json" ] && break; sleep 0.1; done
config=$(sed -E 's/.*"config_file":"([^"]+)".*/\1/' "$work/sandbox.json")
ca=$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' "$work/sandbox.json")
[ -f "$config" ] && [ -f "$ca" ] || { echo "progress: no sandbox config"; cat "$work/sandbox.json"; exit 1; }

tmux -S "$sock" new-session -d -s probe -x 100 -y 10
tmux -S "$sock" set-option -t probe remain-on-exit on
tmux -S "$sock" respawn-pane -k -t probe "$(run_recording "$work/code" \
  "cd '$work' && TERM=xterm-256color ./fhirdoctor probe --config '$config' --cacert '$ca' --timeout 25s --json > '$work/out.json'")"
# The spinner names a running check with its elapsed time ("token 1.3s").
seen=
for _ in $(seq 1 100); do
  if tmux -S "$sock" capture-pane -p -t probe | grep -qE '(token|discovery|metadata) [1-9][0-9]*\.[0-9]s.* · [0-9]+ done'; then seen=1; break; fi
  sleep 0.1
done
[ -n "$seen" ] || { echo "progress: no spinner naming a running check:"; tmux -S "$sock" capture-pane -p -t probe; exit 1; }
echo "progress: $(tmux -S "$sock" capture-pane -p -t probe | grep -m1 -oE '. [a-z.]+ [0-9]+\.[0-9]s.*done')"
[ ! -s "$work/out.json" ] || { echo "progress: the spinner reached stdout"; cat "$work/out.json"; exit 1; }
tmux -S "$sock" send-keys -t probe C-c
code=$(wait_code "$work/code")
[ "$code" = 130 ] || { echo "progress: exit $code after ctrl+c, want 130"; exit 1; }
echo "progress: ctrl+c ended the probe with 130"
