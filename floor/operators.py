"""Operators, PINs and roles. Services call `require_role` before they change anything.

PINs are stored as scrypt hashes (hashlib.scrypt, random salt), never in clear. Admins may
do everything; supervisors everything but administration. Logins check the PIN through
floor/logins.py (lockout per badge, audit of every attempt), never with `verify_pin` alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from floor.driver_sql import DriverStatement
from floor.errors import InvalidInput, NotFound, PermissionDenied
from floor.i18n import LANGUAGES, _
from floor.models import Operator, Role

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1

FLOOR_ROLES = frozenset(r.value for r in Role) - {Role.ADMIN.value}


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be a PIN (4 to 12 digits), or None."""
    if not (pin.isascii() and pin.isdigit()) or not 4 <= len(pin) <= 12:
        return _("A PIN is 4 to 12 digits")
    return None


def hash_pin(pin: str) -> str:
    problem = pin_problem(pin)
    if problem:
        raise InvalidInput(problem, expected=_("a PIN of 4 to 12 digits"))
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def parse_roles(roles: Iterable[str] | str) -> str:
    names = roles.replace(",", " ").split() if isinstance(roles, str) else list(roles)
    valid = {r.value for r in Role}
    for name in names:
        if name not in valid:
            raise InvalidInput(
                _(
                    "Unknown role {role}; expected one of {roles}",
                    role=name,
                    roles=", ".join(sorted(valid)),
                )
            )
    return " ".join(sorted(set(names)))


def create_operator(
    session: Session,
    badge: str,
    name: str,
    pin: str,
    roles: Iterable[str] | str,
    language: str = "en",
) -> Operator:
    if language not in LANGUAGES:
        raise InvalidInput(
            _(
                "Unknown language {language}; expected one of {languages}",
                language=language,
                languages=", ".join(LANGUAGES),
            )
        )
    operator = Operator(
        badge=badge, name=name, pin_hash=hash_pin(pin), roles=parse_roles(roles), language=language
    )
    session.add(operator)
    session.flush()
    return operator


def find_by_badge(session: Session, badge: str) -> Operator:
    operator = session.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
    if operator is None or not operator.active:
        raise NotFound(_("Unknown badge {badge}", badge=badge), expected=_("an operator badge"))
    return operator


def effective_roles(operator: Operator) -> frozenset[str]:
    return _effective(operator.role_set)


def _effective(roles: frozenset[str]) -> frozenset[str]:
    if Role.ADMIN.value in roles:
        return frozenset(r.value for r in Role)
    if Role.SUPERVISOR.value in roles:
        return roles | FLOOR_ROLES
    return roles


def has_role(operator: Operator, *roles: str) -> bool:
    return bool(effective_roles(operator) & set(roles))


_STANDING = "floor.operators.standing"
# every scan runs it: on the driver (floor.driver_sql)
_STANDING_ROW = DriverStatement(
    select(Operator.active, Operator.roles, Operator.name).where(
        Operator.id == bindparam("operator_id")
    )
)


def _standing(session: Session, operator_id: int) -> tuple[bool, frozenset[str], str] | None:
    """(active, effective roles, name) of the operator as this transaction sees them: one
    lookup by primary key per operator and database transaction, kept in `session.info`, so
    every step of a flow checks the operator as they are now at the cost of a dict lookup."""
    transaction = session.get_transaction()
    held = session.info.get(_STANDING)
    if held is None or held[0] is not transaction:
        held = session.info[_STANDING] = (transaction, {})
    cache: dict[int, tuple[bool, frozenset[str], str] | None] = held[1]
    if operator_id not in cache:
        row = _STANDING_ROW.first_row(session, {"operator_id": operator_id})
        cache[operator_id] = (
            None if row is None else (bool(row[0]), _effective(frozenset(row[1].split())), row[2])
        )
    return cache[operator_id]


def require_role(session: Session, operator_id: int | None, *roles: str) -> None:
    """Refuse (PermissionDenied naming the role needed) unless the operator is active and
    holds one of `roles` now. Called at every step that changes stock, not once per flow:
    an operator deactivated or given another role is refused at their next scan.

    `operator_id` None is the system itself (CLI imports, the demo builder) and is allowed.
    """
    if operator_id is None:
        return
    standing = _standing(session, operator_id)
    if standing is None or not standing[0]:
        raise PermissionDenied(_("Not logged in"), expected=_("an operator badge"))
    if not standing[1] & set(roles):
        raise PermissionDenied(
            _(
                "{name} may not do this: needs the role {roles}",
                name=standing[2],
                roles=" / ".join(roles),
            ),
            expected=" / ".join(roles),
        )
