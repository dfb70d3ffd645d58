"""Reading a meeting request: durations, days, ranges, parts of the day, zones, attendees, topic and kinds.

The phrasings here are not the ones in ``bench/scheduling_requests.json``: the
extractor is checked on sentences it was not adjusted on, and the last test
runs the corpus and holds it to its floor.
"""

from __future__ import annotations

import ast
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mailflow.scheduling.understanding as understanding
from mailflow.message import Message
from mailflow.model import Address
from mailflow.scheduling.understanding import (
    PARTS_OF_DAY,
    Day,
    Reading,
    When,
    Window,
    clean_subject,
    read_message,
    read_request,
    reply_text,
)

ROOT = Path(__file__).parent.parent
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=NY)  # Monday 9 November 2026
FRIDAY_BEFORE_DST = datetime(2026, 10, 30, 16, 0, tzinfo=NY)  # the US change is Sunday 1 November
WEDNESDAY_DEC = datetime(2026, 12, 2, 11, 0, tzinfo=NY)


def read(text: str, now: datetime = MONDAY, tz: str = "America/New_York", **kw: Any) -> Reading:
    return read_request(text, now=now, tz=tz, **kw)


def days(reading: Reading) -> list[str]:
    assert reading.when is not None, reading
    return [str(d) for d in reading.when.days]


def span(reading: Reading) -> tuple[date | None, date | None]:
    assert reading.when is not None, reading
    return reading.when.earliest, reading.when.latest


# -- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Could we have a 30 min chat on Friday?", 30),
        ("Do you have half an hour on Friday?", 30),
        ("Would an hour on Friday work for the review meeting?", 60),
        ("Can we do 45 minutes on Friday?", 45),
        ("Any chance of a quick 15 on Friday?", 15),
        ("Could we book a 90-minute session on Friday?", 90),
        ("Could we get 1.5 hours together on Friday for the call?", 90),
        ("Can we block 1h30 on Friday for a call?", 90),
        ("Could we do an hour and a half on Friday for the workshop?", 90),
        ("Could we chat for a quarter of an hour on Friday?", 15),
        ("A 20-30 minute call on Friday would be great.", 30),
        ("Could we talk for two hours on Friday?", 120),
        ("Can we do a 25-min call Friday?", 25),
    ],
)
def test_a_duration_is_read_in_minutes(text: str, minutes: int) -> None:
    reading = read(text)
    assert reading.kind == "request"
    assert reading.duration == minutes


def test_a_request_that_says_no_length_has_no_duration() -> None:
    assert read("Could we meet on Friday?").duration is None


@pytest.mark.parametrize(
    "text",
    [
        "It's a 2 hour drive for me, so could we meet on Friday by video?",
        "I'll be an hour late on Friday, so could we meet at 11 instead?",
        "I land in 30 minutes - could we talk on Friday?",
        "We're 6 hours ahead of you; could we talk Friday morning?",
        "Could we meet Friday? I need 30 minutes before it to prepare.",
        "Give me a second - could we meet on Friday?",
        "It takes me about 40 minutes to get to your office, could we meet on Friday?",
    ],
)
def test_travel_waiting_and_seconds_are_not_a_meeting_length(text: str) -> None:
    reading = read(text)
    assert reading.kind == "request"
    assert reading.duration is None


# -- days --------------------------------------------------------------------------------------


def test_next_weekday_is_that_day_of_next_week() -> None:
    assert days(read("Are you free next Tuesday?")) == ["2026-11-17"]  # said on a Monday
    assert days(read("Are you free next Tuesday?", now=FRIDAY_BEFORE_DST)) == ["2026-11-03"]  # on a Friday


def test_a_bare_weekday_is_the_next_one_after_today() -> None:
    assert days(read("Are you free Tuesday?")) == ["2026-11-10"]
    assert days(read("Are you free Monday?")) == ["2026-11-16"]  # today is Monday: next week's


def test_this_weekday_is_this_weeks_or_the_next_one_if_past() -> None:
    assert days(read("Could we meet this Friday?")) == ["2026-11-13"]
    assert days(read("Could we meet this Monday?", now=MONDAY + timedelta(days=2))) == ["2026-11-16"]


def test_relative_days() -> None:
    assert days(read("Can we talk tomorrow?")) == ["2026-11-10"]
    assert days(read("Can we talk today?")) == ["2026-11-09"]
    assert days(read("Can we talk the day after tomorrow?")) == ["2026-11-11"]
    assert days(read("Can we talk tonight?")) == ["2026-11-09 17:00-20:00"]
    assert days(read("Can we talk in 3 days?")) == ["2026-11-12"]


def test_month_and_day_forms() -> None:
    now = WEDNESDAY_DEC
    assert days(read("Could we meet on Dec 8?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on 8 December?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on the 8th?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on the 8th of December?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on Tuesday, December 8th?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on 2026-12-08?", now=now)) == ["2026-12-08"]
    assert days(read("Could we meet on the 1st?", now=now)) == ["2027-01-01"]  # the next 1st
    assert days(read("Could we meet on January 12?", now=now)) == ["2027-01-12"]  # long past: next year


def test_a_date_a_few_weeks_past_is_a_past_mention_not_next_year() -> None:
    assert read("Could we meet? Nov 20 was hectic.", now=WEDNESDAY_DEC).when is None


def test_numeric_dates_follow_the_locale_then_the_zone() -> None:
    now = WEDNESDAY_DEC
    assert days(read("Can we meet on 12/8?", now=now)) == ["2026-12-08"]  # US zone: month first
    assert days(read("Can we meet on 8/12?", now=now, tz="Europe/London")) == ["2026-12-08"]  # day first
    assert days(read("Can we meet on 8/12?", now=now, locale="en-GB")) == ["2026-12-08"]  # the sender's locale
    assert days(read("Can we meet on 12/8?", now=now, tz="Europe/London", locale="en-US")) == ["2026-12-08"]
    assert days(read("Can we meet on 13/12?", now=now)) == ["2026-12-13"]  # month 13 is impossible: day first
    assert days(read("Can we meet on 8.12.?", now=now)) == ["2026-12-08"]  # dotted: always day first
    assert days(read("Can we meet on 8.12.2026?", now=now)) == ["2026-12-08"]


def test_a_weekday_list_shares_its_qualifier() -> None:
    assert days(read("Could we meet next Monday or Tuesday?")) == ["2026-11-16", "2026-11-17"]


def test_typos_in_day_names() -> None:
    assert days(read("could we meet on thrusday?")) == ["2026-11-12"]
    assert days(read("can we talk tomorow?")) == ["2026-11-10"]
    assert days(read("cant do monday, can we meet tuesday")) == ["2026-11-10"]


# -- DST -----------------------------------------------------------------------------------------


def test_next_tuesday_across_the_fall_back_keeps_the_wall_clock() -> None:
    reading = read("Could we do next Tuesday at 9am?", now=FRIDAY_BEFORE_DST)
    assert reading.when is not None
    assert reading.when.days == (Day(date(2026, 11, 3), at=time(9)),)
    (start,) = reading.when.starts()
    assert start.utcoffset() == timedelta(hours=-5)  # EST, where the Friday was EDT
    assert start.astimezone(UTC) == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    friday = read("Could we do today at 9am?", now=FRIDAY_BEFORE_DST.replace(hour=7))
    assert friday.when is not None
    assert friday.when.starts()[0].astimezone(UTC) == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)


def test_next_week_across_the_change_is_seven_calendar_days_on() -> None:
    reading = read("Could we meet next week?", now=FRIDAY_BEFORE_DST)
    assert span(reading) == (date(2026, 11, 2), date(2026, 11, 6))


def test_today_is_the_date_where_the_reader_is_not_in_utc() -> None:
    late = datetime(2026, 10, 31, 3, 30, tzinfo=UTC)  # 23:30 on Friday 30 October in New York
    assert days(read("Can we talk tomorrow?", now=late)) == ["2026-10-31"]
    assert days(read("Can we talk tomorrow?", now=late, tz="Europe/London")) == ["2026-11-01"]


def test_the_counterparts_today_is_used_when_their_zone_is_known() -> None:
    # 10:00 Monday in New York is 02:00 Tuesday in Sydney: their "tomorrow" is Wednesday
    assert days(read("I'm in Sydney. Could we talk tomorrow?")) == ["2026-11-11"]


@settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(NY)),
    weekday=st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
)
def test_next_weekday_is_always_that_weekday_in_the_following_week(now: datetime, weekday: str) -> None:
    reading = read(f"Could we meet next {weekday} at 9am?", now=now)
    assert reading.when is not None
    (day,) = reading.when.days
    today = now.date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    assert monday <= day.on < monday + timedelta(days=7)
    assert day.on.strftime("%A") == weekday
    assert reading.when.starts()[0].astimezone(NY).hour == 9


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_reads_without_an_error(text: str) -> None:
    reading = read(text)
    assert reading.kind in {"request", "pick", "counter", "decline", "none"}


# -- parts of the day, times ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "window"),
    [
        ("Thursday afternoon", "12:00-17:00"),
        ("Thursday morning", "09:00-12:00"),
        ("Thursday after 3pm", "15:00-18:00"),
        ("Thursday before 11", "08:00-11:00"),
        ("Thursday between 2 and 4", "14:00-16:00"),
        ("Thursday from 10am to 12pm", "10:00-12:00"),
        ("Thursday 2-3pm", "14:00-15:00"),
        ("Thursday 11-1pm", "11:00-13:00"),
        ("Thursday at end of day", "16:00-18:00"),
        ("lunch on Thursday", "12:00-14:00"),
        ("Thursday evening", "17:00-20:00"),
        ("Thursday PM", "12:00-17:00"),
        ("Thursday late afternoon", "15:00-17:00"),
        ("Thursday after lunch", "13:00-17:00"),
    ],
)
def test_parts_of_the_day(phrase: str, window: str) -> None:
    assert days(read(f"Could we meet {phrase}?")) == [f"2026-11-12 {window}"]


def test_the_parts_of_day_table_is_ordered_windows() -> None:
    assert all(w.start < w.end for w in PARTS_OF_DAY.values())
    assert str(PARTS_OF_DAY["afternoon"]) == "12:00-17:00"


@pytest.mark.parametrize(
    ("phrase", "at"),
    [
        ("Tuesday at 2", "14:00"),
        ("Tuesday at 10", "10:00"),
        ("Tuesday at 3:30pm", "15:30"),
        ("Tuesday at 14:00", "14:00"),
        ("Tuesday at 9.30am", "09:30"),
        ("Tuesday at 14h30", "14:30"),
        ("Tuesday at noon", "12:00"),
        ("Tuesday at 3 o'clock", "15:00"),
        ("Tuesday at 8 in the evening", "20:00"),
        ("Tuesday at half past ten", "10:30"),
        ("Tuesday at quarter to 3", "14:45"),
    ],
)
def test_explicit_times(phrase: str, at: str) -> None:
    assert days(read(f"Could we meet {phrase}?")) == [f"2026-11-10 {at}"]


def test_a_window_after_several_days_applies_to_each() -> None:
    assert days(read("Could we meet Tuesday or Wednesday afternoon?")) == [
        "2026-11-10 12:00-17:00",
        "2026-11-11 12:00-17:00",
    ]
    assert days(read("Could we do Tuesday at 2 or Thursday morning?")) == ["2026-11-10 14:00", "2026-11-12 09:00-12:00"]
    assert days(read("Could we do Tuesday at 2 or 4?")) == ["2026-11-10 14:00", "2026-11-10 16:00"]


def test_a_part_of_day_said_apart_from_the_day_applies_to_it() -> None:
    assert days(read("Could we meet Thursday? Mornings are best for me.")) == ["2026-11-12 09:00-12:00"]


def test_a_time_with_no_day_is_when_at() -> None:
    reading = read("Could we do a call at 3:30pm?")
    assert reading.when == When(tz="America/New_York", at=time(15, 30))


# -- ranges --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "first", "last"),
    [
        ("next week", "2026-11-16", "2026-11-20"),
        ("early next week", "2026-11-16", "2026-11-17"),
        ("mid next week", "2026-11-17", "2026-11-19"),
        ("late next week", "2026-11-19", "2026-11-20"),
        ("later this week", "2026-11-10", "2026-11-13"),
        ("this week", "2026-11-09", "2026-11-13"),
        ("the week of the 23rd", "2026-11-23", "2026-11-27"),
        ("before Friday", "2026-11-09", "2026-11-12"),
        ("by Friday", "2026-11-09", "2026-11-13"),
        ("by the 15th", "2026-11-09", "2026-11-15"),
        ("sometime in January", "2027-01-01", "2027-01-31"),
        ("in early February", "2027-02-01", "2027-02-10"),
        ("in the next couple of weeks", "2026-11-09", "2026-11-23"),
        ("in the next few days", "2026-11-09", "2026-11-12"),
        ("in two weeks", "2026-11-23", "2026-11-27"),
        ("the week after next", "2026-11-23", "2026-11-27"),
        ("next month", "2026-12-01", "2026-12-31"),
        ("later this month", "2026-11-10", "2026-11-30"),
        ("this weekend", "2026-11-14", "2026-11-15"),
        ("Tuesday to Thursday", "2026-11-10", "2026-11-12"),
        ("between Tuesday and Thursday", "2026-11-10", "2026-11-12"),
        ("Dec 14-16", "2026-12-14", "2026-12-16"),
    ],
)
def test_ranges(phrase: str, first: str, last: str) -> None:
    assert span(read(f"Could we find time to meet {phrase}?")) == (date.fromisoformat(first), date.fromisoformat(last))


def test_after_a_day_is_open_ended() -> None:
    assert span(read("Could we meet after the 15th?")) == (date(2026, 11, 16), None)
    assert read("Could we meet after the 15th?").normalized()["when"]["range"] == ["2026-11-16", None]


def test_a_weekday_within_a_range_is_the_one_in_the_range() -> None:
    reading = read("Could we meet the week of the 23rd, ideally Wednesday?")
    assert days(reading) == ["2026-11-25"]
    assert span(reading) == (date(2026, 11, 23), date(2026, 11, 27))


# -- exclusions ----------------------------------------------------------------------------------


def test_not_a_day() -> None:
    reading = read("Could we meet next week, but not Wednesday?")
    assert reading.when is not None
    assert reading.when.excluded == (date(2026, 11, 18),)


def test_any_day_but() -> None:
    reading = read("Any day but Thursday works for a call next week.")
    assert reading.when is not None
    assert reading.when.excluded == (date(2026, 11, 19),)
    assert span(reading) == (date(2026, 11, 16), date(2026, 11, 20))


def test_days_the_sender_is_away_are_excluded() -> None:
    reading = read("I'm away on Wednesday - could we meet Thursday?")
    assert days(reading) == ["2026-11-12"]
    assert reading.when is not None and reading.when.excluded == (date(2026, 11, 11),)


def test_a_list_of_days_that_do_not_work_is_excluded_whole() -> None:
    reading = read("Could we meet next week? Monday and Tuesday don't work for me.")
    assert reading.when is not None
    assert reading.when.excluded == (date(2026, 11, 16), date(2026, 11, 17))


# -- zones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("I'm in London this week; could we talk Thursday?", "Europe/London"),
        ("We're based in Singapore. Could we talk Thursday?", "Asia/Singapore"),
        ("Could we talk Thursday at 9am PST?", "America/Los_Angeles"),
        ("Could we talk Thursday at 9am Pacific?", "America/Los_Angeles"),
        ("I'm on Pacific Time - could we talk Thursday?", "America/Los_Angeles"),
        ("Could we talk Thursday at 15:00 CET?", "Europe/Berlin"),
        ("Could we talk Thursday, mornings my time (Sydney)?", "Australia/Sydney"),
        ("I'm in Reykjavik - could we talk Thursday?", "Atlantic/Reykjavik"),
        ("I'm a Toronto-based founder; could we talk Thursday?", "America/Toronto"),
        ("I'm on the West Coast, could we talk Thursday?", "America/Los_Angeles"),
    ],
)
def test_the_counterparts_zone(text: str, zone: str) -> None:
    assert read(text).timezone == zone


def test_times_are_read_in_the_zone_written_with_them() -> None:
    reading = read("Could we talk Thursday at 4pm CET?")
    assert reading.when is not None and reading.when.tz == "Europe/Berlin"
    assert reading.when.starts()[0].astimezone(NY).hour == 10
    yours = read("I'm in Dubai. Could we talk Thursday at 4pm your time?")
    assert yours.timezone == "Asia/Dubai"
    assert yours.when is not None and yours.when.tz == "America/New_York"


def test_one_time_written_in_two_zones_is_one_time() -> None:
    assert days(read("Could we talk Thursday at 1pm ET / 10am PT?")) == ["2026-11-12 13:00"]


def test_the_date_header_offset_is_a_weak_hint() -> None:
    header = "Mon, 09 Nov 2026 16:00:00 +0100"
    reading = read("Could we talk Thursday?", date_header=header)
    assert (reading.timezone, reading.timezone_source) == ("Europe/Berlin", "date-header")
    assert read("Could we talk Thursday?", date_header="Mon, 09 Nov 2026 15:00:00 +0000").timezone is None
    assert read("Could we talk Thursday?", date_header="Mon, 09 Nov 2026 10:00:00 -0500").timezone is None
    stated = read("I'm in Paris - could we talk Thursday?", date_header=header)
    assert (stated.timezone, stated.timezone_source) == ("Europe/Paris", "place")


def test_no_zone_when_none_is_said() -> None:
    assert read("Could we talk Thursday?").timezone is None


def test_an_unknown_executive_zone_is_an_error() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        read("Could we talk Thursday?", tz="Mars/Olympus")


# -- attendees and topic -------------------------------------------------------------------------


def test_attendees_from_cc_and_from_the_text() -> None:
    reading = read(
        "Could we meet Thursday? I'll bring my colleague Omar (omar@x.io), and Lena Fischer will join too.",
        cc=["Kate Moss <kate@y.com>", "dana@exec.example"],
        me=["dana@exec.example"],
        sender="Pat <pat@y.com>",
    )
    assert [str(a) for a in reading.attendees] == ["kate@y.com", "omar@x.io", "Lena Fischer"]
    assert [a.source for a in reading.attendees] == ["cc", "body", "body"]


def test_a_person_named_in_the_text_and_cc_d_is_listed_once() -> None:
    reading = read("Could we meet Thursday? I've looped in Kate.", cc=[Address("Kate Moss", "kate@y.com")])
    assert [str(a) for a in reading.attendees] == ["kate@y.com"]


def test_the_sender_is_not_an_attendee() -> None:
    reading = read("Could we meet Thursday?", cc=["pat@y.com"], sender="Pat <pat@y.com>")
    assert reading.attendees == ()


@pytest.mark.parametrize(
    ("subject", "text", "topic"),
    [
        ("Re: Fwd: Q4 hiring plan", "Could we meet Thursday?", "Q4 hiring plan"),
        ("RE: [External] Call request: pricing review", "Could we meet Thursday?", "pricing review"),
        ("Quick call?", "Could we meet Thursday to discuss the lease extension?", "lease extension"),
        ("Catch up", "Could we meet Thursday?", None),
        ("", "Could we meet Thursday to go over your travel budget next week?", "travel budget"),
    ],
)
def test_the_topic(subject: str, text: str, topic: str | None) -> None:
    assert read(text, subject=subject).topic == topic


def test_clean_subject() -> None:
    assert clean_subject("Re: RE: Fwd: [EXT] Budget") == "Budget"
    assert clean_subject("AW: WG: Termin") == "Termin"


# -- kinds: pick, counter, decline ----------------------------------------------------------------

OFFERED = [datetime(2026, 11, 10, 11, 0, tzinfo=NY), datetime(2026, 11, 12, 16, 0, tzinfo=NY)]


def test_a_pick_by_its_time_is_matched_to_the_offer() -> None:
    reading = read("Thursday at 4 is good for me.", subject="Re: Times", proposed=OFFERED)
    assert (reading.kind, reading.choice) == ("pick", 2)
    assert days(reading) == ["2026-11-12 16:00"]


@pytest.mark.parametrize(("text", "choice"), [("The first one is best.", 1), ("Second option, please.", 2)])
def test_a_pick_by_its_rank(text: str, choice: int) -> None:
    reading = read(text, subject="Re: Times", proposed=OFFERED)
    assert (reading.kind, reading.choice) == ("pick", choice)
    assert reading.when is not None and reading.when.starts() == [OFFERED[choice - 1]]


def test_a_pick_of_options_listed_in_the_quoted_offer() -> None:
    text = (
        "The second works.\n\nOn Mon, Nov 9, 2026 at 9:00 AM Dana Whitfield <dana@exec.example> wrote:\n"
        "> Would one of these suit you?\n> - Wednesday 11/11 at 9am\n> - Friday 11/13 at 3pm\n"
    )
    reading = read(text, subject="Re: Meeting")
    assert (reading.kind, reading.choice, days(reading)) == ("pick", 2, ["2026-11-13 15:00"])


def test_a_question_about_a_slot_is_not_a_pick() -> None:
    assert read("Would Thursday at 4 work for you?", subject="Re: Times", proposed=OFFERED).kind == "request"


def test_a_pick_answers_an_offer() -> None:
    assert read("Thursday at 4 works for the call.").kind == "request"  # nothing was offered: a proposal


@pytest.mark.parametrize(
    "text",
    [
        "Tuesday won't work for me. What about Wednesday?",
        "I can't make Tuesday - is Wednesday possible instead?",
        "Sadly Tuesday is fully booked. Wednesday would be better.",
    ],
)
def test_a_counter_proposal(text: str) -> None:
    reading = read(text, subject="Re: Times")
    assert reading.kind == "counter"
    assert days(reading) == ["2026-11-11"]
    assert reading.when is not None and reading.when.excluded == (date(2026, 11, 10),)


def test_a_counter_without_another_slot() -> None:
    reading = read("Neither of those times work for me, sorry.", subject="Re: Times")
    assert (reading.kind, reading.when) == ("counter", None)


@pytest.mark.parametrize(
    "text",
    [
        "We'll pass for now - thanks for thinking of us.",
        "A meeting is no longer needed; we found a solution.",
        "We've decided against it, so please cancel our call.",
        "I'm going to pass on this one.",
    ],
)
def test_a_decline(text: str) -> None:
    reading = read(text, subject="Re: Intro call")
    assert (reading.kind, reading.when, reading.duration) == ("decline", None, None)


def test_cancelling_one_meeting_and_proposing_another_is_a_counter() -> None:
    reading = read("I have to cancel Tuesday's call. Could we do Friday instead?", subject="Re: Sync")
    assert reading.kind == "counter"
    assert days(reading) == ["2026-11-13"]


# -- false hits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The car is back from the garage.",
        "We should grab a drink at the bar some time.",
        "Do you have the signed copy?",
        "Do let me know about the bar tab.",
        "May I send you the draft?",
        "May from accounts asked about the invoice.",
        "March on, everyone!",
        "The Sun covered the launch.",
        "Sat down with the team to review numbers.",
        "The second draft is attached.",
        "Just a second, I'll find it.",
        "It was a 2 hour drive each way.",
        "I met him on Tuesday at the conference.",
        "We spoke last Wednesday about the lease.",
        "Your invoice is due on Friday, November 13.",
        "Your parcel arrives Thursday between 9 and 12.",
        "Our newsletter: big news on Monday! Unsubscribe at any time.",
        "The venue is closed on Sundays.",
        "I waited 20 minutes for the train.",
    ],
)
def test_texts_that_ask_for_no_meeting_read_as_nothing(text: str) -> None:
    assert read(text) == Reading(kind="none")


def test_dateparser_false_hits_are_not_dates_here() -> None:
    for word in ("car", "bar", "Do"):
        assert read(f"Could we talk about the {word}?").when is None


def test_may_and_march_are_months_with_a_day_or_a_preposition() -> None:
    assert days(read("Could we meet on May 5?", now=datetime(2027, 4, 1, 9, tzinfo=NY))) == ["2027-05-05"]
    assert span(read("Could we meet in March?", now=WEDNESDAY_DEC)) == (date(2027, 3, 1), date(2027, 3, 31))
    assert read("You may want to meet on the 3rd floor.").when is None


def test_the_past_is_not_a_constraint_but_the_future_in_the_same_sentence_is() -> None:
    reading = read("We met on Tuesday and I'd like to follow up with a call on Thursday.")
    assert days(reading) == ["2026-11-12"]


def test_a_due_date_is_not_a_meeting_constraint() -> None:
    reading = read("The invoice is due by the 20th. Could we have a call on Thursday to go through it?")
    assert days(reading) == ["2026-11-12"]
    assert reading.when is not None and reading.when.earliest is None


def test_the_signature_and_the_quoted_text_are_not_read() -> None:
    text = (
        "Could we talk Thursday?\n\nBest,\nAmy\nAvailable Mon-Fri 9-5 PST\n\n"
        "On Mon, Nov 9, 2026 at 9:00 AM Dana <dana@exec.example> wrote:\n> Are you free Friday at 3?\n"
    )
    reading = read(text)
    assert days(reading) == ["2026-11-12"]
    assert reading.timezone is None


# -- the reply's own text ------------------------------------------------------------------------


def test_reply_text_keeps_only_what_the_sender_wrote() -> None:
    text = (
        "Thursday works.\n> Would Thursday work?\n\n-- \nAmy Chen\nCEO\n\n"
        "From: Dana <dana@exec.example>\nSent: Monday\nSubject: Meeting\n\nOld text"
    )
    assert reply_text(text) == "Thursday works."


def test_reply_text_of_a_forward_with_no_note_is_the_forward() -> None:
    text = "FYI\n\n---------- Forwarded message ---------\nFrom: Tom <tom@x.com>\nSubject: Hi\n\nCan we meet Friday?"
    assert reply_text(text) == "Can we meet Friday?"


def test_reply_text_stops_at_a_wrapped_gmail_header() -> None:
    text = "Sounds good.\n\nOn Mon, Nov 9, 2026 at 9:00 AM Dana Whitfield <\ndana@exec.example> wrote:\n> Tuesday?"
    assert reply_text(text) == "Sounds good."


# -- a parsed message ----------------------------------------------------------------------------


def test_read_message_uses_the_headers() -> None:
    raw = (
        b"From: Lars Berg <lars@berg.se>\r\n"
        b"To: Dana Whitfield <dana@exec.example>, Ingrid <ingrid@berg.se>\r\n"
        b"Cc: Per <per@berg.se>\r\n"
        b"Subject: Re: Supplier contract\r\n"
        b"Date: Mon, 09 Nov 2026 16:00:00 +0100\r\n"
        b"Content-Language: sv-SE\r\n"
        b"In-Reply-To: <offer@exec.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Could we meet on 12/11 at 10:00 for an hour?\r\n"
    )
    reading = read_message(Message(raw), tz="America/New_York", me=["dana@exec.example"])
    assert reading.kind == "request"
    assert reading.duration == 60
    assert (reading.timezone, reading.timezone_source) == ("Europe/Berlin", "date-header")  # +0100: a weak hint
    assert days(reading) == ["2026-11-12 10:00"]  # Swedish locale: day first
    assert [str(a) for a in reading.attendees] == ["ingrid@berg.se", "per@berg.se"]
    assert reading.topic == "Supplier contract"


def test_read_message_without_a_date_needs_now() -> None:
    message = Message(b"Subject: Hi\r\n\r\nCan we meet Friday?\r\n")
    with pytest.raises(ValueError, match="Date"):
        read_message(message, tz="America/New_York")
    assert days(read_message(message, tz="America/New_York", now=MONDAY)) == ["2026-11-13"]


# -- the public form -----------------------------------------------------------------------------


def test_normalized_form() -> None:
    reading = read("Could we do 30 minutes next week, Tuesday at 2 or Wednesday afternoon, but not Friday?")
    assert reading.normalized() == {
        "kind": "request",
        "duration": 30,
        "tz": None,
        "when": {
            "days": ["2026-11-17 14:00", "2026-11-18 12:00-17:00"],
            "range": ["2026-11-16", "2026-11-20"],
            "window": None,
            "at": None,
            "not": ["2026-11-20"],
            "tz": "America/New_York",
        },
        "attendees": [],
        "topic": None,
        "choice": None,
    }


def test_window_and_day_text_forms() -> None:
    assert str(Window(time(9), time(12))) == "09:00-12:00"
    assert str(Day(date(2026, 11, 3))) == "2026-11-03"
    assert time(10) in Window(time(9), time(12))


def test_everything_in_all_exists_and_every_public_name_defined_is_listed() -> None:
    exported = set(understanding.__all__)
    assert all(hasattr(understanding, name) for name in exported)
    tree = ast.parse(Path(understanding.__file__).read_text())
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    public = {n for n in defined if not n.startswith("_")} - {"__all__"}
    assert public <= exported, f"not in __all__: {sorted(public - exported)}"


# -- the corpus ----------------------------------------------------------------------------------


def test_the_corpus_is_read_accurately_and_no_negative_reads_as_anything(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import scheduling_eval

    report = scheduling_eval.evaluate()
    assert report["cases"] >= 200
    assert report["negatives"] >= 40
    assert report["false_positives"] == 0, [m["id"] for m in report["mistakes"]]
    assert report["exact"] >= 0.9, [m["id"] for m in report["mistakes"]]
    out = tmp_path / "eval.json"
    assert scheduling_eval.main(["--json", str(out), "--quiet"]) == 0
    assert out.exists()
