"""The body's window over a list that does not fit: markers say what is hidden, the chosen
row is always shown, and the window moves as little as it must."""

from __future__ import annotations

import pytest

from floor.screens.widgets import window


@pytest.mark.parametrize("rows", range(1, 16))
@pytest.mark.parametrize("room", range(3, 9))
def test_the_chosen_row_is_always_shown_and_the_markers_count_the_rest(
    rows: int, room: int
) -> None:
    for first in range(rows):
        for selected in range(rows):
            start, count, above, below = window(rows, room, first, selected)
            assert start <= selected < start + count
            assert above + count + below == rows
            assert count + (above > 0) + (below > 0) <= room  # fits, markers included
            assert above != 1 and below != 1  # a marker never hides a single row
            assert count >= 1


def test_a_list_that_fits_has_no_markers() -> None:
    assert window(5, 5, 0, 4) == (0, 5, 0, 0)


def test_moving_down_past_the_window_moves_it_by_one() -> None:
    start, count, above, below = window(10, 6, 0, 4)
    assert (start, count, above, below) == (0, 5, 0, 5)
    start, count, above, below = window(10, 6, start, 5)
    assert start + count - 1 == 5 and above == start and above > 1
    assert window(10, 6, start, 5)[0] == start  # the same again: it stays


def test_without_a_chosen_row_the_window_starts_where_it_was() -> None:
    assert window(10, 6, 4, None) == (4, 4, 4, 2)
    assert window(10, 6, 99, None) == (5, 5, 5, 0)  # past the end: the last rows
