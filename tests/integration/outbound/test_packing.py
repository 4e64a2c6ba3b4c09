"""The pack bench services: verification, serials, lots, cartonization, weight, closing with
an SSCC through the ledger, idempotent closes, several cartons, packed orders, reopen/unpack."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from floor.db import session_scope
from floor.errors import Conflict, PermissionDenied, WrongScan
from floor.gs1 import is_valid_gs1_number
from floor.logins import LoginRefused
from floor.models import (
    BadgeLockout,
    Balance,
    CartonType,
    Container,
    PackedCarton,
    PackedCartonLine,
    PrintJob,
    SerialNumber,
)
from floor.outbound import pack_close, packing
from floor.outbound.pack_close import OverrideApproval, WeightOutOfTolerance, WeightOverride
from floor.outbound.pack_verify import SerialNeeded
from floor.stock import ledger
from tests.pack_support import (
    SETTINGS,
    add_order,
    carton_barcode,
    do,
    order_status,
    packer,
    pick_everything,
    picked_order,
    prepare_packing,
)
from tests.support import PIN, SmallWarehouse, gtin

PLAIN, LOT, SER = gtin(1), gtin(2), gtin(3)


class _Printer:
    """Queues nothing; remembers the paperwork (the label tests render the real thing)."""

    def __init__(self) -> None:
        self.paperwork: list = []

    def queue(self, session, paperwork):  # type: ignore[no-untyped-def]
        self.paperwork.append(paperwork)
        return []


def _start(wh: SmallWarehouse, code: str, actor=None, **kw):  # type: ignore[no-untyped-def]
    actor = actor or packer(wh)
    return do(wh, lambda s: packing.start(s, wh.warehouse_id, code, actor=actor, **kw))


def _scan(wh: SmallWarehouse, carton_id: int, barcode: str, actor=None, **kw):  # type: ignore[no-untyped-def]
    actor = actor or packer(wh)
    return do(wh, lambda s: packing.pack_scan(s, carton_id, barcode, actor=actor, **kw))


def _close(wh: SmallWarehouse, carton_id: int, grams: int, actor=None, printer=None, **kw):  # type: ignore[no-untyped-def]
    actor = actor or packer(wh)
    return do(
        wh,
        lambda s: pack_close.close_carton(
            s, carton_id, grams, settings=SETTINGS, printer=printer, actor=actor, **kw
        ),
    )


def _approve(wh: SmallWarehouse, override: WeightOverride):  # type: ignore[no-untyped-def]
    return do(wh, lambda s: pack_close.approve_override(s, override, "PACK1"))


def test_wrong_override_pins_count_and_lock_the_badge(warehouse: SmallWarehouse) -> None:
    """A wrong supervisor PIN at the pack bench is committed like one at the login screen,
    so guessing it locks the badge (it was rolled back with the refused close before)."""
    bad_pin = WeightOverride("OPSUPERVISOR", "0000", "Packing material added")
    outcomes = [_approve(warehouse, bad_pin) for _ in range(6)]
    assert all(isinstance(o, LoginRefused) for o in outcomes)
    assert "Too many failed logins" in str(outcomes[-1])
    with session_scope(warehouse.engine) as s:
        row = s.scalars(
            select(BadgeLockout).where(BadgeLockout.badge == "OPSUPERVISOR")
        ).one_or_none()
        assert row is not None and row.failures >= 5 and row.locked_until is not None
    right_pin_while_locked = _approve(warehouse, WeightOverride("OPSUPERVISOR", PIN, "x"))
    assert isinstance(right_pin_while_locked, LoginRefused)


def test_scans_are_verified_naming_what_is_expected(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01")
    picked_order(warehouse, "SO2", [("SER", 1)], "TOTE02")
    view = _start(warehouse, "TOTE01")
    assert view.order == "SO1" and view.totes == ("TOTE01",)
    assert [(line.sku, line.to_pack) for line in view.lines] == [("PLAIN", 2), ("LOT", 1)]
    carton = view.carton
    assert carton is not None and carton.carton_no == 1
    with pytest.raises(WrongScan, match="belongs to order SO2") as err:  # another order's item
        _scan(warehouse, carton.carton_id, SER, serial="SN001")
    assert "PLAIN ×2" in (err.value.expected or "")
    with pytest.raises(WrongScan, match="not on order SO1"):  # on no order at all
        _scan(warehouse, carton.carton_id, gtin(4))
    out = _scan(warehouse, carton.carton_id, PLAIN, scan_id="u1")
    assert (out.sku, out.units) == ("PLAIN", 1)
    again = _scan(warehouse, carton.carton_id, PLAIN, scan_id="u1")  # the same scan: once
    assert again.view.carton is not None and again.view.carton.units == 1
    with pytest.raises(WrongScan, match="Only 1 PLAIN left"):  # a case of 12 is too many
        _scan(warehouse, carton.carton_id, gtin(101))
    _scan(warehouse, carton.carton_id, PLAIN)
    with pytest.raises(WrongScan, match="Extra unit"):
        _scan(warehouse, carton.carton_id, PLAIN)
    with session_scope(warehouse.engine) as s:  # nothing moved yet: the units are in the tote
        assert ledger.balance_of(s, warehouse.key("PACK-01", "PLAIN", container="TOTE01")) == (2, 0)


def test_lots_are_recorded_and_a_wrong_lot_refused(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("LOT", 2)], "TOTE01")
    carton = _start(warehouse, "SO1", is_order=True).carton
    with pytest.raises(WrongScan, match="Wrong lot L9") as err:
        _scan(warehouse, carton.carton_id, LOT, lot="L9")
    assert err.value.expected == "L1"
    _scan(warehouse, carton.carton_id, LOT, lot="L1")
    out = _scan(warehouse, carton.carton_id, LOT)  # one lot in the tote: no lot needed
    assert out.lot == "L1"
    assert out.view.carton.contents == (packing.ContentView("LOT", 2, "L1", ""),)


def test_serials_are_scanned_one_by_one_and_travel_with_the_carton(
    warehouse: SmallWarehouse,
) -> None:
    prepare_packing(warehouse)
    order_id = picked_order(warehouse, "SO1", [("SER", 2)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    with pytest.raises(SerialNeeded):
        _scan(warehouse, carton.carton_id, SER)
    with pytest.raises(WrongScan, match="never received"):
        _scan(warehouse, carton.carton_id, SER, serial="NOPE")
    _scan(warehouse, carton.carton_id, SER, serial="SN002")
    with pytest.raises(WrongScan, match="already in carton 1 of order SO1"):
        _scan(warehouse, carton.carton_id, SER, serial="SN002")
    view = _scan(warehouse, carton.carton_id, SER, serial="SN004").view
    assert {c.serial for c in view.carton.contents} == {"SN002", "SN004"}
    closed = _close(warehouse, carton.carton_id, packing_expected(warehouse, carton.carton_id))
    assert closed.order_packed and order_status(warehouse, order_id) == "packed"
    with session_scope(warehouse.engine) as s:
        rows = s.scalars(select(PackedCartonLine).order_by(PackedCartonLine.serial)).all()
        assert [(r.serial, r.quantity, r.in_carton) for r in rows] == [
            ("SN002", 1, True),
            ("SN004", 1, True),
        ]
        statuses = dict(s.execute(select(SerialNumber.serial, SerialNumber.status)).all())
        assert statuses["SN002"] == statuses["SN004"] == "packed"
        assert statuses["SN001"] == "in_stock"
    picked_order(warehouse, "SO2", [("SER", 1)], "TOTE02")
    other = _start(warehouse, "TOTE02").carton
    with pytest.raises(WrongScan, match="SN004 is already in carton 1 of order SO1"):
        _scan(warehouse, other.carton_id, SER, serial="SN004")


def test_the_proposed_carton_type_is_used_and_a_scan_overrides_it(
    warehouse: SmallWarehouse,
) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2)], "TOTE01")
    view = _start(warehouse, "TOTE01")
    assert [(p.carton_type, p.units) for p in view.proposal] == [("TINY", (("PLAIN", 2),))]
    assert view.carton.carton_type == view.carton.proposed_type == "TINY"
    out = _scan(warehouse, view.carton.carton_id, carton_barcode("MEDIUM"))
    assert out.carton_type == "MEDIUM"
    assert (out.view.carton.carton_type, out.view.carton.proposed_type) == ("MEDIUM", "TINY")
    assert out.view.carton.expected_weight_g == 300  # the tare of MEDIUM, no units yet


def test_items_too_large_or_without_dimensions_are_named(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    from floor.models import Item

    with session_scope(warehouse.engine) as s:
        s.get(Item, warehouse.items["LOT"]).length_mm = None  # type: ignore[union-attr]
        s.get(Item, warehouse.items["SER"]).length_mm = 2000  # type: ignore[union-attr]
    picked_order(warehouse, "SO1", [("PLAIN", 1), ("LOT", 1), ("SER", 1)], "TOTE01")
    view = _start(warehouse, "TOTE01")
    assert view.no_dimensions == ("LOT",) and view.too_large == ("SER",)
    assert [p.carton_type for p in view.proposal] == ["TINY"]


def test_weight_outside_tolerance_is_refused_unless_a_supervisor_overrides(
    warehouse: SmallWarehouse,
) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    _scan(warehouse, carton.carton_id, PLAIN)
    _scan(warehouse, carton.carton_id, PLAIN)
    expected = 70 + 2 * 200  # TINY's tare and two units
    with pytest.raises(WeightOutOfTolerance) as err:
        _close(warehouse, carton.carton_id, expected + 51, scan_id="c1")
    assert (err.value.expected_g, err.value.measured_g, err.value.tolerance_g) == (
        expected,
        expected + 51,
        50,
    )
    assert f"{expected} g" in str(err.value) and f"{expected + 51} g" in str(err.value)
    bad_pin = WeightOverride("OPSUPERVISOR", "0000", "Packing material added")
    refused = _approve(warehouse, bad_pin)
    assert isinstance(refused, LoginRefused) and "Wrong badge or PIN" in str(refused)
    not_a_supervisor = WeightOverride("OPPACKER", PIN, "Packing material added")
    with pytest.raises(PermissionDenied, match="needs a supervisor"):
        _approve(warehouse, not_a_supervisor)
    with pytest.raises(PermissionDenied, match="Only a supervisor"):  # an approval made up
        _close(
            warehouse,
            carton.carton_id,
            expected + 51,
            override=OverrideApproval(warehouse.operators["packer"], "Packing material added"),
        )
    ok = _approve(warehouse, WeightOverride("OPSUPERVISOR", PIN, "Packing material added"))
    assert isinstance(ok, OverrideApproval)
    closed = _close(warehouse, carton.carton_id, expected + 51, override=ok, scan_id="c1")
    assert closed.overridden and closed.measured_weight_g == expected + 51
    with session_scope(warehouse.engine) as s:
        row = s.get(PackedCarton, carton.carton_id)
        assert row.weight_override_reason == "Packing material added"
        assert row.weight_override_by == warehouse.operators["supervisor"]
        assert (row.weight_expected_g, row.weight_source) == (expected, "scale")


def test_within_tolerance_in_percent_or_grams(warehouse: SmallWarehouse) -> None:
    settings = SETTINGS
    assert settings.weight_ok(10_000, 10_450) and not settings.weight_ok(10_000, 10_501)
    assert settings.weight_ok(400, 449) and not settings.weight_ok(400, 451)
    assert settings.weight_ok(400, 2_000, complete=False)  # an item without weight: a minimum
    assert not settings.weight_ok(400, 300, complete=False)


def test_close_assigns_an_sscc_moves_the_stock_and_replays_by_scan_id(
    warehouse: SmallWarehouse,
) -> None:
    prepare_packing(warehouse)
    order_id = picked_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    for barcode in (PLAIN, PLAIN, LOT):
        _scan(warehouse, carton.carton_id, barcode)
    printer = _Printer()
    grams = 150 + 400 + 450 if carton.carton_type == "SMALL" else 70 + 400 + 450
    first = _close(warehouse, carton.carton_id, grams, printer=printer, scan_id="close-1")
    again = _close(warehouse, carton.carton_id, grams, printer=printer, scan_id="close-1")
    assert again == first and len(printer.paperwork) == 1
    sscc = first.sscc
    assert len(sscc) == 18 and is_valid_gs1_number(sscc) and sscc.startswith("30614141")
    assert first.order_packed and first.view is None
    assert order_status(warehouse, order_id) == "packed"
    with session_scope(warehouse.engine) as s:
        assert s.scalar(select(func.count()).select_from(PackedCarton)) == 1
        container = s.scalars(select(Container).where(Container.sscc == sscc)).one()
        assert (container.code, container.kind) == (sscc, "carton")
        tote = warehouse.containers["TOTE01"]
        in_tote = s.scalar(
            select(func.coalesce(func.sum(Balance.quantity), 0)).where(Balance.container_id == tote)
        )
        assert in_tote == 0
        assert ledger.balance_of(
            s,
            ledger.StockKey(
                warehouse.locations["PACK-01"], warehouse.items["PLAIN"], "", None, container.id
            ),
        ) == (2, 0)
        assert ledger.invariant_violations(s) == []
    paperwork = printer.paperwork[0]
    assert (paperwork.sscc, paperwork.order_number, paperwork.carton_no) == (sscc, "SO1", 1)
    assert [(line.sku, line.quantity) for line in paperwork.lines] == [("PLAIN", 2), ("LOT", 1)]


def test_the_same_close_twice_gives_one_carton_one_sscc_one_print_job_each(
    warehouse: SmallWarehouse,
) -> None:
    from floor.printing.carton_documents import CartonDocuments
    from floor.printing.settings import PrinterSettings

    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 1)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    _scan(warehouse, carton.carton_id, PLAIN)
    printer = CartonDocuments(PrinterSettings(kind="folder", format="zpl"))
    first = _close(warehouse, carton.carton_id, 270, printer=printer, scan_id="close-2")
    second = _close(warehouse, carton.carton_id, 270, printer=printer, scan_id="close-2")
    assert first == second and len(first.print_jobs) == 2
    with session_scope(warehouse.engine) as s:
        jobs = s.execute(select(PrintJob.template, PrintJob.status, PrintJob.station)).all()
        assert sorted(jobs) == [
            ("packing-slip", "waiting", "PACK01"),
            ("shipping", "waiting", "PACK01"),
        ]
        assert (
            s.scalar(select(func.count()).select_from(Container).where(Container.kind == "carton"))
            == 1
        )


def test_several_cartons_and_the_order_is_packed_with_the_last(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    order_id = picked_order(warehouse, "SO1", [("PLAIN", 3), ("SER", 1)], "TOTE01")
    view = _start(warehouse, "TOTE01")
    first = view.carton
    _scan(warehouse, first.carton_id, PLAIN)
    _scan(warehouse, first.carton_id, PLAIN)
    expected = packing_expected(warehouse, first.carton_id)
    closed = _close(warehouse, first.carton_id, expected, scan_id="k1")
    assert not closed.order_packed and closed.view is not None
    second = closed.view.carton
    assert second.carton_no == 2 and second.carton_id != first.carton_id
    assert order_status(warehouse, order_id) == "picked"
    assert [line.to_pack for line in closed.view.lines] == [1, 1]
    _scan(warehouse, second.carton_id, PLAIN)
    _scan(warehouse, second.carton_id, SER, serial="SN001")
    done = _close(warehouse, second.carton_id, packing_expected(warehouse, second.carton_id))
    assert done.order_packed and done.sscc != closed.sscc
    assert order_status(warehouse, order_id) == "packed"
    with session_scope(warehouse.engine) as s:
        assert ledger.invariant_violations(s) == []


def packing_expected(wh: SmallWarehouse, carton_id: int) -> int:
    with session_scope(wh.engine) as s:
        carton = s.get(PackedCarton, carton_id)
        return packing.expected_weight(s, carton)[0]


def test_short_lines_show_as_short(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    from floor.models import SalesOrderLine

    order_id = picked_order(warehouse, "SO1", [("PLAIN", 3)], "TOTE01")
    with session_scope(warehouse.engine) as s:
        line = s.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)).one()
        line.status = "short"
        line.quantity_picked = 2  # one unit was not found; two are in the tote
        ledger.adjust(s, warehouse.key("PACK-01", "PLAIN", container="TOTE01"), -1, reason="lost")
    view = _start(warehouse, "TOTE01")
    assert [(line.picked, line.to_pack, line.short) for line in view.lines] == [(2, 2, 1)]
    _scan(warehouse, view.carton.carton_id, PLAIN)
    _scan(warehouse, view.carton.carton_id, PLAIN)
    closed = _close(warehouse, view.carton.carton_id, 70 + 400)
    assert closed.order_packed


def test_one_carton_per_station_and_one_station_per_order(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 1)], "TOTE01")
    picked_order(warehouse, "SO2", [("PLAIN", 1)], "TOTE02")
    _start(warehouse, "TOTE01")
    with pytest.raises(Conflict, match="Carton 1 of order SO1 is open here"):
        _start(warehouse, "TOTE02")
    with pytest.raises(Conflict, match="being packed at station PACK01"):
        _start(warehouse, "TOTE01", actor=packer(warehouse, "PACK02"))
    again = _start(warehouse, "TOTE01")  # the same tote again: the same carton
    assert again.carton.carton_no == 1
    resumed = do(warehouse, lambda s: packing.current_pack(s, "PACK01"))
    assert resumed.order == "SO1" and resumed.carton.carton_no == 1
    assert do(warehouse, lambda s: packing.current_pack(s, "PACK02")) is None


def test_supervisor_reopens_and_unpacks_and_the_sscc_is_kept(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    order_id = picked_order(warehouse, "SO1", [("PLAIN", 2), ("SER", 1)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    for barcode, serial in ((PLAIN, None), (PLAIN, None), (SER, "SN003")):
        _scan(warehouse, carton.carton_id, barcode, serial=serial)
    closed = _close(warehouse, carton.carton_id, packing_expected(warehouse, carton.carton_id))
    assert closed.order_packed
    with pytest.raises(PermissionDenied):
        do(warehouse, lambda s: pack_close.reopen_carton(s, closed.sscc, actor=packer(warehouse)))
    boss = packer(warehouse, role="supervisor")
    view = do(warehouse, lambda s: pack_close.reopen_carton(s, closed.sscc, actor=boss))
    assert view.carton.status == "open" and view.carton.sscc == closed.sscc
    assert order_status(warehouse, order_id) == "picked"
    view = do(
        warehouse,
        lambda s: pack_close.unpack_carton(s, carton.carton_id, tote="TOTE01", actor=boss),
    )
    assert view.carton.units == 0 and [line.to_pack for line in view.lines] == [2, 1]
    with session_scope(warehouse.engine) as s:
        assert ledger.balance_of(s, warehouse.key("PACK-01", "PLAIN", container="TOTE01")) == (2, 0)
        serial = s.scalars(select(SerialNumber).where(SerialNumber.serial == "SN003")).one()
        assert serial.status == "in_stock"
        assert ledger.invariant_violations(s) == []
    # repack only the plain units; the serial goes in another carton
    _scan(warehouse, carton.carton_id, PLAIN, actor=boss)
    _scan(warehouse, carton.carton_id, PLAIN, actor=boss)
    again = _close(
        warehouse, carton.carton_id, packing_expected(warehouse, carton.carton_id), actor=boss
    )
    assert again.sscc == closed.sscc and not again.order_packed  # the SSCC is kept
    second = again.view.carton
    _scan(warehouse, second.carton_id, SER, serial="SN003", actor=boss)
    last = _close(
        warehouse, second.carton_id, packing_expected(warehouse, second.carton_id), actor=boss
    )
    assert last.order_packed and last.sscc != closed.sscc
    with session_scope(warehouse.engine) as s:
        assert ledger.invariant_violations(s) == []


def test_a_shipped_carton_cannot_be_reopened(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 1)], "TOTE01")
    carton = _start(warehouse, "TOTE01").carton
    _scan(warehouse, carton.carton_id, PLAIN)
    closed = _close(warehouse, carton.carton_id, 270)
    with session_scope(warehouse.engine) as s:
        s.get(PackedCarton, carton.carton_id).status = "shipped"  # type: ignore[union-attr]
    boss = packer(warehouse, role="supervisor")
    with pytest.raises(Conflict, match="has shipped"):
        do(warehouse, lambda s: pack_close.reopen_carton(s, closed.sscc, actor=boss))


def test_packing_after_real_picking(warehouse: SmallWarehouse) -> None:
    prepare_packing(warehouse)
    first = add_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)])
    second = add_order(warehouse, "SO2", [("PLAIN", 1)])
    pick_everything(warehouse, ("TOTE01", "TOTE02"))
    assert order_status(warehouse, first) == order_status(warehouse, second) == "picked"
    with session_scope(warehouse.engine) as s:
        tote_of = {
            row.code: row.id for row in s.scalars(select(Container).where(Container.kind == "tote"))
        }
    for number, order_id in (("SO1", first), ("SO2", second)):
        view = _start(warehouse, number, is_order=True)
        assert set(view.totes) <= set(tote_of)
        for line in view.lines:
            for _ in range(line.to_pack):
                _scan(
                    warehouse,
                    view.carton.carton_id,
                    gtin(list(warehouse.items).index(line.sku) + 1),
                )
        closed = _close(
            warehouse, view.carton.carton_id, packing_expected(warehouse, view.carton.carton_id)
        )
        assert closed.order_packed and order_status(warehouse, order_id) == "packed"
    with session_scope(warehouse.engine) as s:
        assert ledger.invariant_violations(s) == []
        assert s.scalar(select(func.count()).select_from(CartonType)) == 3


def test_views_after_a_scan_equal_the_view_read_again_and_on_a_replay(
    warehouse: SmallWarehouse,
) -> None:
    """Start and pack scan build the view from the order and carton the scan locked; the
    same scan replayed (nothing read) and the station's view read afresh must show the same."""
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01")
    station = packer(warehouse).station

    def fresh() -> packing.PackView | None:
        return do(warehouse, lambda s: packing.current_pack(s, station))

    view = _start(warehouse, "TOTE01", scan_id="s1")
    assert view == _start(warehouse, "TOTE01", scan_id="s1") == fresh()
    assert view.carton is not None and view.proposal and view.carton.units == 0
    out = _scan(warehouse, view.carton.carton_id, PLAIN, scan_id="u1")
    again = _scan(warehouse, view.carton.carton_id, PLAIN, scan_id="u1")
    assert out == again and out.view == fresh()
    assert out.view.carton is not None and out.view.carton.units == 1
    assert [(line.sku, line.in_carton) for line in out.view.lines] == [("PLAIN", 1), ("LOT", 0)]
