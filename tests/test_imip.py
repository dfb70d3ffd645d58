"""iMIP: REQUEST, CANCEL and REPLY built, wrapped in email, parsed back and checked against RFC 5546."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from connectors.outbound import MailOut
from mailflow.calendars import Attendee, Event, EventStatus, PartStat, Role
from mailflow.config import SmtpConfig
from mailflow.imip import (
    Invitation,
    build_cancel,
    build_reply,
    build_request,
    check_request,
    imip_message,
    parse_ics,
    parse_invitations,
)
from mailflow.model import Address
from tests.servers.smtp import SmtpServer

NY = ZoneInfo("America/New_York")
ORGANIZER = Address("Dana Whitfield", "dana@acme.example")
STAMP = datetime(2026, 10, 20, 12, tzinfo=UTC)


def review(**fields: object) -> Event:
    values: dict[str, object] = {
        "uid": "review-2026q4@acme.example",
        "summary": "Quarterly review",
        "start": datetime(2026, 11, 2, 10, tzinfo=NY),
        "end": datetime(2026, 11, 2, 11, tzinfo=NY),
        "organizer": ORGANIZER,
        "attendees": (
            Attendee("exec@client.example", "Sam Exec"),
            Attendee("bo@acme.example", "Bo Lin", role=Role.OPTIONAL),
        ),
        "location": "Room 4",
        "sequence": 2,
    }
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def vevent(ics: str) -> icalendar.Component:
    (component,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return component


def prop(component: icalendar.Component, name: str) -> Any:
    """A property as icalendar holds it (one value, or a list of them); its type depends on the property."""
    return component[name]


def without(ics: str, *names: str) -> str:
    """The object with these properties taken out of its VEVENT (METHOD out of the VCALENDAR)."""
    document = icalendar.Calendar.from_ical(ics)
    for name in names:
        document.pop(name, None)
        for component in document.walk("VEVENT"):
            component.pop(name, None)
    return bytes(document.to_ical()).decode()


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=default_policy).parsebytes(raw)


def parts(raw: bytes) -> list[EmailMessage]:
    return list(parse(raw).walk())


def calendar_part(raw: bytes) -> EmailMessage:
    (part,) = [p for p in parts(raw) if p.get_content_type() == "text/calendar"]
    return part


# -- building ------------------------------------------------------------------------


def test_a_request_has_what_rfc_5546_asks_of_one() -> None:
    ics = build_request(review(), stamp=STAMP)
    document = icalendar.Calendar.from_ical(ics)
    event = vevent(ics)
    assert (str(prop(document, "METHOD")), str(prop(document, "VERSION"))) == ("REQUEST", "2.0")
    assert "PRODID" in document
    assert [str(z["TZID"]) for z in document.walk("VTIMEZONE")] == ["America/New_York"]
    assert prop(event, "DTSTART").params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART") == datetime(2026, 11, 2, 10, tzinfo=NY)
    assert (str(prop(event, "UID")), int(prop(event, "SEQUENCE")), str(prop(event, "SUMMARY"))) == (
        "review-2026q4@acme.example",
        2,
        "Quarterly review",
    )
    assert event.decoded("DTSTAMP") == STAMP
    assert str(prop(event, "ORGANIZER")) == "mailto:dana@acme.example"
    assert prop(event, "ORGANIZER").params["CN"] == "Dana Whitfield"
    first, second = prop(event, "ATTENDEE")
    assert str(first) == "mailto:exec@client.example"
    assert {k: first.params[k] for k in ("PARTSTAT", "RSVP", "ROLE", "CN")} == {
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
        "ROLE": "REQ-PARTICIPANT",
        "CN": "Sam Exec",
    }
    assert second.params["ROLE"] == "OPT-PARTICIPANT"
    assert "X-MAILFLOW-HOLD" not in event
    assert check_request(ics) == []


def test_a_request_parses_back_into_the_event_it_was_built_from() -> None:
    original = review()
    (invitation,) = parse_ics(build_request(original))
    assert (invitation.method, invitation.understood) == ("REQUEST", True)
    got = invitation.event
    assert got is not None
    assert (got.uid, got.summary, got.sequence, got.location) == (original.uid, original.summary, 2, "Room 4")
    assert (got.start, got.end, got.organizer, got.status) == (original.start, original.end, ORGANIZER, original.status)
    assert got.attendees == original.attendees


def test_a_recurring_all_day_request_keeps_its_rule_and_dates() -> None:
    ics = build_request(
        review(
            start=datetime(2026, 11, 4, tzinfo=NY),
            end=datetime(2026, 11, 5, tzinfo=NY),
            all_day=True,
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    )
    event = vevent(ics)
    assert "VALUE=DATE" in ics and event.decoded("DTSTART") == datetime(2026, 11, 4).date()
    assert prop(event, "RRULE").to_ical() == b"FREQ=WEEKLY;COUNT=4"
    assert check_request(ics) == []


def test_a_cancel_raises_the_sequence_and_says_cancelled() -> None:
    ics = build_cancel(review(sequence=2), stamp=STAMP)
    event = vevent(ics)
    assert str(prop(icalendar.Calendar.from_ical(ics), "METHOD")) == "CANCEL"
    assert (int(prop(event, "SEQUENCE")), str(prop(event, "STATUS"))) == (3, "CANCELLED")
    assert [str(a) for a in prop(event, "ATTENDEE")] == ["mailto:exec@client.example", "mailto:bo@acme.example"]
    (invitation,) = parse_ics(ics)
    assert (invitation.method, invitation.status, invitation.sequence) == (
        "CANCEL",
        EventStatus.CANCELLED,
        3,
    )
    assert "VCALENDAR: METHOD is CANCEL, not REQUEST" in check_request(ics)


@pytest.mark.parametrize("answer", [PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE])
def test_a_reply_carries_the_one_attendee_and_their_answer(answer: PartStat) -> None:
    ics = build_reply(review(), "exec@client.example", answer, stamp=STAMP)
    event = vevent(ics)
    assert str(prop(icalendar.Calendar.from_ical(ics), "METHOD")) == "REPLY"
    attendee = prop(event, "ATTENDEE")
    assert not isinstance(attendee, list), "exactly one ATTENDEE"
    assert (str(attendee), attendee.params["PARTSTAT"], attendee.params["CN"]) == (
        "mailto:exec@client.example",
        str(answer),
        "Sam Exec",
    )
    assert (str(prop(event, "UID")), int(prop(event, "SEQUENCE")), str(prop(event, "ORGANIZER"))) == (
        "review-2026q4@acme.example",
        2,
        "mailto:dana@acme.example",
    )
    (invitation,) = parse_ics(ics)
    assert invitation.method == "REPLY"
    assert [(a.email, a.partstat) for a in invitation.attendees] == [("exec@client.example", answer)]
    assert invitation.event is not None and invitation.event.start == review().start


def test_building_refuses_what_cannot_be_sent() -> None:
    with pytest.raises(ValueError, match="no organizer"):
        build_request(review(organizer=None))
    with pytest.raises(ValueError, match="no attendees"):
        build_request(review(attendees=()))
    with pytest.raises(ValueError, match="build_cancel"):
        build_request(review(status=EventStatus.CANCELLED))
    with pytest.raises(ValueError, match="ACCEPTED, DECLINED or TENTATIVE"):
        build_reply(review(), "exec@client.example", PartStat.NEEDS_ACTION)


# -- check_request -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID", "ATTENDEE"])
def test_check_request_reports_each_missing_vevent_property(name: str) -> None:
    problems = check_request(without(build_request(review()), name))
    assert len(problems) == 1, problems
    assert name in problems[0] and "missing" in problems[0]


def test_check_request_reports_a_missing_method_and_a_missing_prodid() -> None:
    assert check_request(without(build_request(review()), "METHOD")) == [
        "VCALENDAR: METHOD is missing (a REQUEST says METHOD:REQUEST)"
    ]
    assert check_request(without(build_request(review()), "PRODID")) == ["VCALENDAR: PRODID is missing"]


def test_check_request_takes_a_missing_sequence_as_zero_but_not_a_negative_one() -> None:
    ics = without(build_request(review()), "SEQUENCE")
    assert check_request(ics) == []
    (invitation,) = parse_ics(ics)
    assert invitation.sequence == 0
    broken = ics.replace("UID:review", "SEQUENCE:-1\r\nUID:review")
    assert any("SEQUENCE is -1" in p for p in check_request(broken))


def test_check_request_reports_a_tzid_without_its_vtimezone() -> None:
    document = icalendar.Calendar.from_ical(build_request(review()))
    document.subcomponents = [c for c in document.subcomponents if c.name != "VTIMEZONE"]
    assert check_request(document.to_ical()) == ["VCALENDAR: TZID America/New_York is used but no VTIMEZONE defines it"]


def test_check_request_reports_several_problems_at_once_and_garbage() -> None:
    problems = check_request(without(build_request(review()), "DTSTAMP", "UID", "ORGANIZER"))
    assert len(problems) == 3
    assert check_request("BEGIN:VCALENDAR\r\nthis is not iCalendar") != []
    assert check_request(b"Subject: hello\r\n\r\nno calendar here\r\n") == ["the email has no text/calendar part"]


def test_check_request_compares_the_mime_method_with_method() -> None:
    ics = build_request(review())
    assert check_request(ics, mime_method="REQUEST") == []
    assert check_request(ics, mime_method="CANCEL") == [
        "the MIME method parameter (CANCEL) does not match METHOD (REQUEST)"
    ]


# -- email ---------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Event], str]] = {
    "REQUEST": build_request,
    "CANCEL": build_cancel,
    "REPLY": lambda event: build_reply(event, "exec@client.example", PartStat.ACCEPTED),
}


@pytest.mark.parametrize("method", list(BUILDERS))
def test_an_imip_email_is_text_and_calendar_alternatives_with_method_equal_to_method(method: str) -> None:
    ics = BUILDERS[method](review())
    raw = bytes(imip_message(ics, sender=ORGANIZER, to=["exec@client.example"]))
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF throughout"
    tree = [(p.get_content_type(), p.get_filename()) for p in parts(raw)]
    assert tree == [
        ("multipart/mixed", None),
        ("multipart/alternative", None),
        ("text/plain", None),
        ("text/calendar", None),
        ("application/ics", "invite.ics"),
    ]
    part = calendar_part(raw)
    assert f"Content-Type: text/calendar; method={method}; charset=UTF-8\r\n".encode() in raw, "written unquoted"
    assert str(prop(icalendar.Calendar.from_ical(part.get_content()), "METHOD")) == part.get_param("method") == method
    attachment = parts(raw)[-1]
    assert attachment.get_content().decode() == ics, "the attachment is the same object"


def test_an_imip_email_has_a_readable_summary_and_can_go_without_attachment() -> None:
    raw = bytes(imip_message(build_request(review()), sender=ORGANIZER, to=["exec@client.example"], attach=False))
    message = parse(raw)
    assert message.get_content_type() == "multipart/alternative"
    # folded onto its own line by the email package; unfolded it reads the same
    assert str(message["Subject"]).strip() == (
        "Invitation: Quarterly review @ Mon 02 Nov 2026 10:00-11:00 (America/New_York)"
    )
    assert message["From"] == "Dana Whitfield <dana@acme.example>"
    text = next(p for p in parts(raw) if p.get_content_type() == "text/plain").get_content()
    assert "Quarterly review" in text and "Where: Room 4" in text and "Sam Exec" in text
    cancelled = parse(bytes(imip_message(build_cancel(review()), sender=ORGANIZER, to=["x@y.example"])))
    assert str(cancelled["Subject"]).strip().startswith("Cancelled: Quarterly review")


def test_non_ascii_text_travels_quoted_printable_and_comes_back_intact() -> None:
    event = review(summary="Café with Zoë, about the Q4 plan; ☕", description="Bring the numbers: €, ¥")
    raw = bytes(imip_message(build_request(event), sender=ORGANIZER, to=["exec@client.example"]))
    assert raw.isascii()
    assert calendar_part(raw)["Content-Transfer-Encoding"] == "quoted-printable"
    (invitation,) = parse_invitations(raw)
    assert invitation.event is not None
    assert (invitation.event.summary, invitation.event.description) == (event.summary, event.description)
    assert check_request(raw) == []


def test_check_request_on_an_email_checks_the_method_parameter_of_its_calendar_part() -> None:
    raw = bytes(imip_message(build_request(review()), sender=ORGANIZER, to=["exec@client.example"]))
    assert check_request(raw) == []
    header = b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8"
    assert header in raw
    mismatched = raw.replace(header, b"Content-Type: text/calendar; method=CANCEL; charset=UTF-8")
    assert check_request(mismatched) == [
        "text/calendar part: the MIME method parameter (CANCEL) does not match METHOD (REQUEST)"
    ]
    missing = raw.replace(header, b"Content-Type: text/calendar; charset=UTF-8")
    assert check_request(missing) == ["text/calendar part: no method= parameter (RFC 6047 section 2.4 requires it)"]


# -- reading -------------------------------------------------------------------------


def test_parse_invitations_reads_each_method_once_though_it_comes_inline_and_attached() -> None:
    event = review()
    found: dict[str, Invitation] = {}
    for method, build in BUILDERS.items():
        raw = bytes(imip_message(build(event), sender=ORGANIZER, to=["exec@client.example"]))
        (found[method],) = parse_invitations(raw)
    assert {m: (i.method, i.mime_method) for m, i in found.items()} == {m: (m, m) for m in BUILDERS}
    assert found["REQUEST"].attendees[0].partstat is PartStat.NEEDS_ACTION
    assert (found["CANCEL"].status, found["CANCEL"].sequence) == (EventStatus.CANCELLED, 3)
    assert found["REPLY"].attendees[0].partstat is PartStat.ACCEPTED
    assert all(i.uid == event.uid and i.organizer == ORGANIZER for i in found.values())


OUTLOOK_INVITE = """\
From: Dana Whitfield <dana@acme.example>
To: exec@client.example
Subject: Quarterly review
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="utf-8"

When: Monday, November 2, 2026 10:00 AM-11:00 AM (UTC-05:00) Eastern Time

--b1
Content-Type: text/calendar; charset="utf-8"; method=REQUEST
Content-Transfer-Encoding: base64

{payload}
--b1--
"""

OUTLOOK_ICS = """\
BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Dana Whitfield:mailto:dana@acme.example
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Sam Exec:mailto:exec@client.example
SUMMARY;LANGUAGE=en-US:Quarterly review
DTSTART;TZID=Eastern Standard Time:20261102T100000
DTEND;TZID=Eastern Standard Time:20261102T110000
UID:040000008200E00074C5B7101A82E00800000000D0F1
SEQUENCE:0
DTSTAMP:20261020T120000Z
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR
"""


def test_an_invitation_from_another_client_is_read_with_its_own_time_zone() -> None:
    payload = base64.encodebytes(OUTLOOK_ICS.replace("\n", "\r\n").encode()).decode()
    raw = OUTLOOK_INVITE.format(payload=payload).replace("\n", "\r\n").encode()
    (invitation,) = parse_invitations(raw)
    event = invitation.event
    assert event is not None
    assert (invitation.method, invitation.mime_method, event.summary) == ("REQUEST", "REQUEST", "Quarterly review")
    assert event.start.astimezone(UTC) == datetime(2026, 11, 2, 15, tzinfo=UTC), "10:00 EST"
    assert event.end - event.start == datetime(2026, 1, 1, 1) - datetime(2026, 1, 1)
    assert event.attendee("EXEC@client.example") == Attendee("exec@client.example", "Sam Exec")
    assert check_request(raw) == []


def test_a_reply_without_dtstart_is_still_read_for_who_answered_what() -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        "UID:review-2026q4@acme.example\r\nSEQUENCE:2\r\nDTSTAMP:20261021T090000Z\r\n"
        "ORGANIZER:mailto:dana@acme.example\r\nATTENDEE;PARTSTAT=DECLINED:mailto:exec@client.example\r\n"
        "RECURRENCE-ID;TZID=America/New_York:20261109T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (invitation,) = parse_ics(ics, timezone=NY)
    assert (invitation.method, invitation.uid, invitation.sequence, invitation.event) == (
        "REPLY",
        "review-2026q4@acme.example",
        2,
        None,
    )
    assert invitation.attendees == (Attendee("exec@client.example", partstat=PartStat.DECLINED, rsvp=False),)
    assert invitation.recurrence_id == datetime(2026, 11, 9, 9, tzinfo=NY)


def test_an_ics_attachment_is_read_when_there_is_no_text_calendar_part() -> None:
    message = EmailMessage()
    message["Subject"] = "invite"
    message.set_content("see attachment")
    message.add_attachment(
        build_request(review()).encode(), maintype="application", subtype="octet-stream", filename="meeting.ics"
    )
    (invitation,) = parse_invitations(message.as_bytes())
    assert (invitation.method, invitation.mime_method) == ("REQUEST", None)


def test_a_broken_calendar_part_is_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    raw = bytes(imip_message(build_request(review()), sender=ORGANIZER, to=["exec@client.example"], attach=False))
    broken = raw.replace(b"BEGIN:VEVENT", b"BEGIN:VEVENT\r\nDTSTART:not-a-date", 1)
    with caplog.at_level(logging.WARNING, logger="mailflow.imip"):
        assert parse_invitations(broken) == []
    assert "not valid iCalendar" in caplog.text


def test_floating_and_all_day_times_are_read_in_the_zone_given() -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:f\r\n"
        "DTSTAMP:20261020T120000Z\r\nDTSTART:20261102T100000\r\nDTEND:20261102T110000\r\nSUMMARY:floating\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:f\r\nRECURRENCE-ID;VALUE=DATE:20261103\r\nDTSTAMP:20261020T120000Z\r\n"
        "DTSTART;VALUE=DATE:20261103\r\nSUMMARY:all day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    floating, all_day = (i.event for i in parse_ics(ics, timezone=NY))
    assert floating is not None and all_day is not None
    assert floating.start == datetime(2026, 11, 2, 10, tzinfo=NY) and not floating.all_day
    assert all_day.all_day and (all_day.start, all_day.end) == (
        datetime(2026, 11, 3, tzinfo=NY),
        datetime(2026, 11, 4, tzinfo=NY),
    )


# -- through a real SMTP server -----------------------------------------------------


def test_a_request_that_reaches_the_smtp_server_passes_check_request(smtp_server: SmtpServer) -> None:
    event = replace(review(), summary="Café review")
    message = imip_message(build_request(event), sender=ORGANIZER, to=[a.email for a in event.attendees])
    out = MailOut(SmtpConfig(host="127.0.0.1", port=smtp_server.port, tls="none", timeout=10), None)
    out.send(bytes(message), ORGANIZER.email, [a.email for a in event.attendees])
    smtp_server.wait_for(1)
    (received,) = smtp_server.received
    assert received.recipients == ["exec@client.example", "bo@acme.example"]
    assert check_request(received.data) == []
    (invitation,) = parse_invitations(received.data)
    assert invitation.event is not None
    assert (invitation.uid, invitation.event.summary) == (event.uid, "Café review")
