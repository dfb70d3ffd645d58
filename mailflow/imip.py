"""Calendar invitations by email (iMIP): build them, wrap them in mail, read them back, check them.

RFC 5546 (iTIP) says what each scheduling message holds: a ``REQUEST``
invites (or re-invites after a change), a ``CANCEL`` withdraws the event with
its ``SEQUENCE`` raised, a ``REPLY`` carries one attendee's answer. RFC 6047
(iMIP) says how they travel: a ``text/calendar`` part whose ``method=``
parameter equals the object's ``METHOD``, here inside a
``multipart/alternative`` next to a plain-text summary, and optionally the
same object again as an ``invite.ics`` attachment (``application/ics``, so no
client acts on it twice) for mail readers that show only attachments.

The events themselves are written and read by ``mailflow.ical``. Floating
times and dates that come in are read in the ``timezone`` the caller gives
(UTC unless told).

``check_request`` lists what keeps an iCalendar text, or a whole email, from
being a valid ``REQUEST``; tests run it on what reaches the SMTP server.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import SMTP
from email.policy import default as default_policy
from enum import StrEnum
from zoneinfo import ZoneInfo

import icalendar

from .calendars import Attendee, Event, EventStatus, PartStat
from .ical import (
    as_list,
    attendee_of,
    attendee_params,
    cal_address,
    date_value,
    enum_or,
    from_vevent,
    ical_document,
    organizer_of,
    params_of,
    recurrence_id_of,
    sequence_of,
    text_of,
    to_text,
    to_vevent,
)
from .model import Address

log = logging.getLogger("mailflow.imip")

ATTACHMENT_NAME = "invite.ics"


class Method(StrEnum):
    """The iTIP methods mailflow builds and understands (RFC 5546 section 1.4)."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    REPLY = "REPLY"


@dataclass(frozen=True)
class Invitation:
    """One scheduling message found in an email: what it is about, who it concerns, and the raw object.

    ``method`` is the object's ``METHOD`` as written (``REQUEST``, ``CANCEL``
    and ``REPLY`` are understood; others such as ``PUBLISH`` or ``COUNTER``
    are passed on as read), or None when it has none. For a ``REPLY``,
    ``attendees`` holds the one attendee who answered, with their
    ``PARTSTAT``. ``event`` is the whole event, or None when the object has
    no DTSTART (RFC 5546 lets a CANCEL or a REPLY leave it out).
    """

    method: str | None
    uid: str
    sequence: int
    status: EventStatus
    organizer: Address | None
    attendees: tuple[Attendee, ...]
    recurrence_id: datetime | None  # set when it is about one occurrence of a series
    event: Event | None
    mime_method: str | None  # the text/calendar part's method= parameter
    ics: str

    @property
    def understood(self) -> bool:
        return self.method in set(Method)


# -- iTIP messages -----------------------------------------------------------------


def _scheduling_vevent(event: Event, stamp: datetime | None) -> icalendar.Event:
    if event.organizer is None:
        raise ValueError(f"event {event.uid!r} has no organizer: an invitation needs one (RFC 5546)")
    component = to_vevent(replace(event, hold_key=None), stamp=stamp)
    component.pop("LAST-MODIFIED", None)
    return component


def build_request(event: Event, *, stamp: datetime | None = None) -> str:
    """A ``METHOD:REQUEST`` object inviting the event's attendees (RFC 5546 section 3.2.2).

    Attendees are written as the event has them (by default
    ``PARTSTAT=NEEDS-ACTION;RSVP=TRUE;ROLE=REQ-PARTICIPANT``). To re-invite
    after a change of time or attendees, send it with ``SEQUENCE`` raised.
    """
    if not event.attendees:
        raise ValueError(f"event {event.uid!r} has no attendees to invite")
    if event.status is EventStatus.CANCELLED:
        raise ValueError(f"event {event.uid!r} is cancelled: send build_cancel instead")
    return to_text(ical_document([_scheduling_vevent(event, stamp)], method=Method.REQUEST))


def build_cancel(event: Event, *, stamp: datetime | None = None) -> str:
    """A ``METHOD:CANCEL`` object for the event as last sent: ``SEQUENCE`` + 1, ``STATUS:CANCELLED``."""
    if not event.attendees:
        raise ValueError(f"event {event.uid!r} has no attendees to tell")
    cancelled = replace(event, status=EventStatus.CANCELLED, sequence=event.sequence + 1)
    return to_text(ical_document([_scheduling_vevent(cancelled, stamp)], method=Method.CANCEL))


def build_reply(
    event: Event, attendee: str, partstat: PartStat, *, stamp: datetime | None = None, comment: str = ""
) -> str:
    """A ``METHOD:REPLY`` object: ``attendee`` answers the event's organizer (RFC 5546 section 3.2.3).

    The one ``ATTENDEE`` carries ``partstat`` (``ACCEPTED``, ``DECLINED`` or
    ``TENTATIVE``); ``SEQUENCE`` is the one of the request being answered.
    """
    if partstat not in (PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE):
        raise ValueError(f"a REPLY answers ACCEPTED, DECLINED or TENTATIVE, not {partstat}")
    invited = event.attendee(attendee) or Attendee(email=attendee)
    answering = replace(invited, partstat=partstat)
    component = _scheduling_vevent(replace(event, attendees=()), stamp)
    component.add("ATTENDEE", cal_address(answering.email, attendee_params(answering, rsvp=False)))
    for name in ("STATUS", "TRANSP", "DESCRIPTION", "RRULE"):
        component.pop(name, None)
    if comment:
        component.add("COMMENT", comment)
    return to_text(ical_document([component], method=Method.REPLY))


# -- email -------------------------------------------------------------------------


def _when(event: Event) -> str:
    zone = event.start.tzinfo
    label = zone.key if isinstance(zone, ZoneInfo) else event.start.strftime("%Z") or "UTC"
    if event.all_day:
        return event.start.strftime("%a %d %b %Y") + " (all day)"
    return f"{event.start:%a %d %b %Y %H:%M}-{event.end:%H:%M} ({label})"


def _summary_text(method: str, event: Event) -> tuple[str, str]:
    """A default subject and plain-text body for a scheduling message."""
    title = event.summary or "(no title)"
    if method == Method.CANCEL:
        subject = f"Cancelled: {title} @ {_when(event)}"
        intro = "This event has been cancelled."
    elif method == Method.REPLY:
        answer = event.attendees[0] if event.attendees else None
        verb = str(answer.partstat).title().replace("-", " ") if answer else "Reply"
        who = (answer.name or answer.email) if answer else "An attendee"
        subject = f"{verb}: {title} @ {_when(event)}"
        intro = f"{who} answered: {verb}."
    else:
        subject = f"Invitation: {title} @ {_when(event)}"
        intro = "You are invited to this event."
    lines = [intro, "", title, f"When: {_when(event)}"]
    if event.location:
        lines.append(f"Where: {event.location}")
    if event.organizer is not None:
        lines.append(f"Organizer: {event.organizer}")
    if event.attendees and method != Method.REPLY:
        lines.append("Attendees: " + ", ".join(a.name or a.email for a in event.attendees))
    if event.description:
        lines += ["", event.description]
    return subject, "\n".join(lines) + "\n"


def _transfer_encoding(text: str) -> str:
    """7bit when it can be; else quoted-printable, which any SMTP server carries (8BITMIME or not)."""
    return "7bit" if text.isascii() else "quoted-printable"


def imip_message(
    ics: str,
    *,
    sender: str | Address,
    to: Sequence[str | Address],
    subject: str | None = None,
    text: str | None = None,
    attach: bool = True,
    message_id: str | None = None,
    sent: datetime | None = None,
) -> EmailMessage:
    """An iMIP email carrying ``ics`` (RFC 6047): ``text/plain`` and ``text/calendar; method=...`` as alternatives.

    The ``method=`` parameter is the object's ``METHOD``. With ``attach``,
    the same object also comes as an ``invite.ics`` attachment. ``sender``
    should be the ``ORGANIZER`` of a REQUEST or CANCEL and the ``ATTENDEE``
    of a REPLY (RFC 6047 section 3). Serialize with ``bytes(message)``
    (CRLF line ends, ready for SMTP).
    """
    document = icalendar.Calendar.from_ical(ics)
    method = str(document.get("METHOD", "")).upper()
    if not method:
        raise ValueError("the iCalendar object has no METHOD: an iMIP message needs one")
    vevents = document.walk("VEVENT")
    if not vevents:
        raise ValueError("the iCalendar object has no VEVENT")
    event = from_vevent(vevents[0])
    default_subject, default_text = _summary_text(method, event)
    message = EmailMessage(policy=SMTP)
    message["From"] = str(sender)
    message["To"] = ", ".join(str(t) for t in to)
    message["Subject"] = subject or default_subject
    message["Date"] = email.utils.format_datetime(sent or datetime.now(UTC))
    domain = str(sender).rpartition("@")[2].strip(">") or "mailflow.invalid"
    message["Message-ID"] = message_id or email.utils.make_msgid(domain=domain)
    body = text or default_text
    message.set_content(body, cte=_transfer_encoding(body))
    message.add_alternative(ics, subtype="calendar", cte=_transfer_encoding(ics))
    part = list(message.iter_parts())[-1]
    del part["Content-Type"]
    del part["MIME-Version"]
    # set_raw: written as given (the policy would quote the values, which some clients mind)
    part.set_raw("Content-Type", f"text/calendar; method={method}; charset=UTF-8")
    if attach:
        message.add_attachment(ics.encode("utf-8"), maintype="application", subtype="ics", filename=ATTACHMENT_NAME)
    return message


# -- reading -----------------------------------------------------------------------


def parse_ics(ics: str | bytes, *, mime_method: str | None = None, timezone: tzinfo = UTC) -> list[Invitation]:
    """Every VEVENT of an iCalendar object as an ``Invitation``; raises ``ValueError`` if it cannot be read."""
    text = ics.decode("utf-8", "replace") if isinstance(ics, bytes) else ics
    document = icalendar.Calendar.from_ical(text)
    method_value = document.get("METHOD")
    method = str(method_value).upper() if method_value is not None else None
    found = []
    for component in document.walk("VEVENT"):
        has_start = date_value(component, "DTSTART") is not None
        found.append(
            Invitation(
                method=method,
                uid=text_of(component, "UID"),
                sequence=sequence_of(component),
                status=enum_or(EventStatus, text_of(component, "STATUS"), EventStatus.CONFIRMED),
                organizer=organizer_of(component),
                attendees=tuple(attendee_of(a) for a in as_list(component.get("ATTENDEE"))),
                recurrence_id=recurrence_id_of(component, timezone),
                event=from_vevent(component, timezone=timezone) if has_start else None,
                mime_method=mime_method,
                ics=text,
            )
        )
    return found


def _message_of(raw: bytes | str | Message) -> Message:
    if isinstance(raw, Message):
        return raw
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    return BytesParser(policy=default_policy).parsebytes(data)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _calendar_parts(message: Message) -> list[Message]:
    """The ``text/calendar`` parts; failing those, ``.ics`` attachments (``application/ics`` and the like)."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if parts:
        return parts
    return [
        p
        for p in message.walk()
        if not p.is_multipart()
        and (p.get_content_type() == "application/ics" or (p.get_filename() or "").lower().endswith(".ics"))
    ]


def _mime_method(part: Message) -> str | None:
    value = part.get_param("method")
    return str(value).strip().upper() if isinstance(value, str) and value.strip() else None


def parse_invitations(raw: bytes | str | Message, *, timezone: tzinfo = UTC) -> list[Invitation]:
    """The scheduling messages in an email, from its ``text/calendar`` parts (or, lacking those, ``.ics`` files).

    The same object sent twice (inline and attached) is listed once; a part
    that is not valid iCalendar is skipped.
    """
    found: list[Invitation] = []
    seen: set[tuple[str | None, str, int, datetime | None]] = set()
    for part in _calendar_parts(_message_of(raw)):
        try:
            invitations = parse_ics(_part_text(part), mime_method=_mime_method(part), timezone=timezone)
        except ValueError as exc:
            log.warning("skipping a calendar part that is not valid iCalendar: %s", exc)
            continue
        for invitation in invitations:
            key = (invitation.method, invitation.uid, invitation.sequence, invitation.recurrence_id)
            if key not in seen:
                seen.add(key)
                found.append(invitation)
    return found


# -- checking a REQUEST ------------------------------------------------------------

_ONCE_IN_REQUEST = ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID")  # RFC 5546 section 3.2.2: exactly 1


def _count(component: icalendar.Component, name: str) -> int:
    return len(as_list(component.get(name)))


def _used_tzids(component: icalendar.Component) -> set[str]:
    used: set[str] = set()
    for sub in component.walk():
        if sub.name == "VTIMEZONE":
            continue
        for value in sub.values():
            for item in as_list(value):
                tzid = params_of(item).get("TZID")
                if tzid:
                    used.add(tzid)
    return used


def _check_vevent(component: icalendar.Component, label: str) -> list[str]:
    problems = []
    for name in _ONCE_IN_REQUEST:
        count = _count(component, name)
        if count == 0:
            problems.append(f"{label}: {name} is missing")
        elif count > 1:
            problems.append(f"{label}: {name} appears {count} times (once is allowed)")
    if _count(component, "ATTENDEE") == 0:
        problems.append(f"{label}: ATTENDEE is missing (a REQUEST invites at least one)")
    sequence = as_list(component.get("SEQUENCE"))
    if len(sequence) > 1:
        problems.append(f"{label}: SEQUENCE appears {len(sequence)} times (once is allowed)")
    elif sequence and (not str(sequence[0]).isdigit()):
        problems.append(f"{label}: SEQUENCE is {sequence[0]!s}, not a non-negative integer")
    if _count(component, "DTEND") and _count(component, "DURATION"):
        problems.append(f"{label}: both DTEND and DURATION are given (one at most)")
    status = text_of(component, "STATUS").upper()
    if status and status not in ("CONFIRMED", "TENTATIVE"):
        problems.append(f"{label}: STATUS is {status}; a REQUEST may be CONFIRMED or TENTATIVE")
    for name in ("ORGANIZER", "ATTENDEE"):
        for value in as_list(component.get(name)):
            if not str(value).lower().startswith("mailto:"):
                problems.append(f"{label}: {name} {value!s} is not a mailto: address (iMIP needs one)")
    for name, error in getattr(component, "errors", []):
        problems.append(f"{label}: {name} cannot be read ({error})")
    return problems


def _check_ics(text: str, mime_method: str | None) -> list[str]:
    try:
        document = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        return [f"not an iCalendar object: {exc}"]
    if document.name != "VCALENDAR":
        return [f"not an iCalendar object: it is a {document.name}, not a VCALENDAR"]
    problems = []
    if "PRODID" not in document:
        problems.append("VCALENDAR: PRODID is missing")
    if str(document.get("VERSION", "")) != "2.0":
        problems.append(f"VCALENDAR: VERSION is {document.get('VERSION')!s}, not 2.0")
    method_value = document.get("METHOD")
    method = str(method_value).upper() if method_value is not None else None
    if method is None:
        problems.append("VCALENDAR: METHOD is missing (a REQUEST says METHOD:REQUEST)")
    elif method != Method.REQUEST:
        problems.append(f"VCALENDAR: METHOD is {method}, not REQUEST")
    if mime_method is not None and method is not None and mime_method.upper() != method:
        problems.append(f"the MIME method parameter ({mime_method}) does not match METHOD ({method})")
    vevents = document.walk("VEVENT")
    if not vevents:
        problems.append("VCALENDAR: no VEVENT")
    for index, component in enumerate(vevents, 1):
        label = "VEVENT" if len(vevents) == 1 else f"VEVENT {index}"
        uid = text_of(component, "UID")
        problems += _check_vevent(component, f"{label} {uid!r}" if uid else label)
    if len({text_of(c, "UID") for c in vevents}) > 1:
        problems.append("VCALENDAR: the VEVENTs have different UIDs (a REQUEST is about one event)")
    if sum(1 for c in vevents if "RECURRENCE-ID" not in c) > 1:
        problems.append("VCALENDAR: more than one VEVENT without RECURRENCE-ID")
    defined = {str(tz.get("TZID")) for tz in document.walk("VTIMEZONE")}
    for tzid in sorted(_used_tzids(document) - defined - {"UTC"}):
        problems.append(f"VCALENDAR: TZID {tzid} is used but no VTIMEZONE defines it")
    return problems


def check_request(data: str | bytes, *, mime_method: str | None = None) -> list[str]:
    """What keeps ``data`` from being a valid iTIP ``REQUEST``; empty when it is one.

    ``data`` is an iCalendar object, or a whole email (as it reached the SMTP
    server), whose ``text/calendar`` parts are each checked with their
    ``method=`` parameter. Checked (RFC 5546 section 3.2.2, RFC 6047 section
    2.4): PRODID, VERSION:2.0, METHOD present and REQUEST; at least one
    VEVENT, each with exactly one DTSTAMP, DTSTART, ORGANIZER, SUMMARY and
    UID, at least one ATTENDEE, at most one SEQUENCE (a non-negative
    integer; absent means 0), not both DTEND and DURATION, no STATUS but
    CONFIRMED or TENTATIVE, mailto: addresses; one UID across the VEVENTs;
    a VTIMEZONE for each TZID used; and the MIME ``method=`` parameter
    present and equal to METHOD.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return _check_ics(text, mime_method)
    message = _message_of(data)
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return ["the email has no text/calendar part"]
    problems = []
    for index, part in enumerate(parts, 1):
        where = "text/calendar part" if len(parts) == 1 else f"text/calendar part {index}"
        found = _mime_method(part)
        if found is None:
            problems.append(f"{where}: no method= parameter (RFC 6047 section 2.4 requires it)")
        problems += [f"{where}: {p}" for p in _check_ics(_part_text(part), found)]
    return problems


__all__ = [
    "ATTACHMENT_NAME",
    "Invitation",
    "Method",
    "build_cancel",
    "build_reply",
    "build_request",
    "check_request",
    "imip_message",
    "parse_ics",
    "parse_invitations",
]
