"""One reader for "1h30m"-style durations: the rules', billing's and the scheduling policy's agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailflow.billing import parse_seconds
from mailflow.rules.durations import DurationError, parse_duration
from mailflow.scheduling.policy import parse_span

parts = st.tuples(st.integers(0, 30), st.integers(0, 90), st.integers(0, 90), st.booleans())


@given(parts)
def test_the_three_readers_agree_on_whole_durations(p: tuple[int, int, int, bool]) -> None:
    hours, minutes, seconds, spaced = p
    pieces = [f"{n}{u}" for n, u in ((hours, "h"), (minutes, "m"), (seconds, "s")) if n]
    text = (" " if spaced else "").join(pieces) or "0m"
    total = hours * 3600 + minutes * 60 + seconds
    assert parse_seconds(text) == total
    if 1 <= total <= 24 * 3600:
        assert parse_duration(text) == total
        assert parse_span(text) == dt.timedelta(seconds=total)
    else:
        with pytest.raises(DurationError):
            parse_duration(text)


@pytest.mark.parametrize("text", ["", "  ", "5", "m5", "30m1h", "1h1h", "1x", "1h-30m"])
def test_what_is_not_a_duration_is_refused_by_each(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)
    with pytest.raises(ValueError):
        parse_seconds(text)
    with pytest.raises(ValueError):
        parse_span(text or "x")


def test_each_words_its_errors_for_its_own_table() -> None:
    with pytest.raises(DurationError, match="hours, then minutes, then seconds"):
        parse_duration("30m1h")
    with pytest.raises(ValueError, match="expected hours, then minutes"):
        parse_seconds("30m1h")
    with pytest.raises(ValueError, match="not a whole number of seconds"):
        parse_seconds("0.5s")
    assert parse_duration("1.5h") == 5400 and parse_seconds("1.5h") == 5400
