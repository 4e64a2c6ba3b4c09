"""Running the site's operators: add, list, show, disable, enable, set PIN, roles, language.

Admins only (`require_role`; the system, from the command line, may too). Every change is
recorded in the admin audit (floor/admin_audit.py) with who made it; the PIN never is.

A PIN an admin sets (a new operator's, a reset one's, an imported one's) is temporary: the
operator must choose their own at their next login (`must_change_pin`), which
`change_own_pin` does after the login screen asked for it twice. A badge must read as a
badge in the site's scan language (the prefix, `OP` by default), as the login screen
reads it: upper case. The last active admin can be neither disabled nor lose the role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.admin_audit import AuditLine, ChangedBy, changes_of, record_change
from floor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floor.i18n import LANGUAGES, _
from floor.models import BadgeLockout, LoginAuditEntry, LoginOutcome, Operator, Role
from floor.operators import hash_pin, parse_roles, require_role, verify_pin
from floor.scanning import ScanKind, ScanLanguage

ADMIN = Role.ADMIN.value
BADGE_LENGTH = 40
NAME_LENGTH = 200


@dataclass(frozen=True)
class OperatorView:
    """An operator as an admin sees them (never the PIN or its hash)."""

    badge: str
    name: str
    roles: str
    language: str
    active: bool
    must_change_pin: bool


@dataclass(frozen=True)
class OperatorDetail:
    """`floor operators show`: the operator, their last login, lock and latest changes."""

    operator: OperatorView
    last_login: dt.datetime | None
    locked_until: dt.datetime | None
    changes: list[AuditLine]


def _view(operator: Operator) -> OperatorView:
    return OperatorView(
        badge=operator.badge,
        name=operator.name,
        roles=operator.roles,
        language=operator.language,
        active=operator.active,
        must_change_pin=operator.must_change_pin,
    )


# --- checking what an admin typed ---------------------------------------------------------


def normalise_badge(badge: str, scan_language: ScanLanguage | None = None) -> str:
    """The badge as the login screen reads it (upper case), or InvalidInput saying why not."""
    from floor.scanning import parse_scan

    code = badge.strip().upper()
    language = scan_language or ScanLanguage()
    expected = _(
        "a badge such as {example} (the prefix {prefix}, then letters and digits)",
        example=f"{language.badge_prefix}0042",
        prefix=language.badge_prefix,
    )
    if not code or len(code) > BADGE_LENGTH:
        raise InvalidInput(_("A badge is 1 to {n} characters", n=BADGE_LENGTH), expected=expected)
    scan = parse_scan(code, language)
    if scan.kind is not ScanKind.BADGE or scan.code != code:
        raise InvalidInput(
            _("{badge} does not read as a badge when scanned", badge=code), expected=expected
        )
    return code


def check_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > NAME_LENGTH:
        raise InvalidInput(
            _("A name is 1 to {n} characters", n=NAME_LENGTH), expected=_("the operator's name")
        )
    return text


def check_roles(roles: Iterable[str] | str) -> str:
    """Space-separated valid roles, at least one (names may be separated by , ; or spaces)."""
    text = roles if isinstance(roles, str) else " ".join(roles)
    parsed = parse_roles(text.replace(";", " "))
    if not parsed:
        raise InvalidInput(
            _("An operator needs at least one role"),
            expected=", ".join(r.value for r in Role),
        )
    return parsed


def check_language(language: str) -> str:
    code = language.strip().lower()
    if code not in LANGUAGES:
        raise InvalidInput(
            _(
                "Unknown language {language}; expected one of {languages}",
                language=language,
                languages=", ".join(LANGUAGES),
            ),
            expected=", ".join(LANGUAGES),
        )
    return code


# --- reading --------------------------------------------------------------------------------


def _operator(session: Session, badge: str, *, lock: bool = True) -> Operator:
    code = badge.strip().upper()
    query = select(Operator).where(Operator.badge == code)
    operator = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if operator is None:
        raise NotFound(_("No operator has badge {badge}", badge=code), expected=_("a badge"))
    return operator


def list_operators(
    session: Session,
    operator_id: int | None = None,
    *,
    include_disabled: bool = True,
    role: str | None = None,
) -> list[OperatorView]:
    """Every operator by badge (admins; None is the system)."""
    require_role(session, operator_id, ADMIN)
    query = select(Operator).order_by(Operator.badge)
    if not include_disabled:
        query = query.where(Operator.active)
    operators = [_view(op) for op in session.scalars(query)]
    if role:
        wanted = parse_roles(role)
        operators = [op for op in operators if set(wanted.split()) & set(op.roles.split())]
    return operators


def show_operator(session: Session, badge: str, operator_id: int | None = None) -> OperatorDetail:
    require_role(session, operator_id, ADMIN)
    operator = _operator(session, badge, lock=False)
    last_login = session.scalar(
        select(func.max(LoginAuditEntry.at)).where(
            LoginAuditEntry.operator_id == operator.id,
            LoginAuditEntry.outcome == LoginOutcome.OK.value,
        )
    )
    locked_until = session.scalar(
        select(BadgeLockout.locked_until).where(BadgeLockout.badge == operator.badge)
    )
    return OperatorDetail(
        _view(operator), last_login, locked_until, changes_of(session, "operator", operator.badge)
    )


# --- changing -------------------------------------------------------------------------------


def add_operator(
    session: Session,
    *,
    badge: str,
    name: str,
    pin: str,
    roles: Iterable[str] | str,
    language: str = "en",
    by: ChangedBy,
    scan_language: ScanLanguage | None = None,
) -> OperatorView:
    """A new operator, who must change the PIN an admin gave them at their first login."""
    require_role(session, by.operator_id, ADMIN)
    code = normalise_badge(badge, scan_language)
    text = check_name(name)
    role_text = check_roles(roles)
    lang = check_language(language)
    pin_hash = hash_pin(pin)
    refuse_taken_badges(session, [code])
    operator = Operator(
        badge=code,
        name=text,
        pin_hash=pin_hash,
        roles=role_text,
        language=lang,
        must_change_pin=True,
    )
    session.add(operator)
    session.flush()
    record_change(
        session,
        by,
        "operator",
        code,
        "added",
        f"{text}; roles {role_text}; language {lang}",
        operator_id=operator.id,
    )
    return _view(operator)


def refuse_taken_badges(session: Session, badges: list[str]) -> None:
    taken = taken_badges(session, badges)
    if taken:
        badge, holder = next(iter(taken.items()))
        raise Conflict(
            _("Badge {badge} is already {name}'s", badge=badge, name=holder),
            expected=_("a badge no operator has"),
        )


def taken_badges(session: Session, badges: list[str]) -> dict[str, str]:
    """Badge -> holder's name, for those of `badges` an operator has already."""
    found: dict[str, str] = {}
    for start in range(0, len(badges), 500):
        chunk = badges[start : start + 500]
        for code, name in session.execute(
            select(Operator.badge, Operator.name).where(Operator.badge.in_(chunk))
        ):
            found[code] = name
    return found


def _active_admins(session: Session) -> list[int]:
    return [
        op.id
        for op in session.scalars(select(Operator).where(Operator.active).with_for_update())
        if ADMIN in op.role_set
    ]


def _refuse_last_admin(session: Session, operator: Operator, what: str) -> None:
    if ADMIN in operator.role_set and operator.active and _active_admins(session) == [operator.id]:
        raise Conflict(
            _("{name} is the last active admin: {what}", name=operator.name, what=what),
            expected=_("another admin first"),
        )


def disable_operator(session: Session, badge: str, *, by: ChangedBy) -> OperatorView:
    """The operator can no longer log in (and what they do at a station is refused)."""
    require_role(session, by.operator_id, ADMIN)
    operator = _operator(session, badge)
    if not operator.active:
        raise Conflict(
            _("{badge} is disabled already", badge=operator.badge),
            expected=_("an active operator"),
        )
    if by.operator_id == operator.id:
        raise PermissionDenied(
            _("You cannot disable yourself"), expected=_("another operator's badge")
        )
    _refuse_last_admin(session, operator, _("they cannot be disabled"))
    operator.active = False
    session.flush()
    record_change(session, by, "operator", operator.badge, "disabled", operator_id=operator.id)
    return _view(operator)


def enable_operator(session: Session, badge: str, *, by: ChangedBy) -> OperatorView:
    require_role(session, by.operator_id, ADMIN)
    operator = _operator(session, badge)
    if operator.active:
        raise Conflict(
            _("{badge} is active already", badge=operator.badge),
            expected=_("a disabled operator"),
        )
    operator.active = True
    session.flush()
    record_change(session, by, "operator", operator.badge, "enabled", operator_id=operator.id)
    return _view(operator)


def set_pin(session: Session, badge: str, pin: str, *, by: ChangedBy) -> OperatorView:
    """A PIN given by an admin: the operator chooses their own at the next login."""
    require_role(session, by.operator_id, ADMIN)
    pin_hash = hash_pin(pin)
    operator = _operator(session, badge)
    operator.pin_hash = pin_hash
    operator.must_change_pin = True
    session.flush()
    record_change(session, by, "operator", operator.badge, "pin_set", operator_id=operator.id)
    return _view(operator)


def set_roles(
    session: Session, badge: str, roles: Iterable[str] | str, *, by: ChangedBy
) -> OperatorView:
    require_role(session, by.operator_id, ADMIN)
    role_text = check_roles(roles)
    operator = _operator(session, badge)
    if ADMIN not in role_text.split():
        _refuse_last_admin(session, operator, _("they keep the admin role"))
    before = operator.roles
    operator.roles = role_text
    session.flush()
    record_change(
        session,
        by,
        "operator",
        operator.badge,
        "roles_set",
        f"{before} -> {role_text}",
        operator_id=operator.id,
    )
    return _view(operator)


def set_language(session: Session, badge: str, language: str, *, by: ChangedBy) -> OperatorView:
    require_role(session, by.operator_id, ADMIN)
    lang = check_language(language)
    operator = _operator(session, badge)
    before = operator.language
    operator.language = lang
    session.flush()
    record_change(
        session,
        by,
        "operator",
        operator.badge,
        "language_set",
        f"{before} -> {lang}",
        operator_id=operator.id,
    )
    return _view(operator)


def change_own_pin(
    session: Session, operator_id: int, current_pin: str, new_pin: str, *, station: str
) -> None:
    """The operator replaces the PIN an admin gave them (asked at login, twice on screen)."""
    operator = session.get(Operator, operator_id, with_for_update=True)
    if operator is None or not operator.active:
        raise PermissionDenied(_("Not logged in"), expected=_("an operator badge"))
    if not verify_pin(current_pin, operator.pin_hash):
        raise PermissionDenied(_("Wrong badge or PIN"), expected=_("your PIN"))
    if new_pin == current_pin:
        raise InvalidInput(
            _("Choose a PIN other than the one you were given"), expected=_("a new PIN")
        )
    operator.pin_hash = hash_pin(new_pin)
    operator.must_change_pin = False
    session.flush()
    record_change(
        session,
        ChangedBy(operator.id, station),
        "operator",
        operator.badge,
        "pin_changed",
        operator_id=operator.id,
    )
