"""Pilot tests of the station shell: login, menu by role, languages, idle logout, scan
routing and the journal, key fallbacks, queued scans, resume after logout, compact layout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

import floor.screens
from floor.devices import DeviceState, DeviceStatus, RawScan
from floor.models import ScanJournalEntry
from floor.scanning import Command
from floor.screens.flow import FlowScreen
from floor.screens.login import LoginScreen
from floor.screens.lookup import LookupScreen
from floor.screens.menu import MenuScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import log_in, open_flow, resume_flow, scan, settle, speaks, text_of


def journal_rows(app: Any) -> list[ScanJournalEntry]:
    assert app.journal.flush(5)
    with app.station.engine.connect() as conn:
        return list(conn.execute(select(ScanJournalEntry).order_by(ScanJournalEntry.id)).all())


class ReceiveFlow(FlowScreen):
    FLOW = "test_receive"
    TITLE = "Receive (test)"
    ROLES = ("receiver",)
    MENU_ORDER = 10


class PickFlow(FlowScreen):
    FLOW = "test_pick"
    TITLE = "Pick (test)"
    ROLES = ("picker",)
    MENU_ORDER = 20


class RecordingFlow(FlowScreen):
    """Records what reaches it; scanning ITEM-like codes calls a service that can be held."""

    FLOW = "test_recording"
    TITLE = "Recording (test)"
    ROLES = ("picker",)
    gate: ClassVar[threading.Event] = threading.Event()

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []
        self.commands: list[tuple[Command, int | None]] = []
        self.results: list[str] = []

    def on_mount(self) -> None:
        super().on_mount()
        self.prompt("Scan a location")

    def on_scan(self, scan: Any, raw: RawScan) -> None:
        self.scans.append(scan.code or "")
        code = scan.code

        def work(session: Any) -> str:
            assert RecordingFlow.gate.wait(5)
            return code

        self.call_service(work, self.results.append)
        self.save_state({"last": code})

    def on_command(self, command: Command, quantity: int | None) -> None:
        self.commands.append((command, quantity))
        super().on_command(command, quantity)


@pytest.fixture
def test_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    flows = (ReceiveFlow, PickFlow, RecordingFlow, LookupScreen)
    monkeypatch.setattr(floor.screens, "discover_flows", lambda: flows)


async def test_login_by_badge_scan_and_typed_pin_opens_the_menu(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert text_of(app, "#prompt") == "Scan your badge"
        await scan(pilot, "OPPICKER")
        assert text_of(app, "#prompt") == "Key in your PIN"
        await pilot.press("1", "2", "3", "4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)
        assert app.station.operator_name == "Picker Tester"
        assert "picker" in app.station.operator_roles
        assert "Picker Tester" in text_of(app, "#status")
        assert "Stock lookup" in text_of(app, "#body")
    [badge] = journal_rows(app)
    assert (badge.kind, badge.outcome, badge.raw, badge.operator_id) == (
        "badge",
        "accepted",
        b"OPPICKER",
        None,
    )
    assert all(b"1234" not in row.raw for row in journal_rows(app))  # the PIN is never journaled


async def test_wrong_pin_is_refused_in_red_with_the_bell(make_app: Callable) -> None:
    app = make_app()
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await log_in(pilot, "OPPICKER", "9999")
        assert isinstance(app.screen, LoginScreen)
        feedback = app.screen.query_one("#feedback")
        assert feedback.has_class("-rejected")
        assert "Wrong badge or PIN" in str(feedback.render())
        assert "Expected: your PIN" in str(feedback.render())
        assert text_of(app, "#prompt") == "Key in your PIN"  # try again
        assert bells == [1]
        assert not app.station.logged_in


async def test_three_wrong_pins_go_back_to_the_badge(make_app: Callable) -> None:
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "OPPICKER")
        for _ in range(3):
            app.login_as("OPPICKER", "0000")
            await settle(pilot)
        assert text_of(app, "#prompt") == "Scan your badge"
        feedback = text_of(app, "#feedback")
        assert "Expected: your badge" in feedback  # what the screen now asks for
        assert "your PIN" not in feedback


async def test_an_unknown_badge_gets_no_hint_before_or_after_the_pin(make_app: Callable) -> None:
    """Badges cannot be enumerated: an unknown badge is asked for its PIN like any other and
    refused with the same words as a wrong PIN."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Location A01-01-1: not an operator badge" in await scan(pilot, "A01-01-1")
        assert text_of(app, "#prompt") == "Scan your badge"
        assert "Operator badge OPNOBODY" in await scan(pilot, "OPNOBODY")
        assert text_of(app, "#prompt") == "Key in your PIN"
        app.login_as("OPNOBODY", "1234")
        await settle(pilot)
        feedback = app.screen.query_one("#feedback")
        assert feedback.has_class("-rejected")
        assert str(feedback.render()) == "✘ Wrong badge or PIN\nExpected: your PIN"
        assert text_of(app, "#prompt") == "Key in your PIN"
    assert [(r.raw, r.outcome) for r in journal_rows(app)] == [
        (b"A01-01-1", "rejected"),
        (b"OPNOBODY", "accepted"),  # read as a badge; whether it is anyone's is not said
    ]


async def test_a_code_unknown_at_the_badge_step_reads_as_one_sentence(
    make_app: Callable,
) -> None:
    """It read "Not recognised: X is not a code this site uses is not an operator badge"."""
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        feedback = await scan(pilot, "Floor-QZY-az09")
        assert "is not a code this site uses: not an operator badge" in feedback


@pytest.mark.usefixtures("test_flows")
@pytest.mark.parametrize(
    ("badge", "titles"),
    [
        ("OPPICKER", ["Pick (test)", "Recording (test)", "Stock lookup"]),
        ("OPRECEIVER", ["Receive (test)", "Stock lookup"]),
        ("OPSUPERVISOR", ["Receive (test)", "Pick (test)", "Recording (test)", "Stock lookup"]),
    ],
)
async def test_the_menu_shows_the_flows_the_role_allows(
    make_app: Callable, badge: str, titles: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, badge)
        assert isinstance(app.screen, MenuScreen)
        assert [flow.TITLE for flow in app.screen.flows] == titles
        body = text_of(app, "#body")
        for number, title in enumerate(titles, start=1):
            assert f"{number}  {title}" in body


@pytest.mark.usefixtures("test_flows")
async def test_a_digit_opens_a_flow_and_escape_returns_to_the_menu(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("2")
        await pilot.pause(0.3)
        assert isinstance(app.screen, RecordingFlow)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        await pilot.press("escape")  # log out
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert not app.station.logged_in


async def test_an_operator_in_french_gets_the_menu_in_french(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPPICKER", "fr")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        assert app.station.language == "fr"
        assert text_of(app, "#prompt") == "Choisissez une tâche"
        assert "Consultation de stock" in text_of(app, "#body")
        assert "Poste ST01" in text_of(app, "#status")
        await pilot.press("escape")
        await settle(pilot)
        assert text_of(app, "#prompt") == "Scan your badge"  # back to the station's language


async def test_f9_switches_the_login_screen_language(make_app: Callable) -> None:
    app = make_app(language="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert text_of(app, "#prompt") == "Scannez votre badge"
        await pilot.press("f9")
        await pilot.pause()
        assert text_of(app, "#prompt") == "Скенирајте свој беџ"
        await pilot.press("f9")
        await pilot.pause()
        assert text_of(app, "#prompt") == "Scan your badge"


async def test_idle_operator_is_logged_out(make_app: Callable) -> None:
    app = make_app(idle_logout_seconds=120)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        assert app.check_idle_logout(app.last_activity + 60) is False
        assert app.station.logged_in
        assert app.check_idle_logout(app.last_activity + 121) is True
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert not app.station.logged_in
        assert "Logged out after 2 min without activity" in text_of(app, "#feedback")


@pytest.mark.usefixtures("test_flows")
async def test_scans_during_a_service_wait_in_order_and_none_is_lost(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    app = make_app()
    RecordingFlow.gate.clear()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, RecordingFlow)
        for code in ("A01-01-1", "A01-01-2", "A01-02-1"):
            app.inject_scan(code)
        await pilot.pause()
        assert screen.scans == ["A01-01-1"]  # the others wait for the service
        assert screen.busy
        RecordingFlow.gate.set()
        await settle(pilot)
        await settle(pilot)
        assert screen.scans == ["A01-01-1", "A01-01-2", "A01-02-1"]
        assert screen.results == ["A01-01-1", "A01-01-2", "A01-02-1"]
    rows = journal_rows(app)
    assert [r.raw for r in rows[1:]] == [b"A01-01-1", b"A01-01-2", b"A01-02-1"]
    assert [r.outcome for r in rows[1:]] == ["accepted"] * 3
    assert {r.operator_id for r in rows[1:]} == {ui_warehouse.operators["picker"]}


@pytest.mark.usefixtures("test_flows")
async def test_unreadable_scan_is_red_and_never_reaches_the_flow(make_app: Callable) -> None:
    app = make_app()
    RecordingFlow.gate.set()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, RecordingFlow)
        await scan(pilot, "NOT-A-CODE")
        feedback = screen.query_one("#feedback")
        assert feedback.has_class("-rejected")
        assert "Not recognised" in str(feedback.render())
        assert "Expected: Scan a location" in str(feedback.render())
        assert screen.scans == []
    assert journal_rows(app)[-1].outcome == "rejected"


@pytest.mark.usefixtures("test_flows")
async def test_command_barcodes_and_keys_reach_on_command(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, RecordingFlow)
        app.inject_scan("CMD:CONFIRM")
        app.inject_scan("CMD:QTY:7")
        await settle(pilot)
        await pilot.press("f2", "f3", "f4", "f5")
        await pilot.press("asterisk")  # the quantity key: this step asks for a code
        await pilot.press("1")
        await pilot.pause(0.2)
        await pilot.press("2")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.commands == [
            (Command.CONFIRM, None),
            (Command.QUANTITY, 7),
            (Command.CONFIRM, None),
            (Command.SHORT, None),
            (Command.SKIP, None),
            (Command.DONE, None),
            (Command.QUANTITY, 12),
        ]
        app.inject_scan("CMD:CANCEL")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)


@pytest.mark.usefixtures("test_flows")
async def test_after_logout_the_operator_resumes_the_flow_where_it_stopped(
    make_app: Callable,
) -> None:
    RecordingFlow.gate.set()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, RecordingFlow)
        await scan(pilot, "A02-03-2")
        app.log_out()
        await settle(pilot)
    # A new app, as after a crash: the state comes from the database.
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, RecordingFlow, "OPPICKER")
        assert screen.resume_state() == {"last": "A02-03-2"}
        assert "Resuming Recording (test)" in text_of(again, "#feedback")


async def test_keyboard_wedge_burst_is_a_scan_and_slow_typing_is_not(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for char in "OPPICKER":
            app.feed_wedge(char, 10.0)
        app.feed_wedge("\r", 10.01)
        await settle(pilot)
        assert text_of(app, "#prompt") == "Key in your PIN"
        for char in "1234":  # a fast burst on the PIN step is typing, not a scan
            app.feed_wedge(char, 20.0)
        app.feed_wedge("\r", 20.01)
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)
    assert [r.raw for r in journal_rows(app)] == [b"OPPICKER"]


class FakeScanner:
    name = "fake"

    def __init__(self) -> None:
        self.callbacks: tuple[Any, Any] | None = None
        self.stopped = False

    def start(self, on_scan: Any, on_status: Any) -> None:
        self.callbacks = (on_scan, on_status)

    def stop(self, timeout: float = 2.0) -> None:
        self.stopped = True


async def test_scanner_thread_scans_and_status_reach_the_app(make_app: Callable) -> None:
    scanner = FakeScanner()
    app = make_app(scan_source=scanner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Scanner DISCONNECTED" in text_of(app, "#status")
        on_scan, on_status = scanner.callbacks  # type: ignore[misc]
        thread = threading.Thread(
            target=lambda: (
                on_status(DeviceStatus(DeviceState.CONNECTED, "fake")),
                on_scan(RawScan.now(b"OPPICKER", "fake")),
            )
        )
        thread.start()
        thread.join()
        await settle(pilot)
        assert "Scanner connected" in text_of(app, "#status")
        assert text_of(app, "#prompt") == "Key in your PIN"
    assert scanner.stopped
    assert journal_rows(app)[0].device == "fake"


async def test_compact_layout_below_60_columns(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot)
        assert app.compact
        status = app.screen.query_one("#status")
        assert status.size.height == 1
        assert "ST01" in text_of(app, "#status")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.compact


async def test_lookup_shows_stock_at_a_location(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    from floor.db import transaction
    from floor.stock.ledger import SYSTEM, receive

    key = ui_warehouse.key("A01-02-1", "PLAIN")
    transaction(ui_warehouse.engine, lambda s: receive(s, key, 25, actor=SYSTEM, scan_id="seed-1"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, LookupScreen)
        assert "Location A01-02-1: 25 units" in await scan(pilot, "A01-02-1")
        assert "PLAIN" in text_of(app, "#body")
        assert "Unknown location A09-09-9" in await scan(pilot, "A09-09-9")
    assert [r.outcome for r in journal_rows(app)[1:]] == ["accepted", "rejected"]


async def test_login_screen_of_the_demo_warehouse_shows_demo_badges(
    make_app: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    import floor.demo

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "OP1001" not in text_of(app, "#body")  # not the demo: no hint
    monkeypatch.setattr(floor.demo, "DEMO_WAREHOUSE", "TST")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = text_of(app, "#body")
        assert "OP1001" in body and "PIN 1001" in body and "OP1007" in body
        await scan(pilot, "OPPICKER")
        assert text_of(app, "#prompt") == "Key in your PIN"
        assert "OP1001" not in text_of(app, "#body")
