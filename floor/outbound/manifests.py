"""Carrier manifests: the end-of-day close-out of the cartons handed to one carrier.

A manifest opens by itself with a carrier's first carton of the day (floor.outbound.shipping)
and collects every carton shipped with that carrier until it is closed. `close_manifest`
closes the carrier's open manifest (the driver signs it and leaves); the next carton for
that carrier opens a new one. `manifest_report` is the manifest as plain data, for its PDF
and CSV (floor/printing/manifests.py): one row per carton with order, SSCC, tracking
number, service, ship-to, units, weight and dimensions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import (
    Address,
    CartonType,
    Manifest,
    ManifestStatus,
    PackedCarton,
    PackedCartonLine,
    Role,
    SalesOrder,
    Warehouse,
    utcnow,
)
from floor.operators import require_role
from floor.outbound.shipping import SHIP_ROLES, normalise_carrier, open_manifest
from floor.stock.ledger import Actor

CLOSE_ROLES = (*SHIP_ROLES, Role.ADMIN.value)


@dataclass(frozen=True)
class ManifestCarton:
    order: str
    sscc: str
    tracking_number: str
    service: str
    ship_to_name: str
    ship_to_postcode: str
    ship_to_city: str
    ship_to_country: str
    units: int
    weight_g: int | None
    carton_type: str
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    shipped_at: dt.datetime | None


@dataclass(frozen=True)
class ManifestReport:
    id: int
    carrier: str
    status: str
    warehouse_code: str
    warehouse_name: str
    ship_from: tuple[str, ...]  # address lines, name first
    created_at: dt.datetime
    closed_at: dt.datetime | None
    cartons: tuple[ManifestCarton, ...]

    @property
    def number(self) -> str:
        """The manifest's number as printed and barcoded: carrier and id."""
        return f"{self.carrier}-{self.id:06d}"

    @property
    def units(self) -> int:
        return sum(c.units for c in self.cartons)

    @property
    def weight_g(self) -> int:
        return sum(c.weight_g or 0 for c in self.cartons)


@dataclass(frozen=True)
class ManifestSummary:
    id: int
    carrier: str
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    cartons: int


def _address_lines(address: Address | None, fallback: str) -> tuple[str, ...]:
    if address is None:
        return (fallback,)
    place = " ".join(p for p in (address.postcode, address.city) if p)
    parts = [
        address.name or fallback,
        address.company,
        address.line1,
        address.line2,
        place,
        address.country,
    ]
    return tuple(p for p in parts if p)


def manifest_report(session: Session, manifest_id: int) -> ManifestReport:
    manifest = session.get(Manifest, manifest_id)
    if manifest is None:
        raise NotFound(_("Unknown manifest {id}", id=manifest_id), expected=_("a manifest number"))
    warehouse = session.get(Warehouse, manifest.warehouse_id)
    assert warehouse is not None
    units = dict(
        session.execute(
            select(PackedCartonLine.carton_id, func.sum(PackedCartonLine.quantity))
            .join(PackedCarton, PackedCarton.id == PackedCartonLine.carton_id)
            .where(PackedCarton.manifest_id == manifest.id)
            .group_by(PackedCartonLine.carton_id)
        ).all()
    )
    rows = session.execute(
        select(PackedCarton, SalesOrder.number, Address, CartonType)
        .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
        .outerjoin(Address, Address.id == SalesOrder.ship_to_id)
        .outerjoin(CartonType, CartonType.id == PackedCarton.carton_type_id)
        .where(PackedCarton.manifest_id == manifest.id)
        .order_by(PackedCarton.shipped_at, PackedCarton.id)
    ).all()
    cartons = tuple(
        ManifestCarton(
            order=number,
            sscc=carton.sscc or "",
            tracking_number=carton.tracking_number,
            service=carton.service,
            ship_to_name=(address.name or address.company) if address else "",
            ship_to_postcode=address.postcode if address else "",
            ship_to_city=address.city if address else "",
            ship_to_country=address.country if address else "",
            units=int(units.get(carton.id, 0)),
            weight_g=carton.weight_measured_g,
            carton_type=kind.code if kind else "",
            length_mm=kind.length_mm if kind else None,
            width_mm=kind.width_mm if kind else None,
            height_mm=kind.height_mm if kind else None,
            shipped_at=carton.shipped_at,
        )
        for carton, number, address, kind in rows
    )
    return ManifestReport(
        id=manifest.id,
        carrier=manifest.carrier,
        status=manifest.status,
        warehouse_code=warehouse.code,
        warehouse_name=warehouse.name,
        ship_from=_address_lines(warehouse.address, warehouse.name),
        created_at=manifest.created_at,
        closed_at=manifest.closed_at,
        cartons=cartons,
    )


def close_manifest(
    session: Session, warehouse_id: int, carrier: str, *, actor: Actor
) -> ManifestReport:
    """Close the carrier's open manifest; what it holds. NotFound when none is open."""
    require_role(session, actor.operator_id, *CLOSE_ROLES)
    carrier = normalise_carrier(carrier)
    manifest = open_manifest(session, warehouse_id, carrier)
    if manifest is None:
        raise NotFound(
            _(
                "No open manifest for {carrier}: nothing shipped with it since the last close",
                carrier=carrier,
            ),
            expected=_("a carrier that cartons were shipped with"),
        )
    manifest.status = ManifestStatus.CLOSED.value
    manifest.closed_at = utcnow()
    manifest.closed_by = actor.operator_id
    session.flush()
    return manifest_report(session, manifest.id)


def list_manifests(
    session: Session, warehouse_id: int, *, carrier: str | None = None, limit: int = 50
) -> list[ManifestSummary]:
    """The newest manifests first, with how many cartons each holds."""
    counts = (
        select(PackedCarton.manifest_id, func.count().label("n"))
        .where(PackedCarton.manifest_id.is_not(None))
        .group_by(PackedCarton.manifest_id)
        .subquery()
    )
    query = (
        select(Manifest, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.manifest_id == Manifest.id)
        .where(Manifest.warehouse_id == warehouse_id)
        .order_by(Manifest.id.desc())
        .limit(limit)
    )
    if carrier:
        query = query.where(Manifest.carrier == normalise_carrier(carrier))
    return [
        ManifestSummary(m.id, m.carrier, m.status, m.created_at, m.closed_at, int(n))
        for m, n in session.execute(query)
    ]


__all__ = [
    "ManifestCarton",
    "ManifestReport",
    "ManifestSummary",
    "close_manifest",
    "list_manifests",
    "manifest_report",
]
