#!/usr/bin/env bash
# Drive the station app in tmux as a person would: type a badge and PIN on the keyboard
# (the keyboard wedge), open a flow, scan a location, and capture the pane as text.
#
#   scripts/tmux-demo.sh [OUT_DIR] [WIDTHxHEIGHT]    (default /tmp/floor-tmux-demo, 80x24)
#
# Uses a fresh demo database in OUT_DIR; leaves captures OUT_DIR/NN-step.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-/tmp/floor-tmux-demo}"
SIZE="${2:-80x24}"
COLS="${SIZE%x*}"
ROWS="${SIZE#*x}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SESSION="floor-demo-$$"

rm -rf "$OUT" && mkdir -p "$OUT/data"
export FLOOR_DATABASE_URL="sqlite:///$OUT/demo.db"
export FLOOR_DATA_DIR="$OUT/data"
export FLOOR_WAREHOUSE=DEMO
export FLOOR_STATION=ST01
export FLOOR_CONFIG="$OUT/floor.toml"
: >"$FLOOR_CONFIG"

cd "$ROOT"
"$PY" -m floor demo --if-missing >"$OUT/demo.log" 2>&1

step=0
capture() {  # capture NAME: the pane as text, numbered in order
  step=$((step + 1))
  tmux capture-pane -p -t "$SESSION" >"$OUT/$(printf '%02d' "$step")-$1.txt"
}
wait_for() {  # wait_for TEXT [SECONDS]: until the pane shows TEXT
  local text="$1" limit="${2:-10}" i=0
  while ! tmux capture-pane -p -t "$SESSION" | grep -qF -- "$text"; do
    sleep 0.1
    i=$((i + 1))
    if [ "$i" -ge $((limit * 10)) ]; then
      echo "tmux-demo: timed out waiting for: $text" >&2
      tmux capture-pane -p -t "$SESSION" >&2
      exit 1
    fi
  done
}
cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; }
trap cleanup EXIT

tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
  "env TERM=xterm-256color $PY -m floor run --scanner none; sleep 30"

wait_for "Scan your badge" 15
capture login

tmux send-keys -t "$SESSION" "OP9999" Enter          # a badge nobody has: no hint of it
wait_for "Key in your PIN"
tmux send-keys -t "$SESSION" "9999" Enter
wait_for "Wrong badge or PIN"
capture unknown-badge

tmux send-keys -t "$SESSION" Escape                  # start again with the badge
wait_for "Scan your badge"

tmux send-keys -t "$SESSION" "OP1001" Enter          # Pat Picker
wait_for "Key in your PIN"
capture pin

tmux send-keys -t "$SESSION" "1001" Enter
wait_for "Choose a task"
capture menu

number="$(tmux capture-pane -p -t "$SESSION" | sed -n 's/.* \([0-9]\)  Stock lookup.*/\1/p' | head -1)"
tmux send-keys -t "$SESSION" "${number:?Stock lookup missing from the menu}"
wait_for "Scan a location"
capture lookup

tmux send-keys -t "$SESSION" "A01-01-1" Enter        # as a wedge scanner types a location
wait_for "units"
capture lookup-location

tmux send-keys -t "$SESSION" "NOT-A-CODE" Enter
wait_for "Not recognised"
capture lookup-rejected

tmux send-keys -t "$SESSION" Escape                  # back to the menu
wait_for "Choose a task"
tmux send-keys -t "$SESSION" Escape                  # log out
wait_for "Scan your badge"
capture logged-out

tmux send-keys -t "$SESSION" C-q
echo "tmux-demo: $step captures in $OUT"
