"""Calendar invitations by email (iMIP): build them, wrap them in mail, read them back, check them.

RFC 5546 (iTIP) says what each scheduling message holds: a ``REQUEST``
invites (or re-invites after a change), a ``CANCEL`` withdraws the event with
its ``SEQUENCE`` raised, a ``REPLY`` carries one attendee's answer. RFC 6047
(iMIP) says how they travel: a ``text/calendar`` part whose ``method=``
parameter equals the object's ``METHOD``, here inside a
``multipart/alternative`` next to a plain-text summary, and optionally the
same object again as an ``invite.ics`` attachment (``application/ics``, so no
client acts on it twice) for mail readers that show only attachments.

This module also holds the iCalendar side of ``mailflow.calendars.Event``
(``to_vevent``, ``apply_event``, ``from_vevent``, ``ical_document``), which
the CalDAV connector stores and reads with. Times with an IANA zone are
written with ``TZID`` and a ``VTIMEZONE``; other aware times are written in
UTC. Floating times and dates that come in are read in the ``timezone`` the
caller gives (UTC unless told).

``check_request`` lists what keeps an iCalendar text, or a whole email, from
being a valid ``REQUEST``; tests run it on what reaches the SMTP server.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import SMTP
from email.policy import default as default_policy
from enum import StrEnum
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import icalendar

from .calendars import HOLD_PROPERTY, Attendee, Event, EventStatus, PartStat, Role
from .model import Address

log = logging.getLogger("mailflow.imip")
_E = TypeVar("_E", bound=StrEnum)

PRODID = "-//mailflow//mailflow calendar//EN"
ATTACHMENT_NAME = "invite.ics"
_TIMEZONE_YEARS_RECURRING = 10  # a VTIMEZONE for a recurring event covers this many years after it


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


# -- values between Event and iCalendar -------------------------------------------


def _ical_time(value: datetime) -> datetime:
    """An aware time iCalendar can write: kept in its IANA zone (``TZID``), else turned into UTC."""
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC"):
        return value
    return value.astimezone(UTC)


def _localize(value: date | datetime, zone: tzinfo) -> datetime:
    """A DTSTART-like value as an aware datetime: dates at midnight and floating times in ``zone``."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), zone)


def add_duration(start: datetime, duration: timedelta) -> datetime:
    """``start`` plus an iCalendar duration: whole days on the wall clock, the rest in elapsed time.

    RFC 5545 section 3.3.6: ``P1D`` across a DST change is still the same
    time the next day, while ``PT24H`` is 24 real hours.
    """
    days = timedelta(days=duration.days)
    rest = duration - days
    wall = start + days  # aware arithmetic with one tzinfo keeps the wall-clock time
    return (wall.astimezone(UTC) + rest).astimezone(wall.tzinfo)


def _address_email(value: object) -> str:
    text = str(value).strip()
    return text[7:] if text.lower().startswith("mailto:") else text


def _params(value: object) -> dict[str, str]:
    params = getattr(value, "params", None)
    if params is None:
        return {}
    return {str(k).upper(): str(v) for k, v in params.items()}


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _enum_or(kind: type[_E], value: str | None, fallback: _E) -> _E:
    """An enum member by value; unknown and x-name values count as ``fallback`` (RFC 5545 says so)."""
    try:
        return kind((value or "").upper())
    except ValueError:
        return fallback


def _attendee_of(value: object) -> Attendee:
    params = _params(value)
    return Attendee(
        email=_address_email(value),
        name=params.get("CN", ""),
        partstat=_enum_or(PartStat, params.get("PARTSTAT"), PartStat.NEEDS_ACTION),
        role=_enum_or(Role, params.get("ROLE"), Role.REQUIRED),
        rsvp=params.get("RSVP", "FALSE").upper() == "TRUE",
    )


def _cal_address(email_address: str, params: dict[str, str]) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{email_address}")
    for key, item in params.items():
        value.params[key] = item
    return value


def _attendee_params(attendee: Attendee, *, rsvp: bool = True) -> dict[str, str]:
    params = {"CUTYPE": "INDIVIDUAL", "ROLE": str(attendee.role), "PARTSTAT": str(attendee.partstat)}
    if rsvp:
        params["RSVP"] = "TRUE" if attendee.rsvp else "FALSE"
    if attendee.name:
        params["CN"] = attendee.name
    return params


def _date_value(component: icalendar.Component, name: str) -> date | datetime | None:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    found = getattr(value, "dt", None)
    return found if isinstance(found, date) else None


def _duration_value(component: icalendar.Component) -> timedelta | None:
    value = component.get("DURATION")
    found = getattr(value, "dt", None)
    return found if isinstance(found, timedelta) else None


def event_times(component: icalendar.Component, zone: tzinfo) -> tuple[datetime, datetime, bool]:
    """``(start, end, all_day)`` of a VEVENT, aware; ``DURATION`` and a missing ``DTEND`` as RFC 5545 says."""
    raw_start = _date_value(component, "DTSTART")
    if raw_start is None:
        raise ValueError(f"VEVENT {_text(component, 'UID')!r} has no DTSTART")
    all_day = not isinstance(raw_start, datetime)
    start = _localize(raw_start, zone)
    raw_end = _date_value(component, "DTEND")
    duration = _duration_value(component)
    if raw_end is not None:
        end = _localize(raw_end, start.tzinfo or zone)
    elif duration is not None:
        end = add_duration(start, duration)
    else:
        end = add_duration(start, timedelta(days=1)) if all_day else start  # section 3.6.1
    return start, max(start, end), all_day


def _organizer_of(component: icalendar.Component) -> Address | None:
    value = component.get("ORGANIZER")
    if value is None:
        return None
    return Address(name=_params(value).get("CN", ""), email=_address_email(value))


def _sequence_of(component: icalendar.Component) -> int:
    try:
        return max(0, int(str(component.get("SEQUENCE", 0))))
    except ValueError:
        return 0


def _recurrence_id_of(component: icalendar.Component, zone: tzinfo) -> datetime | None:
    value = _date_value(component, "RECURRENCE-ID")
    return _localize(value, zone) if value is not None else None


def from_vevent(
    component: icalendar.Component,
    *,
    timezone: tzinfo = UTC,
    etag: str | None = None,
    href: str | None = None,
) -> Event:
    """The ``Event`` a VEVENT describes; floating times and dates are read in ``timezone``.

    Raises ``ValueError`` when it has no DTSTART.
    """
    start, end, all_day = event_times(component, timezone)
    rules = _as_list(component.get("RRULE"))
    hold = component.get(HOLD_PROPERTY)
    return Event(
        uid=_text(component, "UID"),
        summary=_text(component, "SUMMARY"),
        start=start,
        end=end,
        attendees=tuple(_attendee_of(a) for a in _as_list(component.get("ATTENDEE"))),
        organizer=_organizer_of(component),
        status=_enum_or(EventStatus, _text(component, "STATUS"), EventStatus.CONFIRMED),
        sequence=_sequence_of(component),
        etag=etag,
        href=href,
        all_day=all_day,
        transparent=_text(component, "TRANSP").upper() == "TRANSPARENT",
        description=_text(component, "DESCRIPTION"),
        location=_text(component, "LOCATION"),
        rrule=rules[0].to_ical().decode() if rules else None,
        recurrence_id=_recurrence_id_of(component, timezone),
        hold_key=str(hold) if hold is not None else None,
    )


def _set(component: icalendar.Component, name: str, value: object, params: dict[str, str] | None = None) -> None:
    component.pop(name, None)
    if value is not None and value != "":
        component.add(name, value, parameters=params or {})


def apply_event(component: icalendar.Component, event: Event, *, stamp: datetime | None = None) -> None:
    """Write ``event`` over a VEVENT, keeping what the model does not carry (alarms, X- properties, EXDATEs).

    Attendees keep the parameters of theirs the model lacks (``DELEGATED-FROM``,
    ``X-NUM-GUESTS`` ...); ``DTSTAMP`` and ``LAST-MODIFIED`` become ``stamp``.
    """
    now = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    _set(component, "UID", event.uid)
    _set(component, "DTSTAMP", now)
    _set(component, "LAST-MODIFIED", now)
    _set(component, "SUMMARY", event.summary)
    component.pop("DURATION", None)
    if event.all_day:
        _set(component, "DTSTART", event.start.date())
        _set(component, "DTEND", max(event.end.date(), event.start.date() + timedelta(days=1)))
    else:
        _set(component, "DTSTART", _ical_time(event.start))
        _set(component, "DTEND", _ical_time(event.end))
    if event.recurrence_id is not None:
        recurrence = event.recurrence_id.date() if event.all_day else _ical_time(event.recurrence_id)
        _set(component, "RECURRENCE-ID", recurrence)
    _set(component, "STATUS", str(event.status))
    _set(component, "SEQUENCE", event.sequence)
    _set(component, "TRANSP", "TRANSPARENT" if event.transparent else "OPAQUE")
    _set(component, "DESCRIPTION", event.description)
    _set(component, "LOCATION", event.location)
    if event.rrule:
        _set(component, "RRULE", icalendar.vRecur.from_ical(event.rrule))
    else:
        component.pop("RRULE", None)
    _set(component, HOLD_PROPERTY, event.hold_key)
    if event.organizer is not None:
        params = {"CN": event.organizer.name} if event.organizer.name else {}
        _set(component, "ORGANIZER", _cal_address(event.organizer.email, params))
    else:
        component.pop("ORGANIZER", None)
    before = {_address_email(a).lower(): _params(a) for a in _as_list(component.get("ATTENDEE"))}
    component.pop("ATTENDEE", None)
    for attendee in event.attendees:
        params = {**before.get(attendee.email.lower(), {}), **_attendee_params(attendee)}
        if not attendee.name:
            params.pop("CN", None)
        component.add("ATTENDEE", _cal_address(attendee.email, params))


def to_vevent(event: Event, *, stamp: datetime | None = None) -> icalendar.Event:
    """A new VEVENT for ``event`` (``DTSTAMP`` is ``stamp``, now by default)."""
    component = icalendar.Event()
    apply_event(component, event, stamp=stamp)
    return component


def _time_span(components: Iterable[icalendar.Component]) -> tuple[date, date]:
    """The first and last dates the VTIMEZONEs of these components must cover (recurring ones go on for years)."""
    dates: list[date] = []
    recurring = False
    for component in components:
        recurring = recurring or "RRULE" in component or "RDATE" in component
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            value = _date_value(component, name)
            if value is not None:
                dates.append(value.date() if isinstance(value, datetime) else value)
    if not dates:
        dates = [datetime.now(UTC).date()]
    first, last = min(dates), max(dates)
    years = _TIMEZONE_YEARS_RECURRING if recurring else 1
    return first - timedelta(days=31), date(last.year + years, 12, 31)


def add_timezones(document: icalendar.Calendar) -> None:
    """Add a VTIMEZONE for each TZID the document uses and lacks (RFC 5545 section 3.6.5 wants them)."""
    first, last = _time_span(c for c in document.walk() if c.name != "VTIMEZONE")
    document.add_missing_timezones(first, last)


def ical_document(components: Sequence[icalendar.Component], *, method: str | None = None) -> icalendar.Calendar:
    """A VCALENDAR around the components, with PRODID, VERSION, METHOD and a VTIMEZONE per TZID used."""
    document = icalendar.Calendar()
    document.add("PRODID", PRODID)
    document.add("VERSION", "2.0")
    document.add("CALSCALE", "GREGORIAN")
    if method:
        document.add("METHOD", method)
    for component in components:
        document.add_component(component)
    add_timezones(document)
    return document


def _to_text(document: icalendar.Calendar) -> str:
    return cast(bytes, document.to_ical()).decode("utf-8")


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
    return _to_text(ical_document([_scheduling_vevent(event, stamp)], method=Method.REQUEST))


def build_cancel(event: Event, *, stamp: datetime | None = None) -> str:
    """A ``METHOD:CANCEL`` object for the event as last sent: ``SEQUENCE`` + 1, ``STATUS:CANCELLED``."""
    if not event.attendees:
        raise ValueError(f"event {event.uid!r} has no attendees to tell")
    cancelled = replace(event, status=EventStatus.CANCELLED, sequence=event.sequence + 1)
    return _to_text(ical_document([_scheduling_vevent(cancelled, stamp)], method=Method.CANCEL))


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
    component.add("ATTENDEE", _cal_address(answering.email, _attendee_params(answering, rsvp=False)))
    for name in ("STATUS", "TRANSP", "DESCRIPTION", "RRULE"):
        component.pop(name, None)
    if comment:
        component.add("COMMENT", comment)
    return _to_text(ical_document([component], method=Method.REPLY))


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
        has_start = _date_value(component, "DTSTART") is not None
        found.append(
            Invitation(
                method=method,
                uid=_text(component, "UID"),
                sequence=_sequence_of(component),
                status=_enum_or(EventStatus, _text(component, "STATUS"), EventStatus.CONFIRMED),
                organizer=_organizer_of(component),
                attendees=tuple(_attendee_of(a) for a in _as_list(component.get("ATTENDEE"))),
                recurrence_id=_recurrence_id_of(component, timezone),
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
    return len(_as_list(component.get(name)))


def _used_tzids(component: icalendar.Component) -> set[str]:
    used: set[str] = set()
    for sub in component.walk():
        if sub.name == "VTIMEZONE":
            continue
        for value in sub.values():
            for item in _as_list(value):
                tzid = _params(item).get("TZID")
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
    sequence = _as_list(component.get("SEQUENCE"))
    if len(sequence) > 1:
        problems.append(f"{label}: SEQUENCE appears {len(sequence)} times (once is allowed)")
    elif sequence and (not str(sequence[0]).isdigit()):
        problems.append(f"{label}: SEQUENCE is {sequence[0]!s}, not a non-negative integer")
    if _count(component, "DTEND") and _count(component, "DURATION"):
        problems.append(f"{label}: both DTEND and DURATION are given (one at most)")
    status = _text(component, "STATUS").upper()
    if status and status not in ("CONFIRMED", "TENTATIVE"):
        problems.append(f"{label}: STATUS is {status}; a REQUEST may be CONFIRMED or TENTATIVE")
    for name in ("ORGANIZER", "ATTENDEE"):
        for value in _as_list(component.get(name)):
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
        uid = _text(component, "UID")
        problems += _check_vevent(component, f"{label} {uid!r}" if uid else label)
    if len({_text(c, "UID") for c in vevents}) > 1:
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
    "PRODID",
    "Invitation",
    "Method",
    "add_duration",
    "add_timezones",
    "apply_event",
    "build_cancel",
    "build_reply",
    "build_request",
    "check_request",
    "event_times",
    "from_vevent",
    "ical_document",
    "imip_message",
    "parse_ics",
    "parse_invitations",
    "to_vevent",
]
