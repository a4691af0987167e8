# Sourced by the tmux drives, which need fhirdoctor's exit code and need to
# know it has exited.
#
# tmux 3.3 sometimes leaves a pane's exited process unreaped for many seconds:
# #{pane_dead} says 1, #{pane_dead_status} stays empty and `kill -0` still
# finds the zombie. So the pane runs fhirdoctor under bash, which writes the
# code to a file, and "gone" means exited, zombie or not.

# run_recording CODEFILE CMD...: the pane command that runs CMD and records
# its exit code. bash, not sh: on ctrl+c bash waits for its child and carries
# on when the child handled the signal itself, where dash would die with it.
run_recording() {
  local code=$1; shift
  printf "bash -c %q" "$*; echo \$? > '$code'"
}

# wait_code CODEFILE: print the recorded exit code, or "none" after 10 s.
wait_code() {
  for _ in $(seq 1 100); do
    if [ -s "$1" ]; then cat "$1"; return; fi
    sleep 0.1
  done
  echo none
}

# child_of PID: the one process whose parent is PID (fhirdoctor under bash).
child_of() {
  for _ in $(seq 1 50); do
    local c; c=$(pgrep -P "$1" | head -n1 || true)
    if [ -n "$c" ]; then echo "$c"; return; fi
    sleep 0.1
  done
}

# exited PID: true once PID has ended, even if nobody has reaped it yet.
exited() {
  local stat; stat=$(ps -o stat= -p "$1" 2>/dev/null || true)
  [ -z "$stat" ] || [ "${stat#Z}" != "$stat" ]
}
