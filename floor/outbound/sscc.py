"""SSCCs for packed cartons: extension digit + GS1 company prefix + serial reference + check.

The serial reference comes from a counter row per (extension digit, company prefix) in
`sscc_counters`, taken with one `UPDATE ... SET last_serial_reference = last_serial_reference
+ 1 ... RETURNING` in the transaction that closes the carton. The row lock makes benches
closing at the same moment take turns (on PostgreSQL the second waits for the first to
commit; SQLite has one writer at a time anyway), so no two cartons get the same number. If
the close fails or the station crashes before the commit, the counter rolls back with the
carton, so the number was never on a carton or a label (labels are queued in the same
transaction, printed after it). The counter only goes up: an SSCC is never minted twice.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from floor.errors import Conflict
from floor.gs1 import is_valid_gs1_number, with_check_digit
from floor.i18n import _
from floor.models import SsccCounter

SSCC_LENGTH = 18
_COUNTERS = SsccCounter.__table__  # Core statements: no ORM bookkeeping on the hot path


def sscc_of(extension_digit: int, company_prefix: str, serial_reference: int) -> str:
    """The SSCC-18 of these parts, with its check digit."""
    width = SSCC_LENGTH - 2 - len(company_prefix)
    if not 0 <= serial_reference < 10**width:
        raise ValueError(f"serial reference {serial_reference} does not fit {width} digits")
    return with_check_digit(f"{extension_digit}{company_prefix}{serial_reference:0{width}d}")


def is_sscc(text: str) -> bool:
    return len(text) == SSCC_LENGTH and is_valid_gs1_number(text)


def next_sscc(session: Session, extension_digit: int, company_prefix: str) -> str:
    """The next SSCC of this prefix, counted in the database in the caller's transaction."""
    counters = _COUNTERS.c
    key = (counters.extension_digit == extension_digit) & (
        counters.company_prefix == company_prefix
    )
    taken = session.execute(
        update(_COUNTERS)
        .where(key)
        .values(last_serial_reference=counters.last_serial_reference + 1)
        .returning(counters.last_serial_reference)
    ).scalar_one_or_none()
    if taken is None:
        # The prefix's first SSCC. A concurrent first insert makes one of the two fail on
        # the primary key; floor.db.transaction retries it, and it then finds the row.
        exists = session.scalar(select(counters.last_serial_reference).where(key))
        if exists is None:
            session.execute(
                insert(_COUNTERS).values(
                    extension_digit=extension_digit,
                    company_prefix=company_prefix,
                    last_serial_reference=1,
                )
            )
            taken = 1
        else:  # pragma: no cover - the row appeared between the two statements
            return next_sscc(session, extension_digit, company_prefix)
    width = SSCC_LENGTH - 2 - len(company_prefix)
    if taken >= 10**width:
        raise Conflict(
            _(
                "Every SSCC of company prefix {prefix} with extension digit {digit} is used",
                prefix=company_prefix,
                digit=extension_digit,
            ),
            expected=_("another extension digit in [packing] sscc_extension_digit"),
        )
    return sscc_of(extension_digit, company_prefix, taken)


__all__ = ["is_sscc", "next_sscc", "sscc_of"]
