#!/usr/bin/env bash
# Drive the station app in tmux through one receipt and one put-away, as a person would:
# badge and PIN typed on the keyboard, scans typed by the keyboard wedge (text + Enter),
# quantities keyed on the keypad, function keys pressed. Every step is captured as text.
#
#   scripts/tmux-receive-putaway.sh [OUT_DIR] [WIDTHxHEIGHT]
#       (default /tmp/floor-tmux-receive-putaway, 80x24)
#
# Uses a fresh demo database in OUT_DIR; leaves captures OUT_DIR/NN-step.txt and the final
# database check in OUT_DIR/check.txt. Exits non-zero when a prompt never appears, the stock
# did not move to the put-away location, or the ledger's invariants are broken.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-/tmp/floor-tmux-receive-putaway}"
SIZE="${2:-80x24}"
COLS="${SIZE%x*}"
ROWS="${SIZE#*x}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SESSION="floor-rp-$$"
SOCKET="floor-rp-$$" # a tmux server of its own: other tmux sessions are left alone
PO="PO00001"
PACKS=12 # keyed after the quantity key (*) before the item scan: the next scan counts 12 packs

rm -rf "$OUT" && mkdir -p "$OUT/data"
export FLOOR_DATABASE_URL="sqlite:///$OUT/demo.db"
export FLOOR_DATA_DIR="$OUT/data"
export FLOOR_WAREHOUSE=DEMO
export FLOOR_STATION=ST01
export FLOOR_CONFIG="$OUT/floor.toml"
: >"$FLOOR_CONFIG"

cd "$ROOT"
"$PY" -m floor demo --if-missing >"$OUT/demo.log" 2>&1

# The first line of the PO whose item is neither lot- nor serial-tracked: its each GTIN.
read -r GTIN SKU ORDERED < <("$PY" - "$PO" <<'EOF'
import sys

from sqlalchemy import select

from floor.config import load_settings
from floor.db import create_floor_engine, session_scope
from floor.models import Item, PurchaseOrder, PurchaseOrderLine

engine = create_floor_engine(load_settings().resolved_database_url)
with session_scope(engine) as s:
    rows = s.execute(
        select(Item.gtin, Item.sku, PurchaseOrderLine.quantity_ordered)
        .join(PurchaseOrderLine, PurchaseOrderLine.item_id == Item.id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.number == sys.argv[1],
            Item.lot_tracked.is_(False),
            Item.serial_tracked.is_(False),
            Item.is_kit.is_(False),
        )
        .order_by(PurchaseOrderLine.line_no)
    ).first()
    print(*rows)
EOF
)
echo "tmux-receive-putaway: $PO line $SKU (GTIN $GTIN), ordered $ORDERED, receiving $PACKS"

step=0
tm() { tmux -L "$SOCKET" "$@"; }
pane() { tm capture-pane -p -t "$SESSION"; }
capture() { # capture NAME: the pane as text, numbered in order
  step=$((step + 1))
  pane >"$OUT/$(printf '%02d' "$step")-$1.txt"
}
wait_for() { # wait_for TEXT [SECONDS]: until the pane shows TEXT
  local text="$1" limit="${2:-20}" i=0
  while ! pane | grep -qF -- "$text"; do
    sleep 0.1
    i=$((i + 1))
    if [ "$i" -ge $((limit * 10)) ]; then
      echo "tmux-receive-putaway: timed out waiting for: $text" >&2
      pane >&2
      exit 1
    fi
  done
}
menu_number() { # menu_number TITLE: the digit the menu shows for TITLE
  pane | sed -n "s/.* \([0-9]\)  $1.*/\1/p" | head -1
}
cleanup() { tm kill-server 2>/dev/null || true; }
trap cleanup EXIT

tm new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
  "env TERM=xterm-256color $PY -m floor run --scanner none; sleep 30"

# Log in as Rita Receiver.
wait_for "Scan your badge" 30
capture login
tm send-keys -t "$SESSION" "OP1002" Enter
wait_for "Key in your PIN"
tm send-keys -t "$SESSION" "1002" Enter
wait_for "Choose a task"
capture menu

# Receiving: the PO, a quantity on the keypad, the item, then F5 closes.
number="$(menu_number Receiving)"
tm send-keys -t "$SESSION" "${number:?Receiving missing from the menu}"
wait_for "Scan the purchase order"
capture receiving
tm send-keys -t "$SESSION" "$PO" Enter
wait_for "Scan an item"
wait_for "$SKU"
capture receipt-open
tm send-keys -t "$SESSION" "*$PACKS" Enter # the quantity key (*), then the packs
wait_for "next scan x$PACKS"
capture quantity
tm send-keys -t "$SESSION" "$GTIN" Enter # a wedge scan: the whole GTIN in one burst
wait_for "received to"
capture received
tm send-keys -t "$SESSION" F5
wait_for "closed"
wait_for "Closed with"
capture closed
tm send-keys -t "$SESSION" Escape
wait_for "Choose a task"

# Put-away: the item at the dock, a wrong location, then the proposed one with check digits.
number="$(menu_number Put-away)"
tm send-keys -t "$SESSION" "${number:?Put-away missing from the menu}"
wait_for "Scan an LPN or item"
capture putaway
tm send-keys -t "$SESSION" "$GTIN" Enter
wait_for "Go to"
capture proposed
TARGET="$(pane | tr '\n' ' ' | sed -n 's/.*Go to \([A-Z0-9][A-Z0-9-]*\),.*/\1/p' | head -1)"
[ -n "$TARGET" ] || { echo "tmux-receive-putaway: no proposed location on the pane" >&2; exit 1; }
WRONG=A01-01-1
[ "$WRONG" != "$TARGET" ] || WRONG=A01-01-2
echo "tmux-receive-putaway: proposed $TARGET, scanning $WRONG first"

q_at() { # q_at LOCATION: units of the item there now
  "$PY" - "$1" "$SKU" <<'EOF'
import sys

from sqlalchemy import func, select

from floor.config import load_settings
from floor.db import create_floor_engine, session_scope
from floor.models import Balance, Item, Location

engine = create_floor_engine(load_settings().resolved_database_url)
with session_scope(engine) as s:
    print(
        s.scalar(
            select(func.coalesce(func.sum(Balance.quantity), 0))
            .join(Location, Location.id == Balance.location_id)
            .join(Item, Item.id == Balance.item_id)
            .where(Location.code == sys.argv[1], Item.sku == sys.argv[2])
        )
    )
EOF
}
BEFORE="$(q_at "$TARGET")"

tm send-keys -t "$SESSION" "$WRONG" Enter
wait_for "Wrong location $WRONG"
capture wrong-location
DIGITS="$("$PY" -c 'import sys; from floor.gs1 import location_check_digits as d; print(d(sys.argv[1]))' "$TARGET")"
tm send-keys -t "$SESSION" "$TARGET*$DIGITS" Enter
wait_for "put away at $TARGET"
capture put-away
tm send-keys -t "$SESSION" Escape
wait_for "Choose a task"
tm send-keys -t "$SESSION" Escape
wait_for "Scan your badge"
capture logged-out
tm send-keys -t "$SESSION" C-q

# What the database says now.
"$PY" - "$TARGET" "$SKU" "$BEFORE" "$PACKS" <<'EOF' | tee "$OUT/check.txt"
import sys

from sqlalchemy import select

from floor.config import load_settings
from floor.db import create_floor_engine, session_scope
from floor.stock.ledger import invariant_violations
from floor.models import Balance, Item, Location

target, sku, before, received = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
engine = create_floor_engine(load_settings().resolved_database_url)
with session_scope(engine) as s:
    rows = s.execute(
        select(Location.code, Balance.lot, Balance.quantity, Balance.reserved)
        .join(Location, Location.id == Balance.location_id)
        .join(Item, Item.id == Balance.item_id)
        .where(Item.sku == sku, Balance.quantity > 0)
        .order_by(Location.code)
    ).all()
    for code, lot, qty, reserved in rows:
        print(f"stock {sku} at {code}: {qty} (reserved {reserved}){' lot ' + lot if lot else ''}")
    after = sum(q for code, _lot, q, _r in rows if code == target)
    on_dock = sum(q for code, _lot, q, _r in rows if code.startswith("DOCK-"))
    problems = invariant_violations(s)
print(f"{target}: {before} before the put-away, {after} after (received {received})")
print(f"left on the dock: {on_dock}")
print("invariants: " + ("; ".join(problems) if problems else "ok"))
ok = after == before + received and on_dock == 0 and not problems
print("check: " + ("ok" if ok else "FAILED"))
sys.exit(0 if ok else 1)
EOF
echo "tmux-receive-putaway: $step captures in $OUT"
