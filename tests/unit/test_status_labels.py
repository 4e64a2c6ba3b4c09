"""Raw status values reach the operator as translated labels, and counts take plural forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from floor.i18n import language, ngettext
from floor.inbound.receiving import PURCHASE_ORDER_STATUSES, purchase_order_status_label
from floor.inbound.returns import DISPOSITIONS, Returned, disposition_label, returned_message
from floor.models import (
    CartonStatus,
    OrderStatus,
    TaskStatus,
    WaveStatus,
    order_status_label,
    task_status_label,
    wave_status_label,
)
from floor.outbound.order_view import carton_status_label

KINDS: list[tuple[str, Callable[[str], str], tuple[str, ...]]] = [
    ("wave", wave_status_label, tuple(WaveStatus)),
    ("task", task_status_label, tuple(TaskStatus)),
    ("purchase order", purchase_order_status_label, PURCHASE_ORDER_STATUSES),
    ("disposition", disposition_label, DISPOSITIONS),
    ("order", order_status_label, tuple(OrderStatus)),
    ("carton", carton_status_label, tuple(CartonStatus)),
]


@pytest.mark.parametrize(
    ("label", "values"), [(k[1], k[2]) for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_every_value_has_an_english_label(
    label: Callable[[str], str], values: tuple[str, ...]
) -> None:
    with language("en"):
        for value in values:
            assert label(value).strip(), value


@pytest.mark.parametrize("code", ["fr", "sr"])
@pytest.mark.parametrize(
    ("label", "values"), [(k[1], k[2]) for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_every_label_is_translated(
    code: str, label: Callable[[str], str], values: tuple[str, ...]
) -> None:
    for value in values:
        with language("en"):
            english = label(value)
        with language(code):
            translated = label(value)
        assert translated and translated != english, (code, value)
        if code == "sr":
            assert not any("a" <= ch.lower() <= "z" for ch in translated), translated


@pytest.mark.parametrize("label", [k[1] for k in KINDS], ids=[k[0] for k in KINDS])
def test_an_unknown_value_is_shown_as_it_is(label: Callable[[str], str]) -> None:
    with language("fr"):
        assert label("mystery_state") == "mystery_state"


def test_a_wave_status_is_a_translated_word() -> None:
    with language("en"):
        assert wave_status_label("in_progress") == "in_progress"  # not a wave status
        assert wave_status_label(WaveStatus.RELEASED) == "released"
        assert task_status_label(TaskStatus.IN_PROGRESS) == "in progress"
    with language("fr"):
        assert wave_status_label(WaveStatus.RELEASED) == "lancée"
    with language("sr"):
        assert wave_status_label(WaveStatus.HELD) == "задржан"


@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_a_returned_item_is_one_sentence_per_disposition(disposition: str) -> None:
    done = Returned(1, "PLAIN", 2, disposition, "QUA-01")
    with language("en"):
        assert returned_message(done) == f"2 x PLAIN: {disposition} at QUA-01"
    for code in ("fr", "sr"):
        with language(code):
            text = returned_message(done)
        assert "PLAIN" in text and "QUA-01" in text and disposition not in text, (code, text)


@pytest.mark.parametrize(
    ("code", "n", "expected"),
    [
        ("en", 1, "1 order"),
        ("en", 2, "2 orders"),
        ("fr", 1, "1 cde"),
        ("fr", 2, "2 cdes"),
        ("sr", 1, "1 поруџбина"),
        ("sr", 3, "3 поруџбине"),
        ("sr", 5, "5 поруџбина"),
        ("sr", 11, "11 поруџбина"),
        ("sr", 21, "21 поруџбина"),
        ("sr", 22, "22 поруџбине"),
    ],
)
def test_counts_take_the_plural_form_of_the_language(code: str, n: int, expected: str) -> None:
    with language(code):
        assert ngettext("{n} order", "{n} orders", n) == expected
