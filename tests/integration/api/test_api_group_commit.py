"""POST /orders sent by several clients at once is written in groups (group commit, issue 17):
`intake_group.add_orders` writes the orders of one group in one transaction, each answered what it
would have been answered alone; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from floor.api import intake, intake_group, keys
from floor.db import session_scope, transaction
from floor.driver_sql import DriverStatement
from floor.imports.problems import ImportRejected
from floor.models import AuditEntry, SalesOrder, SalesOrderLine
from tests.integration.api.conftest import Api
from tests.support import SmallWarehouse

ORDER = {
    "channel": "webshop",
    "carrier": "UPS",
    "ship_to": {"name": "Ana Anić", "city": "Beograd", "postcode": "11000", "country": "RS"},
    "lines": [{"sku": "PLAIN", "quantity": 2}, {"sku": "LOT", "quantity": 1}],
}


def _order(n: int | str, **change: Any) -> dict[str, Any]:
    return {**ORDER, "number": f"SO-G-{n}", "external_ref": f"g-{n}", **change}


def _key(wh: SmallWarehouse) -> keys.KeyInfo:
    return transaction(wh.engine, lambda s: keys.create_key(s, "write", "erp"))[1]


def _count(wh: SmallWarehouse, model: Any, *where: Any) -> int:
    with session_scope(wh.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _answers(answers: list[intake.Accepted | Exception]) -> list[Any]:
    """Each answer as the route tells it: (number, created), or the problems' fields."""
    told: list[Any] = []
    for answer in answers:
        if isinstance(answer, ImportRejected):
            told.append([(p.column, p.expected) for p in answer.problems])
        elif isinstance(answer, Exception):
            told.append(type(answer).__name__)
        else:
            told.append((answer.number, answer.created))
    return told


def _group(wh: SmallWarehouse, key: keys.KeyInfo) -> list[intake.OrderIn]:
    """Two new orders, one refused (an unknown SKU), the first sent again, another order
    under the first one's number, one already there, one in an unknown warehouse."""
    bodies = [
        _order(1),
        _order(2, lines=[{"sku": "PLAIN", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]),
        _order(3),
        _order(1),
        _order(4, number="SO-G-1"),
        _order("old"),
        _order(5, warehouse="NOWHERE"),
    ]
    return [intake.parse_order(body, key, "TST") for body in bodies]


def test_a_group_is_answered_order_by_order_as_one_transaction_each_would_be(
    warehouse: SmallWarehouse,
) -> None:
    key = _key(warehouse)
    intake.add_order(warehouse.engine, intake.parse_order(_order("old"), key, "TST"))
    answers = _answers(intake_group.add_orders(warehouse.engine, _group(warehouse, key)))

    # the same orders again, one transaction each, on a fresh number range: the same answers
    assert answers[0] == ("SO-G-1", True)
    assert answers[1] == [("lines[1].sku", "the SKU of an item")]
    assert answers[2] == ("SO-G-3", True)
    assert answers[3] == ("SO-G-1", False)  # sent twice in the group: created once
    assert answers[4] == [("", "an order number not in use (it is webshop order g-1)")]
    assert answers[5] == ("SO-G-old", False)
    assert answers[6] == "NotFound"
    assert _count(warehouse, SalesOrder) == 3
    assert _count(warehouse, SalesOrderLine) == 6
    audited = _count(warehouse, AuditEntry, AuditEntry.action == "api.order")
    assert audited == 3  # old, 1, 3: one entry an order created, none for the others


def test_a_group_answers_what_orders_written_one_at_a_time_answer(
    warehouse: SmallWarehouse,
) -> None:
    """The group's answers, against those of the same orders each in a transaction of its
    own (intake.add_order): the same answers, the same rows stored."""
    key = _key(warehouse)
    intake.add_order(warehouse.engine, intake.parse_order(_order("old"), key, "TST"))
    grouped = _answers(intake_group.add_orders(warehouse.engine, _group(warehouse, key)))
    with session_scope(warehouse.engine) as s:
        s.query(AuditEntry).delete()
        s.query(SalesOrderLine).delete()
        s.query(SalesOrder).delete()
    intake.add_order(warehouse.engine, intake.parse_order(_order("old"), key, "TST"))
    alone = []
    for order in _group(warehouse, key):
        try:
            alone.append(intake.add_order(warehouse.engine, order))
        except Exception as refused:
            alone.append(refused)
    assert _answers(alone) == grouped


def test_a_group_sends_each_statement_once(warehouse: SmallWarehouse) -> None:
    """Eight orders in one group, where eight transactions of `add_order` send six
    statements each (48). On PostgreSQL two statements, each one `execute` on the driver:
    one read (warehouses, SKUs, the orders there, ids for the addresses and orders to add)
    and one write (every INSERT), and the same two for a group of one order; elsewhere
    three reads and four INSERTs."""
    key = _key(warehouse)
    group = [intake.parse_order(_order(n), key, "TST") for n in range(8)]
    if warehouse.engine.dialect.name == "postgresql":
        sent = _sent_to_postgresql(warehouse, group)
        assert [statement.split(None, 1)[0] for statement, _rows in sent] == ["SELECT", "WITH"]
        assert all(rows == 1 for _statement, rows in sent), sent  # no executemany
        one = [intake.parse_order(_order("one"), key, "TST")]
        sent = _sent_to_postgresql(warehouse, one)  # a group of one too, not `add_order`
        assert [statement.split(None, 1)[0] for statement, _rows in sent] == ["SELECT", "WITH"]
    else:
        sent = _sent_elsewhere(warehouse, group)
        writes = [s for s in sent if s.lstrip().upper().startswith(("SELECT", "INSERT"))]
        assert len(writes) == 7, writes
    stored = _count(warehouse, SalesOrder)
    assert stored == _count(warehouse, AuditEntry, AuditEntry.action == "api.order")
    assert _count(warehouse, SalesOrderLine) == 2 * stored


def _sent_to_postgresql(wh: SmallWarehouse, group: list[intake.OrderIn]) -> list[tuple[str, int]]:
    """The statements psycopg sent while `group` was written, each with how many times
    (an executemany sends its statement once a row)."""
    import psycopg

    sent: list[tuple[str, int]] = []
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counted(cursor: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        sent.append((str(query).lstrip(), 1))
        return execute(cursor, query, params, **kwargs)

    def counted_many(cursor: Any, query: Any, rows: Any, **kwargs: Any) -> Any:
        rows = list(rows)
        sent.append((str(query).lstrip(), len(rows)))
        return executemany(cursor, query, rows, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counted)
        patch.setattr(psycopg.Cursor, "executemany", counted_many)
        answers = intake_group.add_orders(wh.engine, group)
    assert all(isinstance(a, intake.Accepted) and a.created for a in answers)
    return sent


def _sent_elsewhere(wh: SmallWarehouse, group: list[intake.OrderIn]) -> list[str]:
    """The statements SQLAlchemy and DriverStatement ran while `group` was written."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    originals = {
        name: getattr(DriverStatement, name)
        for name in ("execute", "execute_many", "execute_many_returning")
    }

    def counted(name: str) -> Any:
        def call(self: DriverStatement, *args: Any, **kwargs: Any) -> Any:
            sent.append(str(self.statement))
            return originals[name](self, *args, **kwargs)

        return call

    event.listen(wh.engine, "before_cursor_execute", count)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in originals:
                patch.setattr(DriverStatement, name, counted(name))
            answers = intake_group.add_orders(wh.engine, group)
    finally:
        event.remove(wh.engine, "before_cursor_execute", count)
    assert all(isinstance(a, intake.Accepted) and a.created for a in answers)
    return sent


# orders with every field the JSON body gives, with and without an address, of one line or more
STORED = [
    {
        **ORDER,
        "service": "Express",
        "priority": 2,
        "ship_by": "2026-12-24",
        "notes": "gate 3",
        "lines": [
            {"sku": "PLAIN", "quantity": 2},
            {"sku": "LOT", "quantity": 1},
            {"sku": "PLAIN", "quantity": 4},
        ],
    },
    {**ORDER, "ship_to": {"name": "Bo", "company": "Bo d.o.o.", "line1": "Ulica 1"}},
    {**ORDER, "ship_to": None},
    {**ORDER, "carrier": None, "lines": [{"sku": "PLAIN", "quantity": 7}]},
]


def _rows(wh: SmallWarehouse) -> dict[str, list[dict[str, Any]]]:
    """Every row of the orders, their addresses, lines and audit entries, every column but
    the ids (an order's address, a line's order and an entry's time as what they point to,
    or whether it was set); `details` as the text stored."""
    from sqlalchemy import Text, cast

    from floor.models import Address

    def plain(row: Any, *leave: str) -> dict[str, Any]:
        return {
            c.name: getattr(row, c.key)
            for c in row.__table__.columns
            if not c.primary_key and c.name not in leave
        }

    with session_scope(wh.engine) as s:
        orders = s.scalars(select(SalesOrder).order_by(SalesOrder.number)).all()
        stored = {
            "orders": [
                plain(o, "ship_to_id", "created_at") | {"created_at": o.created_at is not None}
                for o in orders
            ],
            "addresses": [
                plain(s.get(Address, o.ship_to_id)) if o.ship_to_id else None for o in orders
            ],
            "lines": [
                plain(line, "order_id") | {"order": o.number} for o in orders for line in o.lines
            ],
            "audit": [
                plain(e, "created_at") | {"text": text, "created_at": e.created_at is not None}
                for e, text in s.execute(
                    select(AuditEntry, cast(AuditEntry.details, Text).label("stored"))
                    .where(AuditEntry.action == "api.order")
                    .order_by(AuditEntry.subject)
                )
            ],
        }
        s.query(AuditEntry).where(AuditEntry.action == "api.order").delete()
        s.query(SalesOrderLine).delete()
        s.query(SalesOrder).delete()
        s.query(Address).where(Address.id.in_([o.ship_to_id for o in orders])).delete()
    return stored


def test_a_group_stores_what_the_importer_and_one_order_alone_store(
    warehouse: SmallWarehouse,
) -> None:
    """Orders written as a group (on PostgreSQL by one statement, the rows sent as JSON) are stored
    column for column as `floor import orders` stores the same records, and their audit
    entries as `add_order` writes them, each order in a transaction of its own."""
    from floor.imports import orders
    from floor.imports.problems import Problems
    from floor.stock.stock_report import find_warehouse

    key = _key(warehouse)
    bodies = [_order(n, **body) for n, body in enumerate(STORED)]
    group = [intake.parse_order(body, key, "TST") for body in bodies]
    answers = intake_group.add_orders(warehouse.engine, group)
    assert _answers(answers) == [(f"SO-G-{n}", True) for n in range(len(STORED))]
    grouped = _rows(warehouse)
    assert len(grouped["lines"]) == 8 and sum(a is not None for a in grouped["addresses"]) == 3

    def imported(s: Any) -> None:
        found = Problems()
        records = [order.record for order in group]
        orders.apply(s, "f", find_warehouse(s, "TST"), "webshop", records, found)
        assert not found

    transaction(warehouse.engine, imported)
    by_importer = _rows(warehouse)
    for name in ("orders", "addresses", "lines"):
        assert grouped[name] == by_importer[name], name
    for order in group:
        intake.add_order(warehouse.engine, order)
    assert grouped == _rows(warehouse)


def test_a_group_whose_transaction_fails_is_written_one_order_at_a_time(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared transaction fails (here: made to; in production a unique constraint met
    because another process added one of the orders meanwhile, a deadlock, a value its
    column refuses): rolled back whole, each order is written again alone."""
    key = _key(warehouse)
    group = [intake.parse_order(_order(n), key, "TST") for n in range(3)]
    group.append(intake.parse_order(_order(0), key, "TST"))

    def fail(*_args: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("made to fail"))

    monkeypatch.setattr(intake_group, "_insert_group", fail)
    answers = _answers(intake_group.add_orders(warehouse.engine, group))
    assert answers == [("SO-G-0", True), ("SO-G-1", True), ("SO-G-2", True), ("SO-G-0", False)]
    assert _count(warehouse, SalesOrder) == 3
    assert _count(warehouse, AuditEntry, AuditEntry.action == "api.order") == 3


def test_a_group_whose_insert_meets_an_order_added_meanwhile_is_written_one_at_a_time(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process added one of the group's orders after the group's read (here: the
    read made not to see it): the group's INSERT meets the unique constraint, the driver's
    error arrives as SQLAlchemy's, and each order is written again alone (a group of one
    too): the one there answered as there, the others created, nothing twice."""
    key = _key(warehouse)
    intake.add_order(warehouse.engine, intake.parse_order(_order(1), key, "TST"))
    read_group = intake_group._read_group

    def blind(*args: Any) -> Any:
        found = read_group(*args)
        found.orders.clear()
        return found

    add_group, add_order = intake_group._add_group, intake_group.add_order
    raised: list[Exception] = []
    alone: list[str] = []

    def watched(*args: Any) -> Any:
        try:
            return add_group(*args)
        except Exception as error:
            raised.append(error)
            raise

    def written_alone(engine: Any, order: intake.OrderIn) -> intake.Accepted:
        alone.append(order.record.number)
        return add_order(engine, order)

    monkeypatch.setattr(intake_group, "_read_group", blind)
    monkeypatch.setattr(intake_group, "_add_group", watched)
    monkeypatch.setattr(intake_group, "add_order", written_alone)
    group = [intake.parse_order(_order(n), key, "TST") for n in (0, 1, 2)]
    answers = _answers(intake_group.add_orders(warehouse.engine, group))
    assert answers == [("SO-G-0", True), ("SO-G-1", False), ("SO-G-2", True)]
    assert alone == ["SO-G-0", "SO-G-1", "SO-G-2"]
    assert [type(error) for error in raised] == [IntegrityError]
    one = _answers(intake_group.add_orders(warehouse.engine, group[1:2]))
    assert one == [("SO-G-1", False)]
    assert _count(warehouse, SalesOrder) == 3
    assert _count(warehouse, AuditEntry, AuditEntry.action == "api.order") == 3


def test_orders_posted_at_once_are_created_audited_and_refused_each_alone(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixteen clients at once over HTTP (their requests grouped by the server): each new
    order created and audited, the bad one refused alone with its problems, the order every
    client also sends created once (201 once, 200 for the others), and sent again 200."""
    sizes: list[int] = []
    add_orders = intake_group.add_orders

    def grouped(engine: Any, group: Any) -> Any:
        sizes.append(len(group))
        return add_orders(engine, group)

    monkeypatch.setattr(intake_group, "add_orders", grouped)
    answers: dict[str, list[tuple[int, Any]]] = {}
    lock = threading.Lock()
    start = threading.Barrier(16)

    def client(n: int) -> None:
        mine: list[tuple[str, tuple[int, Any]]] = []
        start.wait(30)
        for body in (
            _order(f"{n}-a"),
            _order("same"),
            _order(f"{n}-b") if n != 5 else _order("bad", lines=[{"sku": "NOPE", "quantity": 1}]),
        ):
            answer = api.post("/orders", body)
            mine.append((body["number"], (answer.status_code, answer.json())))
        with lock:
            for number, told in mine:
                answers.setdefault(number, []).append(told)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    same = answers.pop("SO-G-same")
    assert sorted(code for code, _body in same) == [200] * 15 + [201]
    assert all(body == {"number": "SO-G-same", "created": code == 201} for code, body in same)
    ((code, bad),) = answers.pop("SO-G-bad")
    assert code == 422 and bad["error"] == "invalid"
    assert [p["field"] for p in bad["problems"]] == ["lines[0].sku"]
    assert len(answers) == 31
    assert all(told == [(201, {"number": n, "created": True})] for n, told in answers.items())
    assert _count(api.wh, SalesOrder) == 32
    assert _count(api.wh, AuditEntry, AuditEntry.action == "api.order") == 32
    assert sum(sizes) == 48 and max(sizes) > 1, sizes  # requests were written together
    again = api.post("/orders", _order("3-a"))
    assert again.status_code == 200 and again.json() == {"number": "SO-G-3-a", "created": False}
    assert _count(api.wh, SalesOrder) == 32


FASTAPIS = "application/json; charset=utf-8"  # not read by POST /orders itself: FastAPI's


@pytest.mark.parametrize(
    ("content", "content_type", "key"),
    [
        (b'{"number": ', "application/json", "write"),  # not JSON: before the key
        (b'{"number": ', "application/json", None),
        (b"[1, 2]", "application/json", "write"),  # not an object
        (b"[1, 2]", "application/json", None),
        (b"", "application/json", "write"),  # no body
        (b'"text"', "application/json", "read"),
        (b"{}", "text/plain", "write"),  # not sent as JSON
        (b"{}", None, "write"),  # no content type: not read as JSON (FastAPI's strict default)
        (b"{}", "application/json", "write"),  # the service's problems
        (b"{}", "application/json", None),  # the key checked as the dependency checks it
        (b"{}", "application/json", "read"),
        (b"{}", "application/json", "wrong"),
        (
            b'{"number": "SO-1", "external_ref": "x", "lines": [{"sku": "PLAIN", "quantity": 1}]}',
            "application/json",
            "write",
        ),
    ],
)
def test_post_orders_answers_any_body_as_fastapi_does(
    api: Api, content: bytes, content_type: str | None, key: str | None
) -> None:
    """POST /orders reads a JSON object sent as application/json itself and leaves anything
    else to FastAPI: every body is answered as FastAPI's own handling answers it (for a JSON
    object, POST /orders sent with a content type it leaves to FastAPI; else POST
    /orders/batch, whose key check and body type are the same)."""
    headers = {"Content-Type": content_type} if content_type else {}
    if key is not None:
        token = {"write": api.write_key, "read": api.read_key}.get(key, "floor_wrong")
        headers["Authorization"] = f"Bearer {token}"
    one = api.client.post("/api/v1/orders", content=content, headers=headers)
    if content.startswith(b"{") and (content_type or "").startswith("application/json"):
        with session_scope(api.wh.engine) as s:  # the same order may be created again
            s.query(AuditEntry).where(AuditEntry.action == "api.order").delete()
            s.query(SalesOrderLine).delete()
            s.query(SalesOrder).delete()
        again = {**headers, "Content-Type": FASTAPIS}
        reference = api.client.post("/api/v1/orders", content=content, headers=again)
    else:
        reference = api.client.post("/api/v1/orders/batch", content=content, headers=headers)
    assert (one.status_code, one.json()) == (reference.status_code, reference.json())
