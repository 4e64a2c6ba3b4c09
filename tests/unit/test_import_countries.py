"""Countries as stores write them: ISO codes, and names in English and the store's language
(pycountry and Babel's CLDR names); what no table knows is None, never a guess. Notes lose the
spaces at the end of their lines and nothing else."""

from __future__ import annotations

import pytest

from floor.imports.countries import country_code
from floor.imports.fields import Fields
from floor.imports.source import SourceRow


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("FR", "FR"),
        ("fr", "FR"),
        ("UK", "GB"),
        ("XK", "XK"),
        ("USA", "US"),
        ("United States", "US"),
        ("united  states ", "US"),
        ("United States of America", "US"),
        ("France", "FR"),
        ("États-Unis", "US"),
        ("Allemagne", "DE"),
        ("Србија", "RS"),
        ("Srbija", "RS"),
        ("Сједињене Државе", "US"),
        ("Vereinigte Staaten", "US"),
        ("Korea, Republic of", "KR"),
        ("Côte d’Ivoire", "CI"),
    ],
)
def test_codes_and_names(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Narnia", "ZZ", "", "U.S.", "Europe"])
def test_unknown_is_none(written: str) -> None:
    assert country_code(written) is None


def test_notes_trim_line_ends_only() -> None:
    problems: list = []
    row = SourceRow(
        2, {"Notes": "  Leave at the back door.\u00a0 \r\n  Ring twice\t\n\n", "x": " "}
    )
    fields = Fields("f.csv", row, problems)
    assert fields.notes("Notes") == "  Leave at the back door.\r\n  Ring twice"
    assert fields.notes("x") == ""
    assert problems == []
