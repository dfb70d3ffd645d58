"""Time of one free-slot computation: four weeks, 10 calendars, 2,000 busy events.

The workload is generated deterministically (``--seed``): an executive in
America/New_York with ``--calendars`` calendars holding ``--events`` busy
events over ``--weeks`` weeks, crossing the US DST change (4 to 10 meetings
each weekday, each on one to four calendars, the rest evenings, nights and
weekends; :func:`workload`), and a hundred tentative holds, the datetimes
aware in a mix of zones. The policy has a lunch break, buffers, a minimum
notice, 15-minute granularity, preferred times, a holiday, three travel days
in Europe/London and a meeting limit that some days reach. Each of
``--runs`` runs (after ``--warmup``) calls :func:`mailflow.scheduling.find_slots`
once over the whole range and :func:`mailflow.scheduling.spread` on its result;
the script reports the median, p95 and max in milliseconds and how many slots
came out. Nothing is asserted: it reports numbers.

    python bench/slots_bench.py [--runs 50] [--events 2000] [--calendars 10] [--weeks 4] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailflow.scheduling import Interval, SchedulingPolicy, find_slots, spread  # noqa: E402

HOME = ZoneInfo("America/New_York")
ZONES = (HOME, UTC, ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles"))
START = date(2026, 3, 2)  # a Monday; the range crosses the US DST change of 2026-03-08
NOW = datetime(2026, 3, 2, 7, 30, tzinfo=HOME)

POLICY = SchedulingPolicy.model_validate(
    {
        "working_hours": {day: ["08:30-12:00", "13:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "buffer_before": "5m",
        "buffer_after": "10m",
        "minimum_notice": "4h",
        "booking_window": "60d",
        "max_meetings_per_day": 12,
        "granularity": "15m",
        "preferred_times": ["09:00-12:00", "14:00-16:00"],
        "overrides": [
            {"date": date(2026, 3, 13), "off": True, "note": "holiday"},
            {"date": date(2026, 3, 17), "through": date(2026, 3, 19), "timezone": "Europe/London"},
        ],
    }
)


def workload(seed: int, calendars: int, events: int, weeks: int) -> tuple[list[list[Interval]], list[Interval]]:
    """Busy intervals per calendar and tentative holds, the same for the same arguments.

    Each weekday has 4 to 10 meetings in working hours, each on one to four
    calendars (an invitation shows on the executive's and on a shared one);
    the rest of ``events`` fall outside working hours or on weekends (family,
    personal, teams in other zones), some crossing the edges of the day.
    """
    rng = random.Random(seed)
    per_calendar: list[list[Interval]] = [[] for _ in range(calendars)]
    days = weeks * 7
    count = 0

    def add(start: datetime, length: timedelta, copies: int) -> None:
        nonlocal count
        zone = rng.choice(ZONES)
        begins = start.astimezone(UTC)  # elapsed time from here: aware arithmetic in HOME would be wall-clock
        interval = (begins.astimezone(zone), (begins + length).astimezone(zone))
        for c in rng.sample(range(calendars), min(copies, calendars)):
            if count < events:
                per_calendar[c].append(interval)
                count += 1

    for n in range(days):
        day = START + timedelta(days=n)
        if day.weekday() >= 5:
            continue
        for _ in range(rng.randint(4, 10)):
            minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30, 15)
            start = datetime(day.year, day.month, day.day, tzinfo=HOME) + timedelta(minutes=minute)
            add(start, timedelta(minutes=rng.choice((15, 30, 30, 45, 60))), rng.randint(1, 4))
    while count < events:
        day = START + timedelta(days=rng.randrange(days))
        minute = rng.randrange(0, 24 * 60, 5)
        if day.weekday() < 5 and 8 * 60 - 60 <= minute < 18 * 60:
            minute = (minute + 11 * 60) % (24 * 60)  # out of the working day (or just across its edges)
        start = datetime(day.year, day.month, day.day, tzinfo=HOME) + timedelta(minutes=minute)
        add(start, timedelta(minutes=rng.choice((15, 30, 45, 60, 90, 120, 180))), 1)
    holds: list[Interval] = []
    for _ in range(100):
        day = START + timedelta(days=rng.randrange(days))
        start = datetime(day.year, day.month, day.day, 9, tzinfo=HOME) + timedelta(minutes=rng.randrange(0, 480, 30))
        holds.append((start, start + timedelta(minutes=30)))  # 9:00 to 17:00 exist every day
    for intervals in per_calendar:
        rng.shuffle(intervals)
    return per_calendar, holds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--calendars", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)

    busy, holds = workload(args.seed, args.calendars, args.events, args.weeks)
    last = START + timedelta(days=args.weeks * 7 - 1)

    def once() -> tuple[int, int]:
        slots = find_slots(POLICY, HOME, busy, holds=holds, now=NOW, duration=timedelta(minutes=30), last_day=last)
        return len(slots), len(spread(slots, 3))

    for _ in range(args.warmup):
        once()
    times: list[float] = []
    for _ in range(args.runs):
        began = time.perf_counter()
        found, offered = once()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    result = {
        "runs": args.runs,
        "weeks": args.weeks,
        "calendars": args.calendars,
        "events": sum(len(c) for c in busy),
        "holds": len(holds),
        "slots": found,
        "offered": offered,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(times[-1], 3),
        "python": sys.version.split()[0],
    }
    print(
        f"{result['weeks']} weeks, {result['calendars']} calendars, {result['events']} busy events "
        f"+ {result['holds']} holds: {found} slots, {offered} offered; "
        f"median {result['median_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, max {result['max_ms']:.2f} ms "
        f"over {args.runs} runs"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
