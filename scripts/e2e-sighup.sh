#!/usr/bin/env bash
# Closing the terminal during `fhirdoctor demo` (SIGHUP, as when a terminal
# window or an SSH session goes away): the process must exit 130 promptly and
# leave no /tmp/fhirdoctor-sandbox-* directory (config, CA) behind.
#   scripts/e2e-sighup.sh            (needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tmux-exit.sh
command -v tmux >/dev/null || { echo "sighup: tmux is required"; exit 1; }

work=$(mktemp -d)
sock="$work/tmux.sock"
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/fhirdoctor" .

# wait_screen SESSION TEXT: poll the pane until it shows TEXT (30 s at most).
wait_screen() {
  for _ in $(seq 1 300); do
    if tmux -S "$sock" capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2"; then return 0; fi
    sleep 0.1
  done
  echo "sighup: timed out waiting for: $2"; tmux -S "$sock" capture-pane -p -t "$1" || true; exit 1
}

# gone PID: wait until the process has exited (10 s at most).
gone() {
  for _ in $(seq 1 100); do
    exited "$1" && return 0
    sleep 0.1
  done
  echo "sighup: fhirdoctor (pid $1) still runs 10 s after the terminal closed"; exit 1
}

# nothing_left DIR: the sandbox's temporary directory is gone.
nothing_left() {
  left=$(find "$1" -mindepth 1 -maxdepth 1 -name 'fhirdoctor-sandbox-*' 2>/dev/null || true)
  if [ -n "$left" ]; then
    echo "sighup: left behind after SIGHUP:"; find "$1" -mindepth 1; exit 1
  fi
}

# 1. fhirdoctor is the pane's process: kill the session, which hangs up its
# terminal, exactly as closing a terminal window does.
mkdir -p "$work/tmp1"
tmux -S "$sock" new-session -d -s direct -x 80 -y 24 \
  "cd '$work' && TMPDIR='$work/tmp1' TERM=xterm-256color exec ./fhirdoctor demo"
wait_screen direct "invalid_client"
ls "$work/tmp1" | grep -q '^fhirdoctor-sandbox-' || { echo "sighup: the demo made no sandbox directory under TMPDIR"; exit 1; }
pid=$(tmux -S "$sock" list-panes -t direct -F '#{pane_pid}')
tmux -S "$sock" kill-session -t direct
gone "$pid"
nothing_left "$work/tmp1"
echo "sighup: terminal closed: fhirdoctor exited and removed its sandbox directory"

# 2. SIGHUP straight to fhirdoctor (what the terminal sends its session
# leader). bash around it records the exit code (scripts/tmux-exit.sh says why).
mkdir -p "$work/tmp2"
tmux -S "$sock" new-session -d -s code -x 80 -y 24
tmux -S "$sock" set-option -t code remain-on-exit on
tmux -S "$sock" respawn-pane -k -t code "$(run_recording "$work/code" \
  "cd '$work' && TMPDIR='$work/tmp2' TERM=xterm-256color ./fhirdoctor demo")"
wait_screen code "invalid_client"
pid=$(child_of "$(tmux -S "$sock" list-panes -t code -F '#{pane_pid}')")
[ -n "$pid" ] || { echo "sighup: no fhirdoctor process under the pane's shell"; exit 1; }
kill -HUP "$pid"
gone "$pid"
code=$(wait_code "$work/code")
[ "$code" = 130 ] || { echo "sighup: exit code $code after SIGHUP, want 130"; exit 1; }
nothing_left "$work/tmp2"
echo "sighup: exit 130, nothing left behind"
