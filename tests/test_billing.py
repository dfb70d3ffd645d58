"""Billing: rounding, retainers, statements, invoices and their HTML, CSV and PDF forms."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import tomllib
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast, get_args
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mailflow.billing as billing
from mailflow.billing import (
    ALLOWED_INCREMENTS,
    MINOR_UNITS,
    BillingConfig,
    BillingError,
    Entry,
    Invoice,
    LineItem,
    Month,
    Party,
    Period,
    PeriodError,
    RolloverLot,
    Rounding,
    Source,
    Statement,
    bill_minutes,
    build_invoice,
    build_statement,
    format_money,
    format_seconds,
    invoice_number,
    json_dumps,
    parse_seconds,
    per_minute,
    quantize,
    read_csv,
    render_csv,
    render_html,
    render_pdf,
    retainer_alerts,
    retainer_month,
    round_seconds,
    share,
    statement_chain,
    statement_csv,
)

NY = ZoneInfo("America/New_York")
FAST = settings(max_examples=200, deadline=None, database=None)
SAM = Party("Sam Rivera", "sam@rivera-va.example")
DANA = Party("Dana Whitfield", "dana@acme.example")

ISSUE_TOML = """
[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"

[clients.billing]
plan = "hourly"            # or "retainer"
currency = "USD"
rate = "85.00"             # hourly rate
increment = "6m"           # rounding increment, applied per entry
rounding = "up"            # "up" | "nearest" | "down"
minimum = "15m"            # minimum billable per entry
"""

RETAINER_TOML = """
[clients.billing]
plan = "retainer"
currency = "USD"
monthly_fee = "1500.00"
included_hours = 20
overage_rate = "90.00"
rollover_cap_hours = 5
rollover_expiry_months = 3
start_date = "2026-11-12"
"""


def hourly(**changes: Any) -> BillingConfig:
    values: dict[str, Any] = {"plan": "hourly", "currency": "USD", "rate": "85.00", "minimum": "15m"}
    return BillingConfig(**(values | changes))


def retainer(**changes: Any) -> BillingConfig:
    values: dict[str, Any] = {
        "plan": "retainer",
        "currency": "USD",
        "monthly_fee": "1500.00",
        "included_hours": 20,
        "overage_rate": "90.00",
        "rollover_cap_hours": 5,
        "rollover_expiry_months": 1,
    }
    return BillingConfig(**(values | changes))


def at(text: str) -> datetime:
    """A UTC time from ``"2026-11-03T15:00"``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def walk(value: Any) -> Iterator[Any]:
    """Every value inside dataclasses, mappings and sequences, to check that none is a float."""
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from walk(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk(k)
            yield from walk(v)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)


def assert_no_float(value: Any) -> None:
    floats = [v for v in walk(value) if isinstance(v, float)]
    assert floats == []


def assert_money(amount: Decimal, currency: str) -> None:
    assert type(amount) is Decimal
    exponent = amount.as_tuple().exponent
    assert exponent == -MINOR_UNITS[currency], f"{amount!r} is not in {currency}'s minor units"


# -- the public API ----------------------------------------------------------------


def test_everything_billing_exports_exists_and_every_public_name_is_listed() -> None:
    exported = set(billing.__all__)
    assert all(hasattr(billing, name) for name in exported)
    public = {n for n, v in vars(billing).items() if not n.startswith("_") and not isinstance(v, type(re))}
    public -= {"annotations"}
    assert public <= exported, f"not in __all__: {sorted(public - exported)}"


def test_billing_imports_nothing_above_it_in_mailflow() -> None:
    """It will be imported by mailflow.config, so it must not import config, the store or the CLI."""
    for path in Path(billing.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"^from \.\.(config|store|cli|pipeline)", text, re.M), path.name
        assert not re.search(r"^(from|import) mailflow\.(config|store|cli)", text, re.M), path.name


# -- config ------------------------------------------------------------------------


def test_the_issue_toml_loads_as_written() -> None:
    data = tomllib.loads(ISSUE_TOML)
    config = BillingConfig(**data["clients"][0]["billing"])
    assert config.plan == "hourly"
    assert config.rate == Decimal("85.00")
    assert config.increment_minutes == 6
    assert config.minimum_minutes == 15
    assert config.rounding == "up"
    assert config.round_per == "entry"


def test_the_retainer_shape_loads_with_its_rollover_and_start_date() -> None:
    config = BillingConfig(**tomllib.loads(RETAINER_TOML)["clients"]["billing"])
    assert config.monthly_fee == Decimal("1500.00")
    assert config.included_minutes == 1200
    assert config.rollover_cap_minutes == 300
    assert config.rollover_expiry_months == 3
    assert config.start_date == date(2026, 11, 12)
    assert config.increment == timedelta(minutes=6)


def test_a_toml_date_literal_is_a_start_date_too() -> None:
    data = tomllib.loads(RETAINER_TOML.replace('"2026-11-12"', "2026-11-12"))
    assert BillingConfig(**data["clients"]["billing"]).start_date == date(2026, 11, 12)


def test_the_defaults_are_six_minutes_up_per_entry_with_no_minimum() -> None:
    config = BillingConfig.model_validate({"plan": "hourly", "currency": "eur", "rate": "60"})
    assert (config.increment_minutes, config.rounding, config.round_per, config.minimum_minutes) == (
        6,
        "up",
        "entry",
        0,
    )
    assert config.currency == "EUR"
    assert config.rollover_cap_minutes == 0


def messages(**values: Any) -> str:
    with pytest.raises(ValidationError) as info:
        BillingConfig(**values)
    return "\n".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in info.value.errors())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"increment": "7m"}, "increment: Value error, must be one of 1m, 5m, 6m, 10m, 15m, 30m, got '7m'"),
        ({"increment": "90s"}, "increment: Value error, must be one of"),
        ({"increment": 6}, 'increment: Value error, expected a duration string like "6m"'),
        ({"increment": "six"}, "increment: Value error, expected a duration like"),
        ({"rate": 85.5}, "rate: Value error, got the float 85.5; write amounts as strings"),
        ({"rate": "eighty"}, "rate: Value error, 'eighty' is not a number"),
        ({"rate": "-1"}, "rate: Value error, '-1' is negative"),
        ({"rate": "NaN"}, "rate: Value error, 'NaN' is not a number"),
        ({"rate": "85.005"}, "rate '85.005' has more decimal places than USD has (2)"),
        ({"rate": None}, 'rate is required when plan = "hourly"'),
        ({"currency": "XYZ"}, "currency: Value error, unknown currency 'XYZ'; use one of AUD"),
        ({"rounding": "sideways"}, "rounding: Input should be 'up', 'nearest' or 'down'"),
        ({"round_per": "week"}, "round_per: Input should be 'entry' or 'day'"),
        ({"minimum": "90s"}, "minimum: Value error, must be a whole number of minutes"),
        ({"minimum": "9h"}, "minimum: Value error, must be at most 8h"),
        ({"monthly_fee": "100.00"}, 'monthly_fee applies only to plan = "retainer"'),
        ({"start_date": "2026-11-12"}, 'start_date applies only to plan = "retainer"'),
        ({"rates": "85.00"}, "rates: Extra inputs are not permitted"),
        ({"non_billable_activities": [""]}, "non_billable_activities: Value error, an activity name cannot be empty"),
    ],
)
def test_a_bad_hourly_table_is_refused_naming_the_key(values: dict[str, Any], expected: str) -> None:
    base: dict[str, Any] = {"plan": "hourly", "currency": "USD", "rate": "85.00"}
    assert expected in messages(**(base | values))


def test_a_retainer_names_every_missing_key_at_once() -> None:
    text = messages(plan="retainer", currency="USD")
    assert 'monthly_fee is required when plan = "retainer" (e.g. monthly_fee = "1500.00")' in text
    assert 'included_hours is required when plan = "retainer" (e.g. included_hours = 20)' in text
    assert 'overage_rate is required when plan = "retainer" (e.g. overage_rate = "90.00")' in text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"rate": "85.00"}, 'rate applies only to plan = "hourly"; a retainer bills extra hours at overage_rate'),
        ({"included_hours": 0}, "included_hours must be more than 0"),
        ({"included_hours": 7.5}, "included_hours: Value error, got the float 7.5; write hours as a whole number"),
        ({"included_hours": "7.501"}, "'7.501' hours is not a whole number of minutes"),
        ({"rollover_cap_hours": 0, "rollover_expiry_months": 3}, "rollover_expiry_months needs rollover_cap_hours"),
        ({"rollover_expiry_months": 0}, "rollover_expiry_months: Value error, must be between 1 and 120 months"),
        ({"start_date": "12/11/2026"}, 'start_date: Value error, expected a date like "2026-11-12"'),
        (
            {"currency": "JPY", "monthly_fee": "1500.50"},
            "monthly_fee '1500.50' has more decimal places than JPY has (0)",
        ),
    ],
)
def test_a_bad_retainer_table_is_refused_naming_the_key(values: dict[str, Any], expected: str) -> None:
    base: dict[str, Any] = {
        "plan": "retainer",
        "currency": "USD",
        "monthly_fee": "1500.00",
        "included_hours": 20,
        "overage_rate": "90.00",
        "rollover_cap_hours": 5,
    }
    assert expected in messages(**(base | values))


def test_the_config_is_frozen() -> None:
    config = hourly()
    with pytest.raises(ValidationError):
        config.rate = Decimal(1)


@given(st.floats(allow_nan=False, allow_infinity=False))
@FAST
def test_no_float_is_ever_accepted_as_money(value: float) -> None:
    with pytest.raises(ValidationError, match="float"):
        BillingConfig(plan="hourly", currency="USD", rate=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6m", 360), ("1h30m", 5400), ("90s", 90), ("1.5h", 5400), ("0m", 0), ("1h 15m 30s", 4530), ("30h", 108000)],
)
def test_durations_read_exactly(text: str, seconds: int) -> None:
    assert parse_seconds(text) == seconds
    assert parse_seconds(format_seconds(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "6", "m6", "6m1h", "6m6m", "0.5s"])
def test_a_bad_duration_says_why(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected|whole number of seconds"):
        parse_seconds(text)


# -- money -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [
        ("USD", Decimal("1275"), "USD 1,275.00"),
        ("JPY", Decimal("63333.5"), "JPY 63,334"),
        ("KWD", Decimal("633.3335"), "KWD 633.334"),
        ("EUR", Decimal("0.005"), "EUR 0.01"),
    ],
)
def test_money_is_written_in_the_currency_s_minor_units(currency: str, amount: Decimal, expected: str) -> None:
    assert format_money(amount, currency) == expected


def test_money_refuses_a_float_and_an_unknown_currency() -> None:
    with pytest.raises(TypeError):
        quantize(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="unknown currency 'XXX'"):
        quantize(Decimal(1), "XXX")


@given(
    st.sampled_from(sorted(MINOR_UNITS)),
    st.integers(min_value=0, max_value=100_000),
    st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False, allow_infinity=False),
)
@FAST
def test_every_price_has_the_currency_s_exponent(currency: str, minutes: int, rate: Decimal) -> None:
    assert_money(per_minute(minutes, rate, currency), currency)


# -- rounding ----------------------------------------------------------------------

MODES: tuple[Rounding, ...] = get_args(Rounding)


@given(
    st.integers(min_value=0, max_value=48 * 3600),
    st.sampled_from(ALLOWED_INCREMENTS),
    st.sampled_from(MODES),
)
@FAST
def test_rounding_moves_time_only_as_its_mode_allows(seconds: int, increment: int, mode: Rounding) -> None:
    billed = round_seconds(seconds, increment, mode)
    assert type(billed) is int
    assert billed % increment == 0
    step = increment * 60
    if mode == "up":
        assert seconds <= billed * 60 < seconds + step
    elif mode == "down":
        assert seconds - step < billed * 60 <= seconds
    else:
        assert abs(billed * 60 - seconds) * 2 <= step


@pytest.mark.parametrize(
    ("seconds", "mode", "expected"),
    [(180, "nearest", 6), (179, "nearest", 0), (361, "up", 12), (719, "down", 6), (0, "up", 0), (360, "up", 6)],
)
def test_rounding_examples_at_the_edges(seconds: int, mode: Rounding, expected: int) -> None:
    assert round_seconds(seconds, 6, mode) == expected


entries_strategy = st.lists(
    st.builds(
        Entry,
        at=st.datetimes(
            min_value=datetime(2026, 11, 1, 6), max_value=datetime(2026, 11, 30, 20), timezones=st.just(UTC)
        ),
        seconds=st.integers(min_value=0, max_value=4 * 3600),
        activity=st.sampled_from(["email", "calls", "admin", "research"]),
        source=st.sampled_from(["auto", "manual"]),
        billable=st.booleans(),
    ),
    max_size=25,
)
configs_strategy = st.builds(
    lambda inc, mode, per, least, rate, cur: BillingConfig.model_validate(
        {
            "plan": "hourly",
            "currency": cur,
            "rate": str(rate),
            "increment": f"{inc}m",
            "rounding": mode,
            "round_per": per,
            "minimum": f"{least}m",
            "non_billable_activities": ["admin"],
        }
    ),
    st.sampled_from(ALLOWED_INCREMENTS),
    st.sampled_from(MODES),
    st.sampled_from(["entry", "day"]),
    st.sampled_from([0, 0, 10, 15, 30]),
    st.integers(min_value=0, max_value=500),
    st.sampled_from(["USD", "JPY", "KWD", "EUR"]),
)


@given(configs_strategy.filter(lambda c: c.round_per == "entry"), entries_strategy)
@FAST
def test_per_entry_billing_obeys_the_mode_apart_from_the_minimum(config: BillingConfig, entries: list[Entry]) -> None:
    billed = bill_minutes(config, NY, entries)
    step = config.increment_minutes * 60
    least = config.minimum_minutes
    for entry, minutes in zip(entries, billed, strict=True):
        assert type(minutes) is int
        if not entry.billable or entry.activity == "admin" or entry.seconds == 0:
            assert minutes == 0
            continue
        assert minutes >= least
        if minutes == least and minutes * 60 >= entry.seconds:
            continue  # the minimum raised it
        if config.rounding == "up":
            assert entry.seconds <= minutes * 60 < entry.seconds + step
        elif config.rounding == "down":
            assert minutes * 60 <= entry.seconds
        else:
            assert abs(minutes * 60 - entry.seconds) * 2 <= step


@given(configs_strategy.filter(lambda c: c.round_per == "day"), entries_strategy)
@FAST
def test_per_day_billing_rounds_each_local_day_once(config: BillingConfig, entries: list[Entry]) -> None:
    billed = bill_minutes(config, NY, entries)
    least = config.minimum_minutes * 60
    days: dict[date, tuple[int, int]] = {}
    for entry, minutes in zip(entries, billed, strict=True):
        assert type(minutes) is int and minutes >= 0
        counted = entry.billable and entry.activity != "admin" and entry.seconds > 0
        if not counted:
            assert minutes == 0
            continue
        floor, total = days.get(entry.day(NY), (0, 0))
        days[entry.day(NY)] = (floor + max(entry.seconds, least), total + minutes)
    step = config.increment_minutes * 60
    for floor, total in days.values():
        assert total == round_seconds(floor, config.increment_minutes, config.rounding)
        if config.rounding == "up":
            assert floor <= total * 60 < floor + step
        elif config.rounding == "down":
            assert floor - step < total * 60 <= floor
        else:
            assert abs(total * 60 - floor) * 2 <= step


def test_per_day_rounding_shares_the_day_by_largest_remainder() -> None:
    """5m + 7m + 2m = 14m → 18m (6m up); 18 × (300, 420, 120)/840 = 6.43, 9, 2.57 → 6, 9, 2 and the spare 1 to 2.57."""
    config = hourly(round_per="day", minimum="0m")
    entries = [
        Entry(at("2026-11-10T14:00"), 300, "email", "auto"),
        Entry(at("2026-11-10T15:00"), 420, "calls", "manual"),
        Entry(at("2026-11-10T16:00"), 120, "email", "auto"),
    ]
    assert bill_minutes(config, NY, entries) == [6, 9, 3]
    assert share(18, [300, 420, 120]) == [6, 9, 3]


def test_per_day_rounding_uses_the_client_s_days_not_utc_days() -> None:
    """03:00 UTC on the 10th is 22:00 on the 9th in New York: two days, each rounded up on its own."""
    config = hourly(round_per="day", minimum="0m")
    entries = [Entry(at("2026-11-10T03:00"), 60, "email", "auto"), Entry(at("2026-11-10T15:00"), 60, "email", "auto")]
    assert bill_minutes(config, NY, entries) == [6, 6]
    assert bill_minutes(config, UTC, entries) == [3, 3]


@given(st.integers(min_value=0, max_value=10_000), st.lists(st.integers(min_value=1, max_value=10_000), min_size=1))
@FAST
def test_sharing_never_gains_or_loses_a_minute(total: int, weights: list[int]) -> None:
    parts = share(total, weights)
    assert sum(parts) == total
    weight = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part * weight - total * w) < weight  # within one minute of the exact share


@given(configs_strategy, entries_strategy)
@FAST
def test_a_statement_adds_up_every_way_and_holds_no_float(config: BillingConfig, entries: list[Entry]) -> None:
    period = Month(2026, 11).period()
    statement = build_statement(config, NY, entries, period)
    total = statement.total
    assert total.raw_seconds == sum(e.seconds for e in entries)
    assert total.billed_minutes == sum(line.billed_minutes for line in statement.lines)
    for groups in (statement.by_activity, statement.by_source):
        assert sum(t.billed_minutes for t in groups.values()) == total.billed_minutes
        assert sum(t.raw_seconds for t in groups.values()) == total.raw_seconds
        assert sum(t.entries for t in groups.values()) == len(entries)
    assert statement.amount == sum((t.amount or Decimal(0) for t in statement.by_activity.values()), Decimal(0))
    assert_money(statement.amount, config.currency)
    for totals in statement.by_activity.values():
        assert totals.amount is not None
        assert_money(totals.amount, config.currency)
    assert_no_float(statement)
    assert_no_float(statement.to_json(NY))
    assert [line.entry.at for line in statement.lines] == sorted(e.at for e in entries)


# -- fixture 1: an hourly month ----------------------------------------------------

# Dana, hourly at USD 85.00, 6-minute increments rounded up, 15-minute minimum per entry,
# November 2026 in New York. billed = max(ceil(raw / 6m) × 6m, 15m); "admin" is marked non-billable.
#
#  #  UTC time            source  activity    raw s  raw       → rounded up   billed
#  1  11-02 14:05         auto    email          90  1m30s     → 6m           15 (minimum)
#  2  11-02 14:40         auto    email         120  2m        → 6m           15 (minimum)
#  3  11-03 15:00         manual  calls        1500  25m       → 30m          30
#  4  11-04 13:10         auto    email         300  5m        → 6m           15 (minimum)
#  5  11-05 16:00         manual  scheduling   2400  40m       → 42m          42
#  6  11-06 14:00         auto    email         360  6m        → 6m           15 (minimum)
#  7  11-09 19:00         manual  calls        3600  60m       → 60m          60
#  8  11-10 13:00         auto    triage         45  45s       → 6m           15 (minimum)
#  9  11-12 15:30         manual  research     5430  90m30s    → 96m          96
# 10  11-13 14:00         auto    email         960  16m       → 18m          18
# 11  11-16 17:00         manual  admin        1800  30m       non-billable    0
# 12  11-18 14:00         auto    email         901  15m1s     → 18m          18
# 13  11-20 18:00         manual  scheduling    720  12m       → 12m          15 (minimum)
# 14  11-24 20:00         manual  calls        1081  18m1s     → 24m          24
# 15  12-01 03:30         auto    email         600  10m       → 12m          15 (minimum)  (Nov 30, 22:30 in New York)
#
# raw: 19907 s = 331.78 min (billable 18107 s = 301.78 min); billed: 393 min = 6.55 h
# by activity (billed min → amount = min × 85 / 60):
#   calls 30+60+24 = 114 → 161.50; email 15+15+15+15+18+18+15 = 111 → 157.25; research 96 → 136.00;
#   scheduling 42+15 = 57 → 80.75; triage 15 → 21.25; admin 0 → 0.00.       total 556.75 (= 393 × 85 / 60)
# by source: auto raw 3376 s, billed 126; manual raw 16531 s, billed 267.
FIXTURE_1 = [
    ("2026-11-02T14:05", "auto", "email", 90),
    ("2026-11-02T14:40", "auto", "email", 120),
    ("2026-11-03T15:00", "manual", "calls", 1500),
    ("2026-11-04T13:10", "auto", "email", 300),
    ("2026-11-05T16:00", "manual", "scheduling", 2400),
    ("2026-11-06T14:00", "auto", "email", 360),
    ("2026-11-09T19:00", "manual", "calls", 3600),
    ("2026-11-10T13:00", "auto", "triage", 45),
    ("2026-11-12T15:30", "manual", "research", 5430),
    ("2026-11-13T14:00", "auto", "email", 960),
    ("2026-11-16T17:00", "manual", "admin", 1800),
    ("2026-11-18T14:00", "auto", "email", 901),
    ("2026-11-20T18:00", "manual", "scheduling", 720),
    ("2026-11-24T20:00", "manual", "calls", 1081),
    ("2026-12-01T03:30", "auto", "email", 600),
]
FIXTURE_1_BILLED = [15, 15, 30, 15, 42, 15, 60, 15, 96, 18, 0, 18, 15, 24, 15]


@pytest.fixture
def dana_november() -> Statement:
    config = BillingConfig(**tomllib.loads(ISSUE_TOML)["clients"][0]["billing"])
    entries = [
        Entry(
            at(when),
            seconds,
            activity,
            cast(Source, source),
            billable=activity != "admin",
            rule="auto-log" if source == "auto" else None,
        )
        for when, source, activity, seconds in FIXTURE_1
    ]
    return build_statement(config, NY, entries, Month(2026, 11).period())


def test_fixture_1_bills_each_entry_as_computed_by_hand(dana_november: Statement) -> None:
    assert [line.billed_minutes for line in dana_november.lines] == FIXTURE_1_BILLED
    assert dana_november.lines[-1].day == date(2026, 11, 30)


def test_fixture_1_totals_match_the_hand_computation(dana_november: Statement) -> None:
    total = dana_november.total
    assert (total.entries, total.raw_seconds, total.billable_seconds, total.billed_minutes) == (15, 19907, 18107, 393)
    assert total.raw_minutes == Decimal("331.78")
    assert total.billed_hours == Decimal("6.55")
    assert dana_november.amount == Decimal("556.75")
    by_activity = {name: (t.billed_minutes, t.amount) for name, t in dana_november.by_activity.items()}
    assert by_activity == {
        "admin": (0, Decimal("0.00")),
        "calls": (114, Decimal("161.50")),
        "email": (111, Decimal("157.25")),
        "research": (96, Decimal("136.00")),
        "scheduling": (57, Decimal("80.75")),
        "triage": (15, Decimal("21.25")),
    }
    assert dana_november.by_activity["admin"].raw_seconds == 1800
    by_source = {name: (t.raw_seconds, t.billed_minutes) for name, t in dana_november.by_source.items()}
    assert by_source == {"auto": (3376, 126), "manual": (16531, 267)}


def test_fixture_1_json_keeps_total_minutes_raw_with_billed_and_amount_beside_it(dana_november: Statement) -> None:
    text = json_dumps(dana_november.to_json(NY))
    data = json.loads(text, parse_float=Decimal)
    assert data["total_minutes"] == Decimal("331.78")
    assert data["billed_minutes"] == 393
    assert data["amount"] == "556.75"
    assert data["entries"][-1]["at"] == "2026-11-30T22:30:00-05:00"
    assert data["entries"][0]["minutes"] == Decimal("1.50")
    assert data["entries"][10] | {"at": None} == {
        "at": None,
        "activity": "admin",
        "source": "manual",
        "billable": False,
        "rule": None,
        "note": None,
        "raw_seconds": 1800,
        "minutes": Decimal("30.00"),
        "billed_minutes": 0,
    }
    assert data["by_source"]["auto"]["billed_minutes"] == 126
    assert data["retainer"] is None
    assert json.loads(json_dumps(dana_november.to_json(NY), indent=None)) == json.loads(text)


def test_fixture_1_statement_csv_has_a_row_per_entry(dana_november: Statement) -> None:
    rows = list(csv.DictReader(io.StringIO(statement_csv(dana_november, NY), newline="")))
    assert [int(r["billed_minutes"]) for r in rows] == FIXTURE_1_BILLED
    assert sum(int(r["seconds"]) for r in rows) == 19907
    assert rows[0]["minutes"] == "1.50" and rows[0]["at"] == "2026-11-02T09:05:00-05:00"
    assert rows[10]["billable"] == "no"


def test_fixture_1_invoice_has_a_line_per_billed_activity(dana_november: Statement) -> None:
    invoice = build_invoice(
        dana_november, number=invoice_number(7, 2026), issue_date=date(2026, 12, 1), assistant=SAM, client=DANA
    )
    assert invoice.number == "2026-0007"
    assert [(line.description, line.minutes, line.amount) for line in invoice.lines] == [
        ("calls", 114, Decimal("161.50")),
        ("email", 111, Decimal("157.25")),
        ("research", 96, Decimal("136.00")),
        ("scheduling", 57, Decimal("80.75")),
        ("triage", 15, Decimal("21.25")),
    ]
    assert invoice.total == Decimal("556.75")
    assert all(line.rate == Decimal("85.00") for line in invoice.lines)
    assert invoice.lines[0].hours == Decimal("1.90")


def test_an_entry_outside_the_period_in_the_client_s_zone_is_refused() -> None:
    """03:00 UTC on 1 November is still 31 October in New York."""
    entry = Entry(at("2026-11-01T03:00"), 600, "email", "auto")
    with pytest.raises(BillingError, match="outside 2026-11-01 to 2026-11-30"):
        build_statement(hourly(), NY, [entry], Month(2026, 11).period())


def test_an_entry_must_have_a_zone_and_whole_seconds() -> None:
    with pytest.raises(BillingError, match="no zone"):
        Entry(datetime(2026, 11, 3, 12), 60, "email", "auto")
    with pytest.raises(BillingError, match="whole number"):
        Entry(at("2026-11-03T12:00"), 1.5, "email", "auto")  # type: ignore[arg-type]
    with pytest.raises(BillingError, match="'auto' or 'manual'"):
        Entry(at("2026-11-03T12:00"), 60, "email", "robot")  # type: ignore[arg-type]


def test_an_entry_reads_a_store_row() -> None:
    row = {
        "at": at("2026-11-03T12:00"),
        "seconds": 120,
        "activity": "email",
        "source": "auto",
        "rule": "r",
        "note": None,
    }
    assert Entry.from_row(row) == Entry(at("2026-11-03T12:00"), 120, "email", "auto", True, None, "r")


# -- fixture 2: a retainer over three months --------------------------------------

# USD 1500.00 a month for 20 h (1200 min), overage USD 90.00/h, rollover cap 5 h (300 min),
# rolled-over hours usable for 1 month after they are earned. 6-minute increments, rounded up.
#
# Jan 2027: billed 360 + 120 (1h55m raw → 2h) + 540 = 1020 min; admin 2 h non-billable.
#   from rollover 0, from included 1020; unused 180 → banked (cap 300): lot Jan 180, last usable Feb.
#   remaining 180, overage 0, amount 1500.00. 1020/1200 = 85% → the 80% alert.
# Feb 2027: billed 60. In 180 → rollover used 60 (oldest first), included used 0.
#   Jan lot: 120 left, its last month → expired 120. Unused included 1200: room 300 → banked 300, forfeited 900.
#   out 300 (lot Feb, last usable Mar). remaining 1200 + 180 - 60 = 1320, overage 0, amount 1500.00. No alert.
# Mar 2027: billed 720 + 540 + 360 = 1620. In 300 → rollover used 300, included used 1200, overage 120 min = 2 h
#   → 2 × 90.00 = 180.00; amount 1680.00. Nothing expires, nothing to bank: out 0. 135% → 80% and 100% alerts.
FIXTURE_2 = [
    ("2027-01-05T15:00", "auto", "email", 6 * 3600, True),
    ("2027-01-12T15:00", "manual", "calls", 115 * 60, True),
    ("2027-01-19T15:00", "manual", "research", 9 * 3600, True),
    ("2027-01-20T15:00", "manual", "admin", 2 * 3600, False),
    ("2027-02-10T15:00", "auto", "email", 3600, True),
    ("2027-03-02T15:00", "manual", "research", 12 * 3600, True),
    ("2027-03-09T15:00", "manual", "calls", 9 * 3600, True),
    ("2027-03-16T15:00", "auto", "email", 6 * 3600, True),
]


@pytest.fixture
def quarter() -> list[Statement]:
    entries = [
        Entry(at(when), seconds, activity, source, billable)  # type: ignore[arg-type]
        for when, source, activity, seconds, billable in FIXTURE_2
    ]
    return statement_chain(retainer(minimum="0m"), NY, entries, Month(2027, 1), Month(2027, 3))


def test_fixture_2_january_banks_its_unused_hours(quarter: list[Statement]) -> None:
    jan = quarter[0].retainer
    assert jan is not None
    assert quarter[0].total.raw_seconds == (360 + 115 + 540 + 120) * 60
    assert (jan.included_minutes, jan.used_minutes, jan.rollover_in, jan.included_used) == (1200, 1020, 0, 1020)
    assert (jan.rollover_added, jan.rollover_expired, jan.rollover_forfeited, jan.rollover_out) == (180, 0, 0, 180)
    assert jan.lots_out == (RolloverLot(Month(2027, 1), 180, Month(2027, 2)),)
    assert (jan.remaining_minutes, jan.overage_minutes, jan.amount) == (180, 0, Decimal("1500.00"))
    assert [a.threshold for a in retainer_alerts(jan)] == [80]


def test_fixture_2_february_uses_rollover_first_then_expires_the_rest(quarter: list[Statement]) -> None:
    feb = quarter[1].retainer
    assert feb is not None
    assert (feb.rollover_in, feb.used_minutes, feb.rollover_used, feb.included_used) == (180, 60, 60, 0)
    assert (feb.rollover_expired, feb.rollover_added, feb.rollover_forfeited, feb.rollover_out) == (120, 1200, 900, 300)
    assert feb.lots_out == (RolloverLot(Month(2027, 2), 300, Month(2027, 3)),)
    assert (feb.remaining_minutes, feb.overage_minutes, feb.amount) == (1320, 0, Decimal("1500.00"))
    assert retainer_alerts(feb) == []


def test_fixture_2_march_runs_into_overage(quarter: list[Statement]) -> None:
    mar = quarter[2].retainer
    assert mar is not None
    assert (mar.rollover_in, mar.used_minutes, mar.rollover_used, mar.included_used) == (300, 1620, 300, 1200)
    assert (mar.overage_minutes, mar.overage_amount, mar.amount) == (120, Decimal("180.00"), Decimal("1680.00"))
    assert (mar.rollover_expired, mar.rollover_forfeited, mar.rollover_out, mar.remaining_minutes) == (0, 0, 0, 0)
    assert quarter[2].amount == Decimal("1680.00")
    assert [a.threshold for a in retainer_alerts(mar)] == [80, 100]
    assert [a.threshold for a in retainer_alerts(mar, include_rollover=True)] == [80, 100]
    assert str(retainer_alerts(mar)[1]) == "2027-03: 135.0% of the retainer used (1620 of 1200 minutes; the 100% mark)"


def test_fixture_2_march_invoice_has_the_fee_and_the_overage(quarter: list[Statement]) -> None:
    invoice = build_invoice(quarter[2], number="2027-0003", issue_date=date(2027, 4, 1), assistant=SAM, client=DANA)
    assert [(line.kind, line.description, line.minutes, line.rate, line.amount) for line in invoice.lines] == [
        ("fee", "Retainer, March 2027", 1200, None, Decimal("1500.00")),
        ("overage", "Hours beyond the retainer", 120, Decimal("90.00"), Decimal("180.00")),
    ]
    assert invoice.total == Decimal("1680.00")
    assert invoice.retainer is quarter[2].retainer


def test_retainer_alerts_fire_once_given_the_previous_usage(quarter: list[Statement]) -> None:
    mar = quarter[2].retainer
    assert mar is not None
    assert [a.threshold for a in retainer_alerts(mar, previous_used_minutes=1000)] == [100]
    assert retainer_alerts(mar, previous_used_minutes=1200) == []
    assert [a.threshold for a in retainer_alerts(mar, (50, 90, 150))] == [50, 90]


def test_a_partial_first_month_is_prorated_by_days() -> None:
    """Start 12 November: 19 of 30 days. Fee 1500 × 19/30 = 950.00; included 1200 min × 19/30 = 760 min."""
    config = BillingConfig(**tomllib.loads(RETAINER_TOML)["clients"]["billing"])
    [nov, dec] = statement_chain(config, NY, [], Month(2026, 11), Month(2026, 12))
    assert nov.retainer is not None and dec.retainer is not None
    assert (nov.retainer.active_days, nov.retainer.days_in_month, nov.retainer.prorated) == (19, 30, True)
    assert (nov.retainer.fee, nov.retainer.included_minutes) == (Decimal("950.00"), 760)
    assert nov.retainer.rollover_out == 300  # 760 unused, capped at 5 h
    assert (dec.retainer.fee, dec.retainer.included_minutes, dec.retainer.prorated) == (Decimal("1500.00"), 1200, False)
    invoice = build_invoice(nov, number="2026-0001", issue_date=date(2026, 12, 1), assistant=SAM, client=DANA)
    assert invoice.lines[0].description == "Retainer, November 2026 (prorated: 19 of 30 days)"


@pytest.mark.parametrize(
    ("currency", "fee", "expected"),
    [("JPY", "100000", Decimal("63333")), ("KWD", "1000.000", Decimal("633.333")), ("BHD", "10", Decimal("6.333"))],
)
def test_proration_rounds_to_each_currency_s_minor_units(currency: str, fee: str, expected: Decimal) -> None:
    config = retainer(currency=currency, monthly_fee=fee, overage_rate="9", start_date="2026-11-12")
    month = retainer_month(config, Month(2026, 11), 0)
    assert month.fee == expected
    assert_money(month.fee, currency)
    assert_money(month.overage_amount, currency)


def test_a_retainer_month_before_its_start_is_refused() -> None:
    config = retainer(start_date="2026-11-12")
    with pytest.raises(PeriodError, match="before the retainer's start_date"):
        retainer_month(config, Month(2026, 10), 0)


def test_a_retainer_bills_whole_months_only() -> None:
    with pytest.raises(PeriodError, match="whole months"):
        build_statement(retainer(), NY, [], Period(date(2026, 11, 1), date(2026, 11, 15)))


def test_rolled_over_hours_are_used_oldest_first() -> None:
    config = retainer(rollover_cap_hours=10, rollover_expiry_months=3)
    lots = [RolloverLot(Month(2027, 2), 200, Month(2027, 5)), RolloverLot(Month(2027, 1), 100, Month(2027, 4))]
    month = retainer_month(config, Month(2027, 3), 150, lots)
    assert (month.rollover_used, month.included_used) == (150, 0)
    assert month.lots_out[:1] == (RolloverLot(Month(2027, 2), 150, Month(2027, 5)),)


def test_rolled_over_hours_expire_after_their_months_oldest_first() -> None:
    """Expiry 3: January's hours can be used in February, March and April, and expire at the end of April."""
    config = retainer(rollover_expiry_months=3)
    chain = statement_chain(config, NY, [], Month(2027, 1), Month(2027, 5))
    months = [s.retainer for s in chain]
    assert all(m is not None for m in months)
    expired = [m.rollover_expired for m in months if m]
    assert expired == [0, 0, 0, 300, 0]
    assert [m.lots_out for m in months if m][3] == (RolloverLot(Month(2027, 4), 300, Month(2027, 7)),)
    assert [m.rollover_forfeited for m in months if m] == [900, 1200, 1200, 900, 1200]


def test_rolled_over_hours_never_expire_without_an_expiry() -> None:
    config = retainer(rollover_expiry_months=None)
    config = BillingConfig(**config.model_dump(exclude={"rollover_expiry_months"}))
    months = [s.retainer for s in statement_chain(config, NY, [], Month(2027, 1), Month(2028, 1))]
    assert [m.rollover_expired for m in months if m] == [0] * 13
    assert [m.lots_out for m in months if m][-1] == (RolloverLot(Month(2027, 1), 300, None),)


def test_without_a_cap_nothing_rolls_over() -> None:
    config = BillingConfig(**retainer().model_dump(exclude={"rollover_cap_hours", "rollover_expiry_months"}))
    month = retainer_month(config, Month(2027, 1), 60)
    assert (month.rollover_added, month.rollover_forfeited, month.rollover_out, month.remaining_minutes) == (
        0,
        0,
        0,
        1140,
    )


def test_a_lot_that_cannot_be_used_in_the_month_is_refused() -> None:
    with pytest.raises(BillingError, match="cannot be used in 2027-03"):
        retainer_month(retainer(), Month(2027, 3), 0, [RolloverLot(Month(2027, 1), 60, Month(2027, 2))])


usage_strategy = st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=14)
retainers_strategy = st.builds(
    lambda included, cap, expiry, start, cur: retainer(
        currency=cur,
        monthly_fee={"JPY": "150000", "KWD": "450.125"}.get(cur, "1499.99"),
        overage_rate={"JPY": "9000", "KWD": "27.5"}.get(cur, "90.00"),
        included_hours=str(Decimal(included) / 4),
        rollover_cap_hours=str(Decimal(cap) / 4),
        **({"rollover_expiry_months": expiry} if cap and expiry else {"rollover_expiry_months": None}),
        **({"start_date": date(2027, 1, start)} if start else {}),
    ),
    st.integers(min_value=1, max_value=160),
    st.integers(min_value=0, max_value=60),
    st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=31)),
    st.sampled_from(["USD", "JPY", "KWD"]),
)


def _retainer_config(config: BillingConfig) -> BillingConfig:
    if config.rollover_expiry_months is None:
        return BillingConfig(**config.model_dump(exclude={"rollover_expiry_months"}))
    return config


@given(retainers_strategy.map(_retainer_config), usage_strategy)
@FAST
def test_retainer_arithmetic_never_creates_or_loses_a_minute(config: BillingConfig, usage: list[int]) -> None:
    lots: tuple[RolloverLot, ...] = ()
    month = Month(2027, 1)
    for used in usage:
        r = retainer_month(config, month, used, lots)
        assert r.rollover_out <= config.rollover_cap_minutes
        assert r.rollover_in - r.rollover_used - r.rollover_expired + r.rollover_added - r.rollover_forfeited == (
            r.rollover_out
        )
        assert r.rollover_used + r.included_used + r.overage_minutes == used
        assert 0 <= r.included_used <= r.included_minutes and 0 <= r.rollover_used <= r.rollover_in
        if r.included_used:
            assert r.rollover_used == r.rollover_in  # rollover is used up before included time
        if r.overage_minutes:
            assert r.included_used == r.included_minutes
        assert r.remaining_minutes == max(0, r.available_minutes - used)
        assert sum(lot.minutes for lot in r.lots_out) == r.rollover_out
        assert [lot.earned for lot in r.lots_out] == sorted(lot.earned for lot in r.lots_out)
        for lot in r.lots_out:
            assert lot.expires is None or lot.expires > month
            if config.rollover_expiry_months:
                assert lot.expires == lot.earned.plus(config.rollover_expiry_months)
        for amount in (r.fee, r.overage_amount, r.amount):
            assert_money(amount, config.currency)
        assert r.overage_amount == per_minute(r.overage_minutes, r.overage_rate, config.currency)
        assert_no_float(r)
        lots = r.lots_out
        month = month.next()


def test_an_hourly_plan_has_no_rollover() -> None:
    with pytest.raises(BillingError, match="no rollover"):
        build_statement(hourly(), NY, [], Month(2026, 11).period(), rollover_in=[RolloverLot(Month(2026, 10), 6, None)])


def test_a_chain_refuses_entries_outside_its_months() -> None:
    entry = Entry(at("2027-04-02T15:00"), 60, "email", "auto")
    with pytest.raises(BillingError, match="outside 2027-01 to 2027-03"):
        statement_chain(retainer(), NY, [entry], Month(2027, 1), Month(2027, 3))


def test_months_parse_count_and_bound() -> None:
    assert Month.parse("2026-11") == Month(2026, 11)
    assert str(Month(2026, 12).next()) == "2027-01"
    assert Month(2026, 11).plus(3) == Month(2027, 2)
    assert Month(2026, 11).months_until(Month(2027, 2)) == 3
    assert Month(2024, 2).days == 29
    start, end = Month(2026, 11).period().bounds(NY)
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T00:00:00-04:00", "2026-12-01T00:00:00-05:00")
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("Nov 2026")


# -- invoices ----------------------------------------------------------------------


def test_invoice_numbers_are_sequential_per_year() -> None:
    assert invoice_number(7, 2026) == "2026-0007"
    assert invoice_number(12345, 2026) == "2026-12345"
    assert invoice_number(3, 2027, prefix="SR-", width=3) == "SR-2027-003"
    with pytest.raises(ValueError, match="starts at 1"):
        invoice_number(0, 2026)


def test_an_invoice_checks_that_its_lines_add_up() -> None:
    line = LineItem("email", Decimal("10.00"), 6, Decimal("100.00"))
    with pytest.raises(BillingError, match=r"add up to 10\.00, not 11\.00"):
        Invoice("1", date(2026, 12, 1), Month(2026, 11).period(), SAM, DANA, "USD", (line,), Decimal("11.00"))
    with pytest.raises(BillingError, match="not an amount in USD"):
        Invoice("1", date(2026, 12, 1), Month(2026, 11).period(), SAM, DANA, "USD", (), Decimal("0.001"))


NASTY = '<script>alert("x")</script> & Co\'s "best" <b>'


def nasty_invoice(lines: int = 3) -> Invoice:
    entries = [
        Entry(
            at(f"2026-11-{1 + i % 28:02d}T15:00"), 600 + 60 * i, f"{NASTY} {i}" if i == 0 else f"activity {i}", "manual"
        )
        for i in range(lines)
    ]
    statement = build_statement(hourly(), NY, entries, Month(2026, 11).period())
    return build_invoice(
        statement,
        number="2026-0042",
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 31),
        assistant=Party("Zoë Müller — VA", "zoe@va.example"),
        client=Party(NASTY, "a&b@acme.example"),
        notes=f"Pay within 30 days.\n{NASTY}",
    )


VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr", "source", "area", "base", "embed", "track"}
ALLOWED = {
    "html", "head", "body", "title", "meta", "style", "main", "header", "section", "div", "h1", "h2", "p", "br",
    "strong", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
PARENTS = {
    "tr": {"thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "dt": {"dl"},
    "dd": {"dl"},
    "head": {"html"},
    "body": {"html"},
    "title": {"head"},
    "meta": {"head"},
    "style": {"head"},
}
BLOCKS = {"div", "p", "h1", "h2", "table", "section", "header", "main", "dl"}


class StrictHTML(HTMLParser):
    """A checker for the HTML we write: known elements, explicit and balanced end tags, sane nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.doctype: str | None = None
        self.text: list[str] = []
        self.problems: list[str] = []
        self.attrs: dict[str, list[dict[str, str | None]]] = {}

    def handle_decl(self, decl: str) -> None:
        if self.seen or self.doctype is not None:
            self.problems.append("the doctype is not first")
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"unexpected <{tag}>")
        parent = self.stack[-1] if self.stack else None
        if tag in PARENTS and parent not in PARENTS[tag]:
            self.problems.append(f"<{tag}> inside <{parent}>")
        if parent in {"p", "h1", "h2", "dt", "dd", "th"} and tag in BLOCKS:
            self.problems.append(f"block <{tag}> inside <{parent}>")
        if any(name.startswith("on") or name in {"src", "href"} for name, _ in attrs):
            self.problems.append(f"<{tag}> refers outside or runs code: {attrs}")
        self.seen.append(tag)
        self.attrs.setdefault(tag, []).append(dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"end tag for void <{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] not in {"style", "html", "head"}:
            self.text.append(data)
        elif data.strip() and (not self.stack or self.stack[-1] in {"html", "head"}):
            self.problems.append(f"text outside the body: {data.strip()[:30]!r}")


def check_html(text: str) -> StrictHTML:
    checker = StrictHTML()
    checker.feed(text)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert checker.doctype is not None and checker.doctype.lower() == "doctype html"
    assert checker.seen[:2] == ["html", "head"]
    for once in ("html", "head", "body", "title", "main", "h1"):
        assert checker.seen.count(once) == 1, once
    assert checker.attrs["html"] == [{"lang": "en"}]
    assert {"charset": "utf-8"} in checker.attrs["meta"]
    return checker


def test_the_html_invoice_is_strict_html5_and_self_contained() -> None:
    html_text = render_html(nasty_invoice())
    checker = check_html(html_text)
    assert "<script" not in html_text and "<b>" not in html_text
    body = "".join(checker.text)
    assert NASTY in body  # escaped in the source, the same text when read
    assert "Zoë Müller — VA" in body and "a&b@acme.example" in body
    assert "USD 21.25" in body and "Total (USD)" in body
    assert "@media print" in html_text
    assert not re.search(r"https?://|url\(", html_text)


def test_the_html_of_the_fixtures_is_valid_too(dana_november: Statement, quarter: list[Statement]) -> None:
    hourly_invoice = build_invoice(
        dana_november, number="2026-0007", issue_date=date(2026, 12, 1), assistant=SAM, client=DANA
    )
    body = "".join(check_html(render_html(hourly_invoice)).text)
    assert "USD 556.75" in body and "research" in body
    march = build_invoice(quarter[2], number="2027-0003", issue_date=date(2027, 4, 1), assistant=SAM, client=DANA)
    body = "".join(check_html(render_html(march)).text)
    assert "Hours carried into next month" in body and "2.00 h at USD 90.00/h: USD 180.00" in body
    empty = build_invoice(
        build_statement(hourly(), NY, [], Month(2026, 11).period()),
        number="2026-0008",
        issue_date=date(2026, 12, 1),
        assistant=SAM,
        client=DANA,
    )
    assert "No billable time in this period." in "".join(check_html(render_html(empty)).text)


@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60))
@settings(max_examples=150, deadline=None, database=None)
def test_any_text_in_an_html_invoice_reads_back_as_itself(name: str) -> None:
    invoice = dataclasses.replace(nasty_invoice(1), client=Party(name, "c@x.example"))
    checker = check_html(render_html(invoice))

    def lines(text: str) -> str:  # line ends as HTML reads them, on both sides alike
        return text.replace("\r\n", "\n").replace("\r", "\n")

    assert lines(name) in lines("".join(checker.text))


def test_the_csv_invoice_round_trips(dana_november: Statement, quarter: list[Statement]) -> None:
    for statement in (dana_november, quarter[2]):
        invoice = build_invoice(statement, number="2026-0007", issue_date=date(2026, 12, 1), assistant=SAM, client=DANA)
        text = render_csv(invoice)
        assert read_csv(text) == (invoice.lines, invoice.total)
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert rows[-1]["kind"] == "total" and rows[-1]["amount"] == str(invoice.total)
        assert all(row["currency"] == "USD" and row["invoice"] == "2026-0007" for row in rows)


@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=40))
@settings(max_examples=150, deadline=None, database=None)
def test_any_description_round_trips_through_csv_and_never_starts_a_formula(description: str) -> None:
    line = LineItem(description, Decimal("8.50"), 6, Decimal("85.00"))
    invoice = Invoice(
        "2026-0001", date(2026, 12, 1), Month(2026, 11).period(), SAM, DANA, "USD", (line,), Decimal("8.50")
    )
    text = render_csv(invoice)
    assert read_csv(text) == ((line,), Decimal("8.50"))
    cell = next(csv.DictReader(io.StringIO(text, newline="")))["description"]
    assert not cell.startswith(("=", "+", "-", "@"))


# -- PDF ---------------------------------------------------------------------------


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(literal):
        byte = literal[i]
        if byte == 0x5C:  # backslash
            nxt = literal[i + 1 : i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8))
                i += 1 + len(digits.group())
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
            i += 2
            continue
        out.append(byte)
        i += 1
    return bytes(out)


class ParsedPdf:
    """What a small structural reader finds in a PDF: its objects (through the xref table), pages and text."""

    def __init__(self, data: bytes) -> None:
        assert data.startswith(b"%PDF-1.4\n")
        tail = re.search(rb"startxref\n(\d+)\n%%EOF\n?$", data)
        assert tail is not None, "no startxref at the end"
        xref = int(tail.group(1))
        assert data[xref : xref + 5] == b"xref\n"
        head = re.match(rb"xref\n0 (\d+)\n", data[xref:])
        assert head is not None
        count = int(head.group(1))
        table = data[xref + head.end() : xref + head.end() + 20 * count]
        entries = [table[20 * i : 20 * i + 20] for i in range(count)]
        assert entries[0] == b"0000000000 65535 f \n"
        self.objects: dict[int, bytes] = {}
        for number, entry in enumerate(entries[1:], start=1):
            match = re.fullmatch(rb"(\d{10}) 00000 n \n", entry)
            assert match is not None, entry
            offset = int(match.group(1))
            assert data[offset:].startswith(b"%d 0 obj\n" % number), f"object {number} is not at offset {offset}"
            end = data.index(b"\nendobj\n", offset)
            self.objects[number] = data[offset + len(b"%d 0 obj\n" % number) : end]
        trailer = data[xref + head.end() + 20 * count :]
        assert trailer.startswith(b"trailer\n")
        size = re.search(rb"/Size (\d+)", trailer)
        root = re.search(rb"/Root (\d+) 0 R", trailer)
        assert size is not None and int(size.group(1)) == count
        assert root is not None and b"/Type /Catalog" in self.objects[int(root.group(1))]
        pages_ref = re.search(rb"/Pages (\d+) 0 R", self.objects[int(root.group(1))])
        assert pages_ref is not None
        pages = self.objects[int(pages_ref.group(1))]
        page_count = re.search(rb"/Count (\d+)", pages)
        kids = re.findall(rb"(\d+) 0 R", pages.split(b"/Kids", 1)[1].split(b"]", 1)[0])
        assert page_count is not None and int(page_count.group(1)) == len(kids)
        self.pages: list[str] = []
        for kid in kids:
            page = self.objects[int(kid)]
            assert b"/Type /Page " in page and b"/MediaBox [0 0 595 842]" in page
            contents = re.search(rb"/Contents (\d+) 0 R", page)
            assert contents is not None
            self.pages.append(self._text(self._stream(self.objects[int(contents.group(1))])))

    @staticmethod
    def _stream(obj: bytes) -> bytes:
        length = re.match(rb"<< /Length (\d+)", obj)
        assert length is not None
        start = obj.index(b">>\nstream\n") + len(b">>\nstream\n")
        body = obj[start : start + int(length.group(1))]
        assert obj[start + int(length.group(1)) :] == b"\nendstream", "/Length is wrong"
        return zlib.decompress(body) if b"/FlateDecode" in obj[:start] else body

    @staticmethod
    def _text(content: bytes) -> str:
        shown = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content, re.S)
        return "\n".join(_unescape(s).decode("cp1252") for s in shown)


def test_the_pdf_invoice_parses_and_holds_the_text() -> None:
    data = render_pdf(nasty_invoice(), created=datetime(2026, 12, 1, 9, tzinfo=UTC))
    pdf = ParsedPdf(data)
    assert len(pdf.pages) == 1
    text = pdf.pages[0]
    for expected in ("INVOICE", "2026-0042", NASTY, "Zoë Müller — VA", "USD 21.25", "Total (USD)", "page 1 of 1"):
        assert expected in text
    assert b"/Author <FEFF" in data and b"/CreationDate (D:20261201090000Z)" in data
    assert b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding" in data


def test_a_long_pdf_invoice_runs_onto_more_pages_with_the_header_repeated() -> None:
    pdf = ParsedPdf(render_pdf(nasty_invoice(90)))
    assert len(pdf.pages) >= 3
    for number, text in enumerate(pdf.pages, start=1):
        assert f"page {number} of {len(pdf.pages)}" in text
    assert all("Description" in text for text in pdf.pages[:2])
    assert "activity 89" in "".join(pdf.pages)


def test_pdf_text_outside_winansi_prints_as_a_question_mark() -> None:
    invoice = dataclasses.replace(nasty_invoice(1), client=Party("株式会社 ✓ (Ltd) \\ ok", "c@x.example"))
    assert "???? ? (Ltd) \\ ok" in "".join(ParsedPdf(render_pdf(invoice)).pages)


def test_the_pdf_of_the_retainer_fixture_shows_the_month(quarter: list[Statement]) -> None:
    invoice = build_invoice(quarter[1], number="2027-0002", issue_date=date(2027, 3, 1), assistant=SAM, client=DANA)
    text = "".join(ParsedPdf(render_pdf(invoice)).pages)
    for expected in ("Retainer, February 2027", "Rolled-over hours expired", "Hours forfeited over the rollover cap"):
        assert expected in text


def test_qpdf_finds_no_error_in_the_pdf(tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:  # scripts/test installs it
        if os.environ.get("CI") == "true":
            pytest.fail("qpdf is required under CI=true (apt-get install qpdf)")
        pytest.skip("qpdf is not installed (apt-get install qpdf)")
    path = tmp_path / "invoice.pdf"
    path.write_bytes(render_pdf(nasty_invoice(90)))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout
