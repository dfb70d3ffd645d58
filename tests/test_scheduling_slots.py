"""The scheduling policy and the free-slot engine: defaults, each rule of the policy, DST, and properties.

The property tests compare :func:`find_slots` with a brute force that looks at
every minute of every day on the wall clock, over policies, busy calendars and
time zones from hypothesis, around the DST changes of 2026.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mailflow.scheduling as scheduling
from mailflow.errors import ConfigError
from mailflow.scheduling import (
    Interval,
    SchedulingPolicy,
    Slot,
    TimeRange,
    find_slots,
    format_span,
    parse_policy,
    parse_span,
    spread,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")


def at(zone: tzinfo, day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def policy(**keys: Any) -> SchedulingPolicy:
    return SchedulingPolicy.model_validate(keys)


def clocks(slots: Iterable[Slot]) -> list[str]:
    """``"Tue 9:30"`` for each slot, in its own zone."""
    return [f"{s.local_start:%a} {s.local_start.hour}:{s.local_start.minute:02d}" for s in slots]


def on(slots: Iterable[Slot], day: date) -> list[Slot]:
    return [s for s in slots if s.day == day]


MON, TUE, WED, THU = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)
NO_NOTICE = {"minimum_notice": "0m"}


# --- the policy ---------------------------------------------------------------------------------


def test_a_client_who_sets_nothing_is_bookable_monday_to_friday_nine_to_five() -> None:
    p = SchedulingPolicy()
    assert [str(r) for r in p.working_hours.mon] == ["09:00-17:00"]
    assert [p.working_hours.on(d) for d in range(7)][4:] == [(TimeRange.model_validate("09:00-17:00"),), (), ()]
    assert p.minimum_notice == timedelta(hours=4)
    assert p.booking_window == timedelta(days=60)
    assert p.granularity == p.default_duration == timedelta(minutes=30)
    assert p.buffer_before == p.buffer_after == timedelta(0)
    assert p.max_meetings_per_day is None
    assert parse_policy(None) == parse_policy({}) == p


def test_the_policy_dumps_as_the_text_it_was_written_in_and_reads_back() -> None:
    p = parse_policy(
        {
            "working_hours": {"mon": ["09:00-12:00", "13:00-17:30"], "fri": "9:00-13:00"},
            "buffer_before": "10m",
            "booking_window": "1d12h",
            "durations": {"call": "30m", "meeting": "1h"},
            "preferred_times": "09:00-12:00",
            "overrides": [{"date": date(2026, 12, 25), "off": True}],
        }
    )
    dumped = p.model_dump()
    assert dumped["working_hours"]["mon"] == ("09:00-12:00", "13:00-17:30")
    assert dumped["working_hours"]["fri"] == ("09:00-13:00",)
    assert dumped["booking_window"] == "1d12h"
    assert dumped["durations"] == {"call": "30m", "meeting": "1h"}
    assert SchedulingPolicy.model_validate(dumped) == p
    assert p.duration("meeting") == timedelta(hours=1)
    assert p.duration() == timedelta(minutes=30)
    with pytest.raises(KeyError, match=r"no duration 'lunch'.*call, meeting"):
        p.duration("lunch")


def test_working_hours_once_given_make_every_day_not_listed_a_day_off() -> None:
    p = policy(working_hours={"tue": "10:00-16:00"})
    assert [len(p.working_hours.on(d)) for d in range(7)] == [0, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("1d 12h", timedelta(hours=36)),
        ("0m", timedelta(0)),
        ("0", timedelta(0)),
        ("90s", timedelta(seconds=90)),
    ],
)
def test_durations_are_read_with_days_on_top_of_the_rules_parser(text: str, span: timedelta) -> None:
    assert parse_span(text) == span
    assert parse_span(format_span(span)) == span


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("48h", 'expects days for durations over 24h, like "2d"'),
        ("soon", 'expects a duration like "30m", "1h30m" or "2d"'),
        ("1.5d", 'expects a duration like "30m"'),
        ("30m1h", "in that order"),
        ("m", 'expects a duration like "30m"'),
    ],
)
def test_a_duration_that_cannot_be_read_says_what_is_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_span(text)


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ({"buffer_before": "ten"}, 'scheduling.buffer_before: expects a duration like "30m", "1h30m" or "2d"'),
        ({"buffer_after": 10}, "scheduling.buffer_after: expects a duration like"),
        ({"buffer_after": "2d"}, "scheduling.buffer_after: expects at most 1d, got 2d"),
        ({"granularity": "7m30s"}, "scheduling.granularity: expects whole minutes"),
        ({"granularity": "0m"}, "scheduling.granularity: expects a duration longer than zero"),
        ({"default_duration": "2d"}, "scheduling.default_duration: expects at most 1d (a meeting must fit in one day)"),
        ({"durations": {"call": "x"}}, "scheduling.durations.call: expects a duration like"),
        ({"booking_window": "400d"}, "scheduling.booking_window: expects at most 366d"),
        ({"max_meetings_per_day": 0}, "scheduling.max_meetings_per_day: Input should be greater than or equal to 1"),
        ({"working_hours": {"mon": ["9-17h"]}}, 'scheduling.working_hours.mon[0]: expects a time range like "09:00'),
        ({"working_hours": {"mon": "17:00-09:00"}}, "scheduling.working_hours.mon[0]: 17:00-09:00: expects the start"),
        (
            {"working_hours": {"mon": "09:00-25:00"}},
            "scheduling.working_hours.mon[0]: expects times from 00:00 to 24:00",
        ),
        (
            {"working_hours": {"mon": ["09:00-12:00", "11:00-13:00"]}},
            "scheduling.working_hours.mon: 09:00-12:00 overlaps 11:00-13:00",
        ),
        ({"working_hours": {"monday": "09:00-17:00"}}, "scheduling.working_hours: unknown day 'monday': use mon, tue"),
        ({"buffers": "10m"}, "scheduling.buffers: unknown key"),
        (
            {"minimum_notice": "2d", "booking_window": "1d"},
            "scheduling: booking_window (1d) expects more than minimum_notice (2d)",
        ),
        (
            {"overrides": [{"date": date(2026, 12, 25)}]},
            "scheduling.overrides[0]: expects off = true, hours or timezone",
        ),
        (
            {"overrides": [{"date": date(2026, 12, 25), "off": True, "hours": []}]},
            "scheduling.overrides[0]: expects either off = true or hours/timezone",
        ),
        (
            {"overrides": [{"date": date(2026, 4, 14), "timezone": "Mars/Olympus"}]},
            "scheduling.overrides[0].timezone: unknown time zone 'Mars/Olympus'",
        ),
        (
            {"overrides": [{"date": date(2026, 4, 14), "through": date(2026, 4, 1), "off": True}]},
            "scheduling.overrides[0]: through (2026-04-01) expects a date on or after date (2026-04-14)",
        ),
        (
            {
                "overrides": [
                    {"date": date(2026, 4, 14), "through": date(2026, 4, 17), "timezone": "Asia/Tokyo"},
                    {"date": date(2026, 4, 16), "off": True, "note": "holiday"},
                ]
            },
            "scheduling: overrides: 2026-04-14..2026-04-17 and 2026-04-16 (holiday) expect dates that do not overlap",
        ),
        ({"vip": {"skip_buffers": True}}, "scheduling.vip.skip_buffers: unknown key"),
    ],
)
def test_a_bad_policy_names_the_key_and_what_is_expected(keys: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_policy(keys)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(problem), caught.value.problems
    with pytest.raises(ValidationError):
        SchedulingPolicy.model_validate(keys)


def test_the_package_exports_its_public_names() -> None:
    exported = set(scheduling.__all__)
    assert all(hasattr(scheduling, name) for name in exported)
    public = {n for n, v in vars(scheduling).items() if not n.startswith("_") and not isinstance(v, type(scheduling))}
    assert public - {"annotations"} <= exported


# --- the rules, one at a time ----------------------------------------------------------------------


def test_by_default_slots_fill_nine_to_five_on_weekdays_after_four_hours_notice() -> None:
    slots = find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON, 7), last_day=date(2026, 3, 8))
    assert clocks(on(slots, MON))[:2] == ["Mon 11:00", "Mon 11:30"]
    assert len(on(slots, MON)) == 12
    assert len(on(slots, TUE)) == 16
    assert clocks(on(slots, TUE))[-1] == "Tue 16:30"
    assert {s.day for s in slots} == {MON, TUE, WED, THU, date(2026, 3, 6)}
    assert all(s.duration == timedelta(minutes=30) and s.rank == 0 for s in slots)
    assert slots == sorted(slots, key=lambda s: s.start)
    assert (
        find_slots(SchedulingPolicy(), "America/New_York", [], now=at(NY, MON, 7), last_day=date(2026, 3, 8)) == slots
    )


def test_buffers_keep_time_free_before_and_after_each_busy_interval() -> None:
    busy = [[(at(NY, TUE, 10), at(NY, TUE, 11))]]
    p = policy(buffer_before="15m", buffer_after="10m", granularity="5m", **NO_NOTICE)
    got = clocks(find_slots(p, NY, busy, now=at(NY, MON), first_day=TUE, last_day=TUE))
    assert "Tue 9:15" in got and "Tue 9:20" not in got  # 9:15-9:45 leaves the 15 minutes before 10:00
    assert "Tue 11:10" in got and "Tue 11:05" not in got
    plain = clocks(find_slots(policy(granularity="5m", **NO_NOTICE), NY, busy, now=at(NY, MON), last_day=TUE))
    assert "Tue 9:30" in plain and "Tue 9:35" not in plain and "Tue 11:00" in plain  # touching is allowed


def test_the_minimum_notice_counts_from_now() -> None:
    slots = find_slots(policy(minimum_notice="2h"), NY, [], now=at(NY, TUE, 10, 7), last_day=TUE)
    assert clocks(slots)[0] == "Tue 12:30"
    assert find_slots(policy(minimum_notice="0m"), NY, [], now=at(NY, TUE, 10, 7), last_day=TUE)[0].start == at(
        NY, TUE, 10, 30
    )


def test_whole_days_of_notice_are_calendar_days_across_a_dst_change() -> None:
    saturday, monday = date(2026, 3, 7), date(2026, 3, 9)  # New York springs forward on Sunday 8 March
    slots = find_slots(policy(minimum_notice="2d"), NY, [], now=at(NY, saturday, 10), last_day=monday)
    assert clocks(slots)[0] == "Mon 10:00"  # 48 elapsed hours would be 11:00 EDT
    hours = find_slots(policy(minimum_notice="1d23h"), NY, [], now=at(NY, saturday, 10), last_day=monday)
    assert clocks(hours)[0] == "Mon 9:00"


def test_no_slot_ends_after_the_booking_window() -> None:
    slots = find_slots(policy(booking_window="3d", **NO_NOTICE), NY, [], now=at(NY, MON, 9))
    assert max(s.end for s in slots) == at(NY, WED, 17)
    assert {s.day for s in slots} == {MON, TUE, WED}  # Thursday 9:00-9:30 would end after 9:00
    late = find_slots(policy(booking_window="3d", **NO_NOTICE), NY, [], now=at(NY, MON, 9, 30))
    assert clocks(on(late, THU)) == ["Thu 9:00"]


def test_the_date_range_limits_the_days() -> None:
    slots = find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON, 7), first_day=WED, last_day=THU)
    assert {s.day for s in slots} == {WED, THU}
    assert len(find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON, 7), limit=5)) == 5


def test_a_day_with_as_many_meetings_as_the_limit_offers_nothing() -> None:
    dup = (at(NY, TUE, 10), at(NY, TUE, 10, 30))
    busy = {
        "work": [dup, (at(NY, TUE, 14), at(NY, TUE, 15)), (at(NY, WED, 10), at(NY, WED, 10, 30))],
        "shared": [dup, (at(NY, WED, 10), at(NY, WED, 10, 30)), (at(NY, WED, 19), at(NY, WED, 20))],
        "home": [(at(NY, THU, 8), at(NY, THU, 9, 30)), (at(NY, THU, 12), at(NY, THU, 13))],
    }
    p = policy(max_meetings_per_day=2, **NO_NOTICE)
    slots = find_slots(p, NY, busy, now=at(NY, MON), first_day=TUE, last_day=THU)
    # Tuesday: two meetings (one on two calendars); Wednesday: one (the 19:00 dinner is outside the
    # working day); Thursday: two, the first across the start of the day.
    assert {s.day for s in slots} == {WED}
    assert len(slots) == 15
    held = find_slots(
        p, NY, busy, now=at(NY, MON), first_day=WED, last_day=WED, holds=[(at(NY, WED, 15), at(NY, WED, 16))]
    )
    assert held == []
    loose = find_slots(
        p,
        NY,
        busy,
        now=at(NY, MON),
        first_day=WED,
        last_day=WED,
        holds=[(at(NY, WED, 15), at(NY, WED, 16))],
        holds_busy=False,
    )
    assert len(loose) == 15


@pytest.mark.parametrize(
    ("granularity", "first", "count"),
    [("15m", "Tue 9:00", 31), ("45m", "Tue 9:00", 11), ("1h", "Tue 9:00", 8)],
)
def test_slots_start_on_the_granularity_counted_from_local_midnight(granularity: str, first: str, count: int) -> None:
    p = policy(granularity=granularity, **NO_NOTICE)
    slots = find_slots(p, NY, [], now=at(NY, MON), first_day=TUE, last_day=TUE)
    assert clocks(slots)[0] == first
    assert len(slots) == count
    step = parse_span(granularity)
    assert all((s.start - at(NY, TUE)) % step == timedelta(0) for s in slots)


def test_after_a_busy_interval_the_next_slot_waits_for_the_granularity() -> None:
    busy = [[(at(NY, TUE, 9), at(NY, TUE, 10, 10))]]
    slots = find_slots(policy(granularity="15m", **NO_NOTICE), NY, busy, now=at(NY, MON), first_day=TUE)
    assert clocks(slots)[0] == "Tue 10:15"


def test_a_holiday_is_a_day_off_and_a_travel_day_has_its_own_hours() -> None:
    p = policy(
        overrides=[
            {"date": WED, "off": True, "note": "holiday"},
            {"date": THU, "hours": ["10:00-12:00"]},
            {"date": date(2026, 3, 7), "hours": "10:00-11:00", "note": "a Saturday, for once"},
        ],
        **NO_NOTICE,
    )
    slots = find_slots(p, NY, [], now=at(NY, MON), first_day=TUE, last_day=date(2026, 3, 8))
    assert on(slots, WED) == []
    assert clocks(on(slots, THU)) == ["Thu 10:00", "Thu 10:30", "Thu 11:00", "Thu 11:30"]
    assert clocks(on(slots, date(2026, 3, 7))) == ["Sat 10:00", "Sat 10:30"]
    assert len(on(slots, TUE)) == 16


def test_a_travel_override_reads_the_hours_in_another_time_zone() -> None:
    p = policy(
        overrides=[
            {"date": TUE, "through": WED, "timezone": "Europe/London"},
            {"date": THU, "hours": ["08:00-10:00"], "timezone": "Asia/Tokyo"},
        ],
        **NO_NOTICE,
    )
    slots = find_slots(p, NY, [], now=at(NY, MON), first_day=TUE, last_day=THU)
    tuesday = on(slots, TUE)
    assert tuesday[0].start == at(LONDON, TUE, 9) == at(NY, TUE, 4)
    assert tuesday[0].describe() == "Tue 3 Mar, 9:00-9:30 GMT"
    assert tuesday[0].describe(NY, LONDON) == "Tue 3 Mar, 4:00-4:30 EST (9:00-9:30 GMT)"
    assert len(tuesday) == len(on(slots, WED)) == 16
    thursday = on(slots, THU)
    assert [s.start for s in thursday] == [at(TOKYO, THU, h, m) for h in (8, 9) for m in (0, 30)]
    assert thursday[0].describe(NY) == "Wed 4 Mar, 18:00-18:30 EST"


def test_a_vip_may_skip_the_buffers_the_notice_and_the_meeting_limit() -> None:
    busy = [[(at(NY, TUE, 11), at(NY, TUE, 12)), (at(NY, TUE, 13), at(NY, TUE, 14))]]
    vip = {"bypass_buffers": True, "bypass_minimum_notice": True, "bypass_max_meetings_per_day": True}
    p = policy(buffer_before="30m", buffer_after="30m", max_meetings_per_day=2, vip=vip)
    now = at(NY, TUE, 10, 7)
    assert find_slots(p, NY, busy, now=now, first_day=TUE, last_day=TUE) == []
    got = clocks(find_slots(p, NY, busy, now=now, first_day=TUE, last_day=TUE, vip=True))
    assert got[:3] == ["Tue 10:30", "Tue 12:00", "Tue 12:30"]
    plain = policy(buffer_before="30m", buffer_after="30m")
    assert clocks(find_slots(plain, NY, busy, now=now, last_day=TUE, vip=True))[0] == "Tue 14:30"
    only_notice = policy(buffer_after="30m", vip={"bypass_minimum_notice": True})
    assert clocks(find_slots(only_notice, NY, busy, now=now, last_day=TUE, vip=True))[0] == "Tue 10:30"


def test_busy_time_from_many_calendars_and_holds_is_merged() -> None:
    calendars = {
        "work": [(at(NY, TUE, 9), at(NY, TUE, 10)), (at(NY, TUE, 10, 45), at(NY, TUE, 11, 15))],
        "personal": [(at(NY, TUE, 9, 30).astimezone(UTC), at(NY, TUE, 11).astimezone(UTC))],
        "board": [(at(NY, TUE, 9, 50).astimezone(BERLIN), at(NY, TUE, 9, 55).astimezone(BERLIN))],
        "empty": [],
    }
    holds = [(at(NY, TUE, 14), at(NY, TUE, 15))]
    p = policy(granularity="15m", **NO_NOTICE)
    slots = find_slots(p, NY, calendars, holds=holds, now=at(NY, MON), first_day=TUE, last_day=TUE)
    morning = [f"Tue {h}:{m:02d}" for h in (11, 12, 13) for m in (0, 15, 30, 45)][1:-1]
    afternoon = [f"Tue {h}:{m:02d}" for h in (15, 16) for m in (0, 15, 30, 45)][:-1]
    assert clocks(slots) == morning + afternoon
    as_lists = find_slots(p, NY, list(calendars.values()), holds=holds, now=at(NY, MON), first_day=TUE, last_day=TUE)
    assert as_lists == slots
    tentative = find_slots(
        p, NY, calendars, holds=holds, holds_busy=False, now=at(NY, MON), first_day=TUE, last_day=TUE
    )
    assert len(tentative) == 22


def test_slots_are_ranked_by_preferred_times_then_soonest() -> None:
    p = policy(preferred_times=["09:00-12:00", "14:00-16:00"], **NO_NOTICE)
    slots = find_slots(p, NY, [], now=at(NY, MON), first_day=TUE, last_day=TUE, duration=timedelta(hours=1))
    assert [s.rank for s in slots] == [0] * 5 + [1] * 3 + [2] * 7
    assert clocks(slots) == [
        *("Tue 9:00", "Tue 9:30", "Tue 10:00", "Tue 10:30", "Tue 11:00"),
        *("Tue 14:00", "Tue 14:30", "Tue 15:00"),
        *("Tue 11:30", "Tue 12:00", "Tue 12:30", "Tue 13:00", "Tue 13:30", "Tue 15:30", "Tue 16:00"),
    ]


def test_spread_offers_the_best_slot_of_different_days() -> None:
    slots = find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON, 7))
    assert clocks(spread(slots, 3)) == ["Mon 11:00", "Tue 9:00", "Wed 9:00"]
    afternoons = find_slots(policy(preferred_times=["14:00-17:00"]), NY, [], now=at(NY, MON, 7))
    assert clocks(spread(afternoons, 2)) == ["Mon 14:00", "Tue 14:00"]
    assert spread(slots, 0) == []


def test_spread_over_a_single_day_keeps_the_options_apart() -> None:
    slots = find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON, 7), first_day=TUE, last_day=TUE)
    assert clocks(spread(slots, 3)) == ["Tue 9:00", "Tue 11:30", "Tue 14:00"]
    assert clocks(spread(slots, 3, min_gap=timedelta(hours=4))) == ["Tue 9:00", "Tue 13:30"]


def test_a_slot_describes_itself_in_two_zones() -> None:
    slot = Slot(at(LONDON, TUE, 14), at(LONDON, TUE, 14, 30), LONDON)
    assert slot.start == datetime(2026, 3, 3, 14, tzinfo=UTC) and slot.start.tzinfo is UTC
    assert slot.describe(LONDON, NY) == "Tue 3 Mar, 14:00-14:30 GMT (9:00-9:30 EST)"
    assert slot.describe("Europe/London", "Europe/London") == "Tue 3 Mar, 14:00-14:30 GMT"
    assert slot.describe(NY, TOKYO) == "Tue 3 Mar, 9:00-9:30 EST (23:00-23:30 JST)"
    late = Slot(at(NY, TUE, 17), at(NY, TUE, 18), NY)
    assert late.describe(NY, TOKYO) == "Tue 3 Mar, 17:00-18:00 EST (Wed 4 Mar, 7:00-8:00 JST)"
    assert late.describe(NY, "Asia/Kathmandu") == "Tue 3 Mar, 17:00-18:00 EST (Wed 4 Mar, 3:45-4:45 UTC+5:45)"
    assert late.describe(NY, "Asia/Dubai") == "Tue 3 Mar, 17:00-18:00 EST (Wed 4 Mar, 2:00-3:00 UTC+4)"
    assert Slot(at(TOKYO, TUE, 23), at(TOKYO, WED), TOKYO).describe() == "Tue 3 Mar, 23:00-24:00 JST"
    assert Slot(at(TOKYO, TUE, 23), at(TOKYO, WED, 1), TOKYO).describe() == "Tue 3 Mar, 23:00-Wed 1:00 JST"


def test_naive_or_backwards_times_are_refused() -> None:
    with pytest.raises(ValueError, match="now 2026-03-02T07:00:00 has no time zone"):
        find_slots(SchedulingPolicy(), NY, [], now=datetime(2026, 3, 2, 7))
    naive = {"work": [(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10))]}
    with pytest.raises(ValueError, match=r"calendar work: busy interval .* has no time zone"):
        find_slots(SchedulingPolicy(), NY, naive, now=at(NY, MON))
    with pytest.raises(ValueError, match="calendar 0: busy interval ends"):
        find_slots(SchedulingPolicy(), NY, [[(at(NY, TUE, 10), at(NY, TUE, 9))]], now=at(NY, MON))
    with pytest.raises(ValueError, match="duration expects a length above zero"):
        find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON), duration=timedelta(0))
    with pytest.raises(TypeError, match="busy expects a list of intervals for each calendar"):
        find_slots(SchedulingPolicy(), NY, [(at(NY, TUE, 9), at(NY, TUE, 10))], now=at(NY, MON))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="slot start 2026-03-03T09:00:00 has no time zone"):
        Slot(datetime(2026, 3, 3, 9), at(NY, TUE, 10), NY)


def test_calendars_can_be_any_iterables_and_zones_fixed_offsets() -> None:
    def calendar() -> Iterable[Interval]:
        yield at(NY, TUE, 9), at(NY, TUE, 12)

    fixed = timezone(timedelta(hours=-5))
    slots = find_slots(policy(**NO_NOTICE), fixed, iter([calendar()]), now=at(NY, MON), first_day=TUE, last_day=TUE)
    assert clocks(slots)[0] == "Tue 12:00" and len(slots) == 10
    assert find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON), limit=0) == []


# --- DST -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "friday", "monday", "before", "after"),
    [
        (NY, date(2026, 3, 6), date(2026, 3, 9), -5, -4),
        (NY, date(2026, 10, 30), date(2026, 11, 2), -4, -5),
        (BERLIN, date(2026, 3, 27), date(2026, 3, 30), 1, 2),
        (BERLIN, date(2026, 10, 23), date(2026, 10, 26), 2, 1),
    ],
)
def test_working_hours_stay_on_the_local_clock_across_a_dst_change(
    zone: ZoneInfo, friday: date, monday: date, before: int, after: int
) -> None:
    slots = find_slots(SchedulingPolicy(), zone, [], now=at(zone, friday - timedelta(days=1), 12), last_day=monday)
    fri, mon = on(slots, friday), on(slots, monday)
    assert len(fri) == len(mon) == 16
    for day, offset in ((fri, before), (mon, after)):
        assert (day[0].local_start.hour, day[0].local_start.minute) == (9, 0)
        assert (day[-1].local_end.hour, day[-1].local_end.minute) == (17, 0)
        assert day[0].local_start.utcoffset() == timedelta(hours=offset)
        assert day[0].start.hour == 9 - offset
    assert all(s.duration == timedelta(minutes=30) for s in slots)


@pytest.mark.parametrize(
    ("tuesday", "text"),
    [
        (date(2026, 3, 3), "Tue 3 Mar, 15:00-15:30 CET (9:00-9:30 EST)"),
        (date(2026, 3, 10), "Tue 10 Mar, 15:00-15:30 CET (10:00-10:30 EDT)"),  # the US has changed, Europe not yet
        (date(2026, 3, 24), "Tue 24 Mar, 15:00-15:30 CET (10:00-10:30 EDT)"),
        (date(2026, 3, 31), "Tue 31 Mar, 15:00-15:30 CEST (9:00-9:30 EDT)"),
        (date(2026, 10, 20), "Tue 20 Oct, 15:00-15:30 CEST (9:00-9:30 EDT)"),
        (date(2026, 10, 27), "Tue 27 Oct, 15:00-15:30 CET (10:00-10:30 EDT)"),  # Europe has changed, the US not yet
        (date(2026, 11, 3), "Tue 3 Nov, 15:00-15:30 CET (9:00-9:30 EST)"),
    ],
)
def test_a_counterpart_in_new_york_sees_the_right_time_when_the_offsets_differ_from_usual(
    tuesday: date, text: str
) -> None:
    slots = find_slots(SchedulingPolicy(), BERLIN, [], now=at(BERLIN, tuesday - timedelta(days=1)), last_day=tuesday)
    (slot,) = [s for s in on(slots, tuesday) if s.local_start.hour == 15 and s.local_start.minute == 0]
    assert slot.describe(BERLIN, NY) == text
    assert slot.describe(None, "America/New_York") == text


def test_an_executive_in_new_york_offers_berlin_the_right_times_in_march() -> None:
    usual = find_slots(SchedulingPolicy(), NY, [], now=at(NY, MON), first_day=TUE, last_day=TUE)[0]
    tuesday = date(2026, 3, 10)
    odd = find_slots(SchedulingPolicy(), NY, [], now=at(NY, date(2026, 3, 9)), first_day=tuesday, last_day=tuesday)[0]
    assert usual.describe(NY, BERLIN) == "Tue 3 Mar, 9:00-9:30 EST (15:00-15:30 CET)"
    assert odd.describe(NY, BERLIN) == "Tue 10 Mar, 9:00-9:30 EDT (14:00-14:30 CET)"


def _sunday(zone: ZoneInfo, sunday: date, hours: str, duration: timedelta = timedelta(minutes=30)) -> list[Slot]:
    p = policy(working_hours={"sun": hours}, **NO_NOTICE)
    return find_slots(p, zone, [], now=at(zone, sunday - timedelta(days=1), 12), last_day=sunday, duration=duration)


def test_a_nonexistent_local_time_is_no_working_time() -> None:
    spring = date(2026, 3, 8)  # New York: 2:00 EST jumps to 3:00 EDT
    slots = _sunday(NY, spring, "01:00-05:00")
    assert [s.describe() for s in slots] == [
        "Sun 8 Mar, 1:00-1:30 EST",
        "Sun 8 Mar, 1:30 EST-3:00 EDT",
        "Sun 8 Mar, 3:00-3:30 EDT",
        "Sun 8 Mar, 3:30-4:00 EDT",
        "Sun 8 Mar, 4:00-4:30 EDT",
        "Sun 8 Mar, 4:30-5:00 EDT",
    ]
    assert [s.start for s in _sunday(NY, spring, "01:00-05:00", timedelta(hours=3))] == [at(NY, spring, 1)]
    assert _sunday(NY, spring, "01:00-05:00", timedelta(hours=3, minutes=30)) == []
    in_the_gap = _sunday(NY, spring, "02:30-04:00")
    assert [s.start.astimezone(UTC) for s in in_the_gap] == [datetime(2026, 3, 8, 7, m, tzinfo=UTC) for m in (0, 30)]
    assert clocks(_sunday(BERLIN, date(2026, 3, 29), "01:00-04:00")) == ["Sun 1:00", "Sun 1:30", "Sun 3:00", "Sun 3:30"]


def test_an_ambiguous_local_time_counts_both_times_it_is_shown() -> None:
    fall = date(2026, 11, 1)  # New York: 2:00 EDT goes back to 1:00 EST
    slots = _sunday(NY, fall, "00:00-03:00")
    assert [s.start.astimezone(UTC).strftime("%H:%M") for s in slots] == [
        f"{h:02d}:{m:02d}" for h in range(4, 8) for m in (0, 30)
    ]
    assert [s.describe() for s in slots][2:6] == [
        "Sun 1 Nov, 1:00-1:30 EDT",
        "Sun 1 Nov, 1:30 EDT-1:00 EST",
        "Sun 1 Nov, 1:00-1:30 EST",
        "Sun 1 Nov, 1:30-2:00 EST",
    ]
    assert len(_sunday(NY, fall, "00:00-03:00", timedelta(hours=4))) == 1
    short = _sunday(NY, fall, "00:00-01:30")  # 0:00-1:30 EDT, then 1:00-1:30 EST again
    assert [s.start.astimezone(UTC).strftime("%H:%M") for s in short] == ["04:00", "04:30", "05:00", "06:00"]
    assert clocks(_sunday(NY, fall, "00:00-01:30", timedelta(hours=1))) == ["Sun 0:00", "Sun 0:30"]
    assert len(_sunday(BERLIN, date(2026, 10, 25), "02:00-03:00")) == 4


# --- properties against a brute force ---------------------------------------------------------------

ZONES = [NY, BERLIN, LONDON, ZoneInfo("UTC"), ZoneInfo("Asia/Kathmandu"), ZoneInfo("Australia/Lord_Howe")]
BASES = [
    *(date(2026, 3, 5), date(2026, 3, 26), date(2026, 10, 22), date(2026, 10, 29)),  # New York and Berlin change
    *(date(2026, 4, 2), date(2026, 10, 1)),  # Lord Howe changes by half an hour
    date(2026, 6, 1),
]
DAYS_CHECKED = 6


@st.composite
def day_hours(draw: st.DrawFn) -> list[str]:
    cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    ranges = [(a * 15, b * 15) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    return [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in ranges]


@st.composite
def policies(draw: st.DrawFn, base: date) -> SchedulingPolicy:
    minutes = st.integers(0, 12).map(lambda n: f"{n * 5}m")
    overrides = []
    if draw(st.booleans()):
        overrides.append({"date": base + timedelta(days=draw(st.integers(0, DAYS_CHECKED - 1))), "off": True})
    if draw(st.booleans()):
        override: dict[str, Any] = {"date": base + timedelta(days=draw(st.integers(DAYS_CHECKED, DAYS_CHECKED + 1)))}
        override["hours"] = draw(day_hours())
        if draw(st.booleans()):
            override["timezone"] = draw(st.sampled_from(["Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"]))
        overrides.append(override)
    return SchedulingPolicy.model_validate(
        {
            "working_hours": {day: draw(day_hours()) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "buffer_before": draw(minutes),
            "buffer_after": draw(minutes),
            "minimum_notice": draw(st.sampled_from(["0m", "45m", "4h", "1d", "1d3h", "2d"])),
            "booking_window": draw(st.sampled_from(["3d", "4d12h", "9d", "30d"])),
            "max_meetings_per_day": draw(st.none() | st.integers(1, 6)),
            "granularity": draw(st.sampled_from(["5m", "10m", "15m", "20m", "30m", "45m", "1h", "1h30m"])),
            "preferred_times": draw(day_hours()),
            "overrides": overrides,
            "vip": {
                "bypass_buffers": draw(st.booleans()),
                "bypass_minimum_notice": draw(st.booleans()),
                "bypass_max_meetings_per_day": draw(st.booleans()),
            },
        }
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(BASES))
    origin = datetime(base.year, base.month, base.day, tzinfo=UTC)
    calendars: list[list[Interval]] = []
    for _ in range(draw(st.integers(0, 4))):
        intervals: list[Interval] = []
        for _ in range(draw(st.integers(0, 12))):
            start = origin + timedelta(minutes=draw(st.integers(-24 * 60, DAYS_CHECKED * 24 * 60)))
            end = start + timedelta(minutes=draw(st.integers(1, 240)))
            shown_in = draw(st.sampled_from(ZONES))
            intervals.append((start.astimezone(shown_in), end.astimezone(shown_in)))
        calendars.append(intervals)
    holds: list[Interval] = []
    for _ in range(draw(st.integers(0, 3))):
        start = origin + timedelta(minutes=15 * draw(st.integers(0, DAYS_CHECKED * 96)))
        holds.append((start, start + timedelta(minutes=draw(st.sampled_from([30, 60])))))
    return {
        "policy": draw(policies(base)),
        "zone": zone,
        "busy": calendars,
        "holds": holds,
        "holds_busy": draw(st.booleans()),
        "vip": draw(st.booleans()),
        "now": origin + timedelta(minutes=draw(st.integers(-2 * 24 * 60, 2 * 24 * 60))),
        "duration": timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 150]))),
        "first_day": base,
        "last_day": base + timedelta(days=DAYS_CHECKED + 1),
    }


def _later(now: datetime, span: timedelta, zone: tzinfo) -> datetime:
    """Now plus a span, whole days on the local clock: the first minute that reads at least the target."""
    base = now
    if span.days:
        target = now.astimezone(zone).replace(tzinfo=None) + timedelta(days=span.days)
        base = target.replace(tzinfo=UTC) - timedelta(hours=15)
        while base.astimezone(zone).replace(tzinfo=None) < target:
            base += timedelta(minutes=1)
    return base + timedelta(seconds=span.seconds)


def _reading(moment: datetime, zone: tzinfo) -> tuple[date, int]:
    local = moment.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute


def _brute_force(case: dict[str, Any]) -> dict[datetime, int]:
    """Every valid slot start and its rank, from the rules read literally, minute by minute on the wall clock."""
    p: SchedulingPolicy = case["policy"]
    home: tzinfo = case["zone"]
    vip: bool = case["vip"]
    minute = timedelta(minutes=1)
    before = timedelta(0) if vip and p.vip.bypass_buffers else p.buffer_before
    after = timedelta(0) if vip and p.vip.bypass_buffers else p.buffer_after
    notice = timedelta(0) if vip and p.vip.bypass_minimum_notice else p.minimum_notice
    most = None if vip and p.vip.bypass_max_meetings_per_day else p.max_meetings_per_day
    earliest, latest = _later(case["now"], notice, home), _later(case["now"], p.booking_window, home)
    intervals = [iv for cal in case["busy"] for iv in cal] + (case["holds"] if case["holds_busy"] else [])
    busy = {(s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals}
    length = case["duration"]
    g = int(p.granularity.total_seconds() // 60)
    found: dict[datetime, int] = {}
    day = case["first_day"]
    while day <= case["last_day"]:
        zone, ranges = p.hours_on(day, home)
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        instants = [midnight - timedelta(hours=14) + n * minute for n in range(50 * 60)]
        readings = [(t, *_reading(t, zone)) for t in instants]
        working = {t for t, d, clock in readings if d == day and any(r.start <= clock < r.end for r in ranges)}
        if working and most is not None:
            lo, hi = min(working), max(working) + minute
            if sum(1 for s, e in busy if s < hi and e > lo) >= most:
                working = set()
        run: dict[datetime, int] = {}  # how many working minutes follow without a break
        for t in sorted(working, reverse=True):
            run[t] = 1 + run.get(t + minute, 0)
        for t in sorted(working):
            if _reading(t, zone)[1] % g or t < earliest or t + length > latest:
                continue
            if run[t] < length / minute:
                continue
            if any(t < e + after and t + length > s - before for s, e in busy):
                continue
            start_clock = _reading(t, zone)[1]
            end_clock = _reading(t + length - minute, zone)[1] + 1
            rank = next(
                (i for i, r in enumerate(p.preferred_times) if r.start <= start_clock and end_clock <= r.end),
                len(p.preferred_times),
            )
            found[t] = min(rank, found.get(t, rank))
        day += timedelta(days=1)
    return found


def _find(case: dict[str, Any]) -> list[Slot]:
    return find_slots(
        case["policy"],
        case["zone"],
        case["busy"],
        now=case["now"],
        duration=case["duration"],
        first_day=case["first_day"],
        last_day=case["last_day"],
        holds=case["holds"],
        holds_busy=case["holds_busy"],
        vip=case["vip"],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_slots_are_exactly_what_a_minute_by_minute_brute_force_finds(case: dict[str, Any]) -> None:
    slots = _find(case)
    expected = _brute_force(case)
    assert {s.start for s in slots} == set(expected)
    assert all(s.rank == expected[s.start] for s in slots)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_no_slot_overlaps_busy_time_leaves_working_hours_or_the_window_or_the_grid(case: dict[str, Any]) -> None:
    p: SchedulingPolicy = case["policy"]
    vip = case["vip"]
    slots = _find(case)
    before = timedelta(0) if vip and p.vip.bypass_buffers else p.buffer_before
    after = timedelta(0) if vip and p.vip.bypass_buffers else p.buffer_after
    notice = timedelta(0) if vip and p.vip.bypass_minimum_notice else p.minimum_notice
    intervals = [iv for cal in case["busy"] for iv in cal] + (case["holds"] if case["holds_busy"] else [])
    busy = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals]  # aware arithmetic in one zone is wall-clock
    earliest, latest = _later(case["now"], notice, case["zone"]), _later(case["now"], p.booking_window, case["zone"])
    for slot in slots:
        assert slot.duration == case["duration"]
        assert all(slot.start >= e + after or slot.end <= s - before for s, e in busy)
        assert earliest <= slot.start and slot.end <= latest
        zone, ranges = p.hours_on(slot.day, case["zone"])
        assert slot.zone is zone and slot.start.tzinfo is UTC
        probes = [slot.start + timedelta(minutes=n) for n in range(int(slot.duration / timedelta(minutes=1)))]
        for probe in [*probes, slot.end - timedelta(microseconds=1)]:
            day, clock = _reading(probe, zone)
            assert day == slot.day and any(r.start <= clock < r.end for r in ranges)
        local = slot.start.astimezone(zone)
        since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
        assert since_midnight % p.granularity == timedelta(0)
    assert slots == sorted(slots, key=lambda s: (s.rank, s.start))
    assert len({s.start for s in slots}) == len(slots)


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.integers(1, 5))
def test_spread_takes_as_many_days_as_it_can(case: dict[str, Any], count: int) -> None:
    slots = _find(case)
    picked = spread(slots, count)
    assert len(picked) <= count and all(s in slots for s in picked)
    assert picked == sorted(picked, key=lambda s: s.start)
    days = {s.day for s in slots}
    assert len({s.day for s in picked}) == min(count, len(days))
    assert len(picked) == len(set(picked))
    if len(days) >= count:
        assert len(picked) == count
