"""Carts, totes, pallets and cartons labelled before use, and the carton types packers choose.

Creating containers: `create_containers` makes `count` new containers of one kind, each
code the kind's scan prefix from the site scan language and a zero-padded number after the
highest number already used with that prefix (`CART0005`, `TOTE0025`, `LPN0000042`,
`CTN000007`). A pallet is a licence plate: it takes the LPN prefix, numbered with the LPNs
receiving makes. A cart's code starts with the cart prefix, so its label scans as a cart
and `floor.outbound.picking.claim_cart` takes it. Two admins creating at once get distinct
codes: on PostgreSQL a transaction-scoped advisory lock per prefix makes the second wait
for the first to commit before it numbers (SQLite's BEGIN IMMEDIATE already lets one
writer at a time in); the unique code is the backstop, and `floor.db.transaction` retries
a unique violation from anyone numbering without the lock.

Listing: `list_containers` by kind; `empty` ones hold no stock and no other container.

Carton types (`CartonType`): inner size in mm, the most a packed carton may weigh (carton
and contents) and the carton's own weight in g, and the barcode a packer scans to choose
it. Found by code or by barcode; a GTIN barcode matches in any of its stored forms.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from sqlalchemy import Numeric, and_, case, cast, exists, func, select
from sqlalchemy.orm import Session, aliased

from floor.errors import InvalidInput, NotFound
from floor.i18n import _
from floor.models import Balance, CartonType, Container, ContainerKind, Location, Role
from floor.operators import require_role
from floor.scanning.language import DEFAULT_LANGUAGE, ScanLanguage
from floor.stock.catalog import barcode_forms
from floor.stock.ledger import SYSTEM, Actor

CREATABLE_KINDS: tuple[str, ...] = (
    ContainerKind.CART.value,
    ContainerKind.TOTE.value,
    ContainerKind.PALLET.value,
    ContainerKind.CARTON.value,
)
DIGITS: dict[str, int] = {
    ContainerKind.CART.value: 4,
    ContainerKind.TOTE.value: 4,
    ContainerKind.CARTON.value: 6,
    ContainerKind.PALLET.value: 7,  # as receiving's LPNs
}
MAX_COUNT = 500
CREATE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)


def container_kind_label(kind: str) -> str:
    """A container kind in operator words (a table cell, a label's heading)."""
    labels: dict[str, str] = {
        # i18n: a kind of container: a trolley a picker pushes, holding one tote per order
        ContainerKind.CART: _("cart"),
        # i18n: a kind of container: a plastic crate picked into
        ContainerKind.TOTE: _("tote"),
        # i18n: a kind of container
        ContainerKind.PALLET: _("pallet"),
        # i18n: a kind of container: a supplier's case of several units
        ContainerKind.CASE: _("case"),
        # i18n: a kind of container: a shipping box packed for a customer
        ContainerKind.CARTON: _("carton"),
    }
    return labels.get(kind, kind)


def container_prefix(kind: str, language: ScanLanguage = DEFAULT_LANGUAGE) -> str:
    """The scan prefix of the codes of `kind` in the site scan language."""
    prefixes = {
        ContainerKind.CART.value: language.cart_prefix,
        ContainerKind.TOTE.value: language.tote_prefix,
        ContainerKind.PALLET.value: language.lpn_prefix,
        ContainerKind.CARTON.value: language.carton_prefix,
    }
    if kind not in prefixes:
        raise InvalidInput(
            _("{kind} is not a kind of container floor numbers", kind=kind),
            expected=", ".join(CREATABLE_KINDS),
        )
    return prefixes[kind]


# --- creating --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedContainers:
    kind: str
    codes: tuple[str, ...]


def _lock_prefix(session: Session, prefix: str) -> None:
    """On PostgreSQL, wait for anyone else numbering `prefix` to commit."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"floor.containers:{prefix}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def highest_number(session: Session, prefix: str) -> int:
    """The highest number used after `prefix` in a container code (0 when none). On
    PostgreSQL the database finds it (one aggregate; the numbering lock is held only that
    long, however many totes and cartons the site has made); elsewhere every code of the
    prefix is read."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    of_prefix = Container.code.like(f"{escaped}%", escape="\\")
    if session.get_bind().dialect.name == "postgresql":
        rest = func.substr(Container.code, len(prefix) + 1)
        number = case((rest.regexp_match("^[0-9]+$"), cast(rest, Numeric)), else_=None)
        return int(session.scalar(select(func.max(number)).where(of_prefix)) or 0)
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)")
    codes = session.scalars(select(Container.code).where(of_prefix))
    return max((int(m.group(1)) for code in codes if (m := pattern.fullmatch(code))), default=0)


def create_containers(
    session: Session,
    kind: str,
    count: int,
    *,
    language: ScanLanguage = DEFAULT_LANGUAGE,
    actor: Actor = SYSTEM,
) -> CreatedContainers:
    """`count` new containers of `kind`, numbered after the highest code of their prefix."""
    require_role(session, actor.operator_id, *CREATE_ROLES)
    prefix = container_prefix(kind, language)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InvalidInput(
            _(
                "How many containers: expected a whole number from 1 to {max}, got {count}",
                max=MAX_COUNT,
                count=count,
            ),
            expected=_("1 to {max}", max=MAX_COUNT),
        )
    _lock_prefix(session, prefix)
    first = highest_number(session, prefix) + 1
    codes = tuple(f"{prefix}{n:0{DIGITS[kind]}d}" for n in range(first, first + count))
    too_long = next((code for code in codes if len(code) > 40), None)
    if too_long is not None:
        raise InvalidInput(
            _("{code} is longer than a container code may be (40 characters)", code=too_long),
            expected=_("a shorter scan prefix"),
        )
    session.add_all(Container(code=code, kind=kind) for code in codes)
    session.flush()
    return CreatedContainers(kind, codes)


# --- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContainerRow:
    code: str
    kind: str
    location: str  # "" when nowhere yet
    units: int  # on hand in it
    children: int  # containers inside it
    status: str


def list_containers(
    session: Session, *, kind: str | None = None, empty: bool = False
) -> list[ContainerRow]:
    """Containers by kind and code; `empty`: only those holding no stock and no container."""
    if kind is not None and kind not in {k.value for k in ContainerKind}:
        raise InvalidInput(
            _("{kind} is not a kind of container", kind=kind),
            expected=", ".join(k.value for k in ContainerKind),
        )
    child = aliased(Container)
    units = (
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .where(Balance.container_id == Container.id)
        .scalar_subquery()
    )
    children = (
        select(func.count()).select_from(child).where(child.parent_id == Container.id)
    ).scalar_subquery()
    query = (
        select(
            Container.code,
            Container.kind,
            Location.code,
            units,
            children,
            Container.status,
        )
        .outerjoin(Location, Location.id == Container.location_id)
        .order_by(Container.kind, Container.code)
    )
    if kind is not None:
        query = query.where(Container.kind == kind)
    if empty:
        holding = exists().where(and_(Balance.container_id == Container.id, Balance.quantity > 0))
        inside = exists().where(child.parent_id == Container.id)
        query = query.where(~holding, ~inside)
    return [
        ContainerRow(code, kind_, location or "", int(held or 0), int(nested or 0), status)
        for code, kind_, location, held, nested, status in session.execute(query)
    ]


# --- carton types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CartonTypeView:
    code: str
    description: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int  # carton and contents
    tare_weight_g: int  # the empty carton
    barcode: str

    @property
    def inner_volume_l(self) -> float:
        return self.length_mm * self.width_mm * self.height_mm / 1_000_000

    @property
    def max_contents_g(self) -> int:
        return self.max_weight_g - self.tare_weight_g


def _view(row: CartonType) -> CartonTypeView:
    return CartonTypeView(
        row.code,
        row.description,
        row.length_mm,
        row.width_mm,
        row.height_mm,
        row.max_weight_g,
        row.tare_weight_g,
        row.barcode,
    )


def carton_types(session: Session) -> list[CartonTypeView]:
    """Every carton type, smallest inner volume first."""
    rows = session.scalars(select(CartonType).order_by(CartonType.code))
    return sorted((_view(r) for r in rows), key=lambda v: (v.inner_volume_l, v.code))


def carton_type_by_code(session: Session, code: str) -> CartonTypeView | None:
    row = session.scalars(select(CartonType).where(CartonType.code == code.strip())).one_or_none()
    return _view(row) if row is not None else None


def carton_type_by_barcode(session: Session, barcode: str) -> CartonTypeView | None:
    """The carton type whose barcode this is (a GTIN in any of its forms), or None."""
    row = session.scalars(
        select(CartonType).where(CartonType.barcode.in_(barcode_forms(barcode))).limit(1)
    ).first()
    return _view(row) if row is not None else None


def find_carton_type(session: Session, scanned: str) -> CartonTypeView:
    """The carton type scanned (its barcode) or typed (its code); NotFound naming both."""
    found = carton_type_by_barcode(session, scanned) or carton_type_by_code(session, scanned)
    if found is None:
        raise NotFound(
            _("{code} is not a carton type", code=scanned.strip()),
            expected=_("a carton type barcode or code"),
        )
    return found


__all__ = [
    "CREATABLE_KINDS",
    "CartonTypeView",
    "ContainerRow",
    "CreatedContainers",
    "carton_type_by_barcode",
    "carton_type_by_code",
    "carton_types",
    "container_kind_label",
    "container_prefix",
    "create_containers",
    "find_carton_type",
    "highest_number",
    "list_containers",
]
