"""`floor operators add|list|show|disable|enable|set-pin|set-roles|set-language|import` and
the services behind them (floor/operator_admin.py), against a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from floor.admin_audit import ChangedBy
from floor.cli import main
from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, PermissionDenied
from floor.logins import LoginRefused, check_login
from floor.models import AdminAuditEntry, Operator
from floor.operator_admin import (
    add_operator,
    change_own_pin,
    disable_operator,
    set_roles,
)
from floor.operators import verify_pin
from tests.support import PIN, SmallWarehouse


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, "operators", *args])


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A terminal on which the PINs in the returned list are typed, in order (unechoed)."""
    typed: list[str] = []
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return typed.pop(0)

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("floor.commands.operators.terminal_attached", lambda: True)
    return typed


def _operator(wh: SmallWarehouse, badge: str) -> Operator | None:
    with session_scope(wh.engine) as s:
        op = s.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
        if op is not None:
            s.expunge(op)
        return op


def _audit(wh: SmallWarehouse, badge: str) -> list[AdminAuditEntry]:
    with session_scope(wh.engine) as s:
        rows = s.scalars(
            select(AdminAuditEntry)
            .where(AdminAuditEntry.code == badge)
            .order_by(AdminAuditEntry.id)
        ).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def test_add_asks_the_pin_twice_and_the_operator_must_change_it(
    warehouse: SmallWarehouse, terminal: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    terminal.extend(["4711", "4711"])
    assert _floor(wh, "add", "op0042", "--name", "Ana Picker", "--roles", "picker", "receiver") == 0
    out = capsys.readouterr()
    assert "Operator OP0042 added: Ana Picker, picker receiver, en" in out.out
    assert "4711" not in out.out + out.err  # never echoed
    op = _operator(wh, "OP0042")
    assert op is not None and op.must_change_pin and op.active
    assert verify_pin("4711", op.pin_hash) and "4711" not in op.pin_hash
    [added] = _audit(wh, "OP0042")
    assert (added.action, added.station, added.actor_id) == ("added", "cli", None)
    assert "@" in added.actor and "4711" not in added.detail

    assert _floor(wh, "list") == 0
    listed = capsys.readouterr().out
    assert "OP0042" in listed and "PIN to change" in listed and "Ana Picker" in listed
    assert _floor(wh, "show", "OP0042") == 0
    shown = capsys.readouterr().out
    assert "last login: never" in shown and "added" in shown and "@" in shown


def test_two_different_pins_add_nothing(
    warehouse: SmallWarehouse, terminal: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    terminal.extend(["4711", "4712"])
    assert _floor(warehouse, "add", "OP0042", "--name", "Ana", "--roles", "picker") == 1
    assert "The two PINs differ: nothing changed" in capsys.readouterr().err
    assert _operator(warehouse, "OP0042") is None


def test_pin_stdin_for_scripts_and_no_terminal_without_it(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("floor.commands.operators.terminal_attached", lambda: False)
    assert _floor(warehouse, "add", "OP0042", "--name", "Ana", "--roles", "picker") == 2
    assert "--pin-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("4711\n"))
    assert (
        _floor(warehouse, "add", "OP0042", "--name", "Ana", "--roles", "picker", "--pin-stdin") == 0
    )
    op = _operator(warehouse, "OP0042")
    assert op is not None and verify_pin("4711", op.pin_hash)


def test_bad_badge_role_or_pin_is_refused_before_anything_changes(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    args = ("--name", "Ana", "--pin-stdin")
    assert _floor(warehouse, "add", "X42", "--roles", "picker", *args) == 1
    assert "X42 does not read as a badge when scanned" in capsys.readouterr().err
    assert _floor(warehouse, "add", "OP42", "--roles", "boss", *args) == 1
    assert "Unknown role boss" in capsys.readouterr().err
    assert _floor(warehouse, "add", "OP42", "--roles", "picker", *args) == 1
    assert "A PIN is 4 to 12 digits" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("4711\n"))
    assert _floor(warehouse, "add", "OPPICKER", "--roles", "picker", *args) == 1
    assert "Badge OPPICKER is already Picker Tester's" in capsys.readouterr().err
    assert _operator(warehouse, "OP42") is None


def test_disable_enable_roles_language_and_pin_are_recorded(
    warehouse: SmallWarehouse, terminal: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    assert _floor(wh, "disable", "OPPICKER", "--by", "OPADMIN") == 0
    assert "Operator OPPICKER (Picker Tester) disabled" in capsys.readouterr().out
    with session_scope(wh.engine) as s:
        refused = check_login(s, "OPPICKER", PIN, station="ST01")
        assert isinstance(refused, LoginRefused)
    assert _floor(wh, "disable", "OPPICKER") == 1
    assert "OPPICKER is disabled already" in capsys.readouterr().err
    assert _floor(wh, "list", "--active") == 0
    assert "OPPICKER" not in capsys.readouterr().out
    assert _floor(wh, "enable", "OPPICKER") == 0
    assert _floor(wh, "set-roles", "OPPICKER", "picker", "counter") == 0
    assert "Roles of OPPICKER: counter picker" in capsys.readouterr().out
    assert _floor(wh, "set-language", "OPPICKER", "sr") == 0
    assert "Language of OPPICKER: sr" in capsys.readouterr().out
    assert _floor(wh, "set-language", "OPPICKER", "de") == 1
    assert "Unknown language de" in capsys.readouterr().err
    terminal.extend(["9876", "9876"])
    assert _floor(wh, "set-pin", "OPPICKER") == 0
    op = _operator(wh, "OPPICKER")
    assert op is not None and op.must_change_pin and verify_pin("9876", op.pin_hash)
    assert op.roles == "counter picker" and op.language == "sr" and op.active
    actions = [(a.action, a.actor_id, a.detail) for a in _audit(wh, "OPPICKER")]
    assert actions == [
        ("disabled", wh.operators["admin"], ""),
        ("enabled", None, ""),
        ("roles_set", None, "picker -> counter picker"),
        ("language_set", None, "en -> sr"),
        ("pin_set", None, ""),
    ]
    assert _floor(wh, "show", "OPPICKER") == 0
    shown = capsys.readouterr().out
    assert "PIN set by an admin" in shown and "OPADMIN" in shown


def test_only_admins_change_operators_and_the_last_admin_stays(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    supervisor = ChangedBy(wh.operators["supervisor"], "ST01")
    admin = ChangedBy(wh.operators["admin"], "ST01")
    with pytest.raises(PermissionDenied, match="needs the role admin"):
        transaction(wh.engine, lambda s: disable_operator(s, "OPPICKER", by=supervisor))
    with pytest.raises(PermissionDenied, match="cannot disable yourself"):
        transaction(wh.engine, lambda s: disable_operator(s, "OPADMIN", by=admin))
    with pytest.raises(Conflict, match="last active admin"):
        transaction(wh.engine, lambda s: disable_operator(s, "OPADMIN", by=ChangedBy()))
    with pytest.raises(Conflict, match="last active admin"):
        transaction(wh.engine, lambda s: set_roles(s, "OPADMIN", "supervisor", by=admin))
    transaction(
        wh.engine,
        lambda s: add_operator(
            s, badge="OP0002", name="Second Admin", pin="5555", roles="admin", by=admin
        ),
    )
    transaction(wh.engine, lambda s: set_roles(s, "OPADMIN", "supervisor", by=admin))


def test_change_own_pin_checks_the_current_one_and_wants_another(
    warehouse: SmallWarehouse,
) -> None:
    wh = warehouse
    op_id = wh.operators["picker"]
    with pytest.raises(PermissionDenied):
        transaction(wh.engine, lambda s: change_own_pin(s, op_id, "0000", "2468", station="ST01"))
    with pytest.raises(InvalidInput, match="other than the one you were given"):
        transaction(wh.engine, lambda s: change_own_pin(s, op_id, PIN, PIN, station="ST01"))
    transaction(wh.engine, lambda s: change_own_pin(s, op_id, PIN, "2468", station="ST01"))
    op = _operator(wh, "OPPICKER")
    assert op is not None and verify_pin("2468", op.pin_hash) and not op.must_change_pin
    [changed] = _audit(wh, "OPPICKER")
    assert (changed.action, changed.actor_id, changed.station) == ("pin_changed", op_id, "ST01")


CSV = """badge,name,roles,language,pin
OP2001,Ana Anić,picker,sr,2001
op2002,Élodie Lefèvre,"picker, receiver",fr,2002
OP2003,Sam Smith,counter;picker,,2003
"""


def test_import_adds_all_who_must_change_their_pin(
    warehouse: SmallWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    path = tmp_path / "operators.csv"
    path.write_text(CSV, encoding="utf-8")
    assert _floor(wh, "import", str(path)) == 0
    assert "3 operators imported" in capsys.readouterr().out
    ana, elodie, sam = (_operator(wh, b) for b in ("OP2001", "OP2002", "OP2003"))
    assert ana is not None and ana.name == "Ana Anić" and ana.language == "sr"
    assert elodie is not None and elodie.roles == "picker receiver"
    assert sam is not None and sam.roles == "counter picker" and sam.language == "en"
    assert all(op.must_change_pin for op in (ana, elodie, sam))  # type: ignore[union-attr]
    assert verify_pin("2002", elodie.pin_hash)
    [imported] = _audit(wh, "OP2002")
    assert imported.action == "imported" and imported.detail.startswith("operators.csv:3;")
    # the same file again: every badge is taken, nothing changes
    assert _floor(wh, "import", str(path)) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: column badge: expected a badge no operator has (it is Ana Anić's)" in err
    assert "Nothing imported: 3 problems" in err


def test_import_is_all_or_nothing_with_file_and_line(
    warehouse: SmallWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "badge,name,roles,language,pin\n"
        "OP3001,Good One,picker,en,3001\n"
        "X3002,Bad Badge,picker,en,3002\n"
        "OP3003,,boss,de,12\n"
        "OP3001,Twice,picker,en,3004\n"
        "OP3005,Long Pin,picker,en,1234567890123\n",
        encoding="utf-8",
    )
    assert _floor(warehouse, "import", str(path)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:3: column badge: expected a badge such as OP0042")
    assert f"{path}:4: column name: expected a value, got nothing" in err
    assert f"{path}:4: column roles: expected roles among picker" in "\n".join(err)
    assert f'{path}:4: column language: expected a language: en, fr or sr, got "de"' in err
    assert f'{path}:4: column pin: expected a PIN of 4 to 12 digits, got "**"' in err
    assert f'{path}:5: column badge: expected a badge not already on line 2, got "OP3001"' in err
    assert f'{path}:6: column pin: expected a PIN of 4 to 12 digits, got "*************"' in err
    assert "1234567890123" not in "\n".join(err)  # a PIN is never shown
    assert _operator(warehouse, "OP3001") is None


def test_import_json(warehouse: SmallWarehouse, tmp_path: Path) -> None:
    path = tmp_path / "operators.json"
    path.write_text(
        json.dumps(
            {
                "operators": [
                    {"badge": "OP4001", "name": "Jo", "roles": ["picker", "packer"], "pin": "4001"}
                ]
            }
        ),
        encoding="utf-8",
    )
    assert _floor(warehouse, "import", str(path)) == 0
    op = _operator(warehouse, "OP4001")
    assert op is not None and op.roles == "packer picker" and op.must_change_pin
