"""Containers: numbered creation per kind, listing by kind and emptiness, a created cart picks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.errors import InvalidInput, PermissionDenied
from floor.models import Container
from floor.outbound import carts, picking
from floor.outbound.containers import (
    container_prefix,
    create_containers,
    highest_number,
    list_containers,
)
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.scanning import ScanKind, ScanLanguage, parse_scan
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_sales_order, add_stock, run_at_once


def _create(wh: SmallWarehouse, kind: str, count: int, **kwargs: object) -> tuple[str, ...]:
    return transaction(wh.engine, lambda s: create_containers(s, kind, count, **kwargs)).codes


def test_each_kind_is_numbered_after_the_highest_code_of_its_prefix(
    warehouse: SmallWarehouse,
) -> None:
    assert _create(warehouse, "cart", 3) == ("CART0001", "CART0002", "CART0003")
    assert _create(warehouse, "cart", 2) == ("CART0004", "CART0005")
    # the small warehouse has TOTE01, TOTE02 and LPN0001; codes that are no number are skipped
    with session_scope(warehouse.engine) as s:
        s.add(Container(code="TOTE-SPARE", kind="tote"))
        s.add(Container(code="tote0099", kind="tote"))  # another prefix (case matters)
    assert _create(warehouse, "tote", 2) == ("TOTE0003", "TOTE0004")
    assert _create(warehouse, "pallet", 1) == ("LPN0000002",)
    assert _create(warehouse, "carton", 1) == ("CTN000001",)
    with session_scope(warehouse.engine) as s:
        s.add(Container(code="CART0120", kind="cart"))
    assert _create(warehouse, "cart", 1) == ("CART0121",)
    with session_scope(warehouse.engine) as s:
        kinds = dict(s.execute(select(Container.code, Container.kind)).all())
        assert kinds["CART0121"] == "cart" and kinds["LPN0000002"] == "pallet"
        assert highest_number(s, "TOTE") == 4 and highest_number(s, "NOPE") == 0


def test_prefixes_come_from_the_site_scan_language(warehouse: SmallWarehouse) -> None:
    language = ScanLanguage.from_section({"cart_prefix": "TRL", "tote_prefix": "BAC"})
    assert container_prefix("cart", language) == "TRL"
    assert _create(warehouse, "cart", 1, language=language) == ("TRL0001",)
    assert _create(warehouse, "tote", 1, language=language) == ("BAC0001",)
    assert parse_scan("TRL0001", language).kind is ScanKind.CART


def test_bad_kind_count_and_role_are_refused_naming_what_was_expected(
    warehouse: SmallWarehouse,
) -> None:
    with pytest.raises(InvalidInput) as err:
        _create(warehouse, "case", 1)
    assert err.value.expected == "cart, tote, pallet, carton"
    for count in (0, -1, 501):
        with pytest.raises(InvalidInput, match="from 1 to 500") as err:
            _create(warehouse, "tote", count)
        assert err.value.expected == "1 to 500"
    picker = Actor(warehouse.operators["picker"], "ST01")
    with pytest.raises(PermissionDenied, match="supervisor / admin"):
        _create(warehouse, "cart", 1, actor=picker)
    boss = Actor(warehouse.operators["supervisor"], "ST01")
    assert _create(warehouse, "cart", 1, actor=boss) == ("CART0001",)
    with session_scope(warehouse.engine) as s:
        assert s.scalar(select(Container.code).where(Container.kind == "cart")) == "CART0001"


def test_list_by_kind_and_only_the_empty_ones(warehouse: SmallWarehouse) -> None:
    _create(warehouse, "tote", 2)  # TOTE0003, TOTE0004
    _create(warehouse, "pallet", 1)  # LPN0000002
    add_stock(warehouse, "PACK-01", "PLAIN", 5, container="TOTE01")
    with session_scope(warehouse.engine) as s:
        pallet = s.scalars(select(Container).where(Container.code == "LPN0000002")).one()
        tote = s.scalars(select(Container).where(Container.code == "TOTE0004")).one()
        tote.parent_id = pallet.id

    def rows(**kwargs: object) -> list[tuple[str, str, str, int, int]]:
        found = transaction(warehouse.engine, lambda s: list_containers(s, **kwargs))
        return [(r.code, r.kind, r.location, r.units, r.children) for r in found]

    assert rows(kind="tote") == [
        ("TOTE0003", "tote", "", 0, 0),
        ("TOTE0004", "tote", "", 0, 0),
        ("TOTE01", "tote", "", 5, 0),
        ("TOTE02", "tote", "", 0, 0),
    ]
    assert [r[0] for r in rows(kind="tote", empty=True)] == ["TOTE0003", "TOTE0004", "TOTE02"]
    assert [r[0] for r in rows(kind="pallet")] == ["LPN0000002", "LPN0001"]
    assert [r[0] for r in rows(kind="pallet", empty=True)] == ["LPN0001"]  # holds TOTE0004
    assert rows(kind="pallet")[0][4] == 1
    assert len(rows()) == 6 and rows(kind="cart") == []
    with pytest.raises(InvalidInput):
        rows(kind="crate")


def test_a_created_cart_and_totes_claim_and_pick_a_wave(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    add_sales_order(wh, "SO2", [("PLAIN", 3)])
    (cart,) = _create(wh, "cart", 1)
    totes = _create(wh, "tote", 2)
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=4)
    scanned = parse_scan(cart)
    assert (scanned.kind, scanned.code) == (ScanKind.CART, "CART0001")
    me = wh.operators["picker"]
    view = transaction(
        wh.engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, scanned.code, list(totes))
    )
    assert view.cart == "CART0001" and {s.tote for s in view.slots} == set(totes)
    pick = transaction(wh.engine, lambda s: picking.next_pick(s, me))
    assert pick is not None and pick.tote in totes


@pytest.mark.postgres
def test_admins_creating_at_once_get_distinct_consecutive_codes_without_retrying(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    made: list[tuple[str, ...]] = []

    def create(_n: int) -> None:
        # one attempt: the lock, not floor.db.transaction's retry, keeps the codes apart
        made.append(
            transaction(wh.engine, lambda s: create_containers(s, "tote", 10), attempts=1).codes
        )

    assert run_at_once(6, create, timeout=60) == []
    codes = [code for batch in made for code in batch]
    assert len(codes) == len(set(codes)) == 60
    assert sorted(codes) == [f"TOTE{n:04d}" for n in range(3, 63)]
    for batch in made:  # each admin's totes are one run of numbers
        numbers = [int(code[4:]) for code in batch]
        assert numbers == list(range(numbers[0], numbers[0] + 10))
