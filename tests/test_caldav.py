"""The CalDAV connector against a real Radicale on loopback (tests/servers/radicale.py).

Other clients (the executive's phone, say) are played by plain httpx
requests, so what the connector reads was not necessarily written by it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from connectors.caldav import CalDavConnector
from mailflow.calendars import (
    Attendee,
    BusyInterval,
    BusyType,
    CalendarConnector,
    Conflict,
    Event,
    EventStatus,
    PartStat,
    hold_uid,
)
from mailflow.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError
from mailflow.model import Address
from tests.servers.radicale import RadicaleServer, RadicaleUser

NY = ZoneInfo("America/New_York")
RANGE = (datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC))
ORGANIZER = Address("Dana Whitfield", "dana@acme.example")


def owner(user: RadicaleUser) -> str:
    return f"{user.name}@example.test"


def connect(user: RadicaleUser, url: str | None = None, **options: Any) -> CalDavConnector:
    options.setdefault("addresses", [owner(user)])
    return CalDavConnector(url or user.base_url, user.name, user.password, timeout=10, **options)


@pytest.fixture
def connector(caldav_user: RadicaleUser) -> Iterator[CalDavConnector]:
    with connect(caldav_user) as opened:
        yield opened


def meeting(uid: str, start: datetime, end: datetime, **fields: Any) -> Event:
    return Event(uid=uid, summary=fields.pop("summary", uid.title()), start=start, end=end, **fields)


def vtimezone(tzid: str = "America/New_York") -> str:
    zone = icalendar.Timezone.from_tzid(tzid, first_date=date(2026, 1, 1), last_date=date(2027, 12, 31))
    return bytes(zone.to_ical()).decode()


def put_raw(user: RadicaleUser, name: str, body: str, **headers: str) -> httpx.Response:
    """Store a calendar object as another client would: a plain PUT, no precondition unless given."""
    response = httpx.put(
        f"{user.calendar}{name}",
        content=body.replace("\n", "\r\n").encode(),
        headers={"Content-Type": "text/calendar; charset=utf-8", **headers},
        auth=(user.name, user.password),
        timeout=10,
    )
    assert response.status_code in (201, 204), response.text
    return response


def get_raw(user: RadicaleUser, href: str) -> str:
    response = httpx.get(href, auth=(user.name, user.password), timeout=10)
    response.raise_for_status()
    return response.text


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that notes each request's method and body (what the connector asked)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.read()))
        return super().handle_request(request)

    def reports(self, kind: bytes) -> int:
        return sum(1 for method, body in self.requests if method == "REPORT" and kind in body)


class NoFreeBusyTransport(RecordingTransport):
    """A server without free-busy-query: it answers 501 to one, and passes everything else to Radicale."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "REPORT" and b"free-busy-query" in request.read():
            self.requests.append((request.method, request.read()))
            return httpx.Response(501, request=request)
        return super().handle_request(request)


# -- discovery -----------------------------------------------------------------------


def test_discovery_from_the_server_root_follows_well_known_to_the_principal_and_its_calendars(
    radicale_server: RadicaleServer, caldav_user: RadicaleUser
) -> None:
    work = radicale_server.make_calendar(caldav_user, "work", displayname="Work")
    radicale_server.make_calendar(caldav_user, "tasks", components=("VTODO",))
    with connect(caldav_user, radicale_server.url) as connector:
        assert connector.principal == caldav_user.principal_url
        assert connector.home == caldav_user.principal_url
        calendars = {c.id: c for c in connector.calendars()}
    assert set(calendars) == {caldav_user.calendar, work}, "the VTODO-only collection is left out"
    assert calendars[work].name == "Work"
    assert calendars[work].components == ("VEVENT",)
    assert not calendars[work].read_only
    assert isinstance(connector, CalendarConnector)


def test_discovery_also_starts_from_the_principal_url(caldav_user: RadicaleUser) -> None:
    with connect(caldav_user, caldav_user.principal_url) as connector:
        assert connector.home == caldav_user.principal_url
        assert [c.id for c in connector.calendars()] == [caldav_user.calendar]


# -- create, read, update, delete with ETags -------------------------------------------


def test_an_event_is_created_read_back_and_updated_with_its_etag(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    event = meeting(
        "kickoff-1@acme.example",
        datetime(2026, 11, 2, 10, tzinfo=NY),
        datetime(2026, 11, 2, 11, tzinfo=NY),
        summary="Kickoff",
        organizer=ORGANIZER,
        attendees=(Attendee("bo@acme.example", "Bo Lin"), Attendee(owner(caldav_user))),
        location="Room 4",
    )
    etag = connector.create_event(caldav_user.calendar, event)

    found = connector.find_event(caldav_user.calendar, event.uid)
    assert found is not None
    assert found.etag == etag
    assert (found.summary, found.location, found.organizer) == ("Kickoff", "Room 4", ORGANIZER)
    assert found.start == event.start and found.start.tzinfo == NY, "kept in its own zone (TZID)"
    assert [a.email for a in found.attendees] == ["bo@acme.example", owner(caldav_user)]
    assert found.attendees[0].name == "Bo Lin" and found.attendees[0].partstat is PartStat.NEEDS_ACTION

    moved = replace(found, start=datetime(2026, 11, 2, 14, tzinfo=NY), end=datetime(2026, 11, 2, 15, tzinfo=NY))
    new_etag = connector.update_event(caldav_user.calendar, replace(moved, sequence=found.sequence + 1))
    assert new_etag != etag
    again = connector.find_event(caldav_user.calendar, event.uid)
    assert again is not None
    assert (again.start, again.sequence, again.etag) == (moved.start, 1, new_etag)
    assert connector.find_event(caldav_user.calendar, "nobody-has-this-uid") is None


def test_creating_an_event_whose_uid_is_taken_is_a_conflict(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    event = meeting("taken", datetime(2026, 11, 2, 15, tzinfo=UTC), datetime(2026, 11, 2, 16, tzinfo=UTC))
    connector.create_event(caldav_user.calendar, event)
    with pytest.raises(Conflict, match="exists already") as caught:
        connector.create_event(caldav_user.calendar, replace(event, summary="Other"))
    assert caught.value.uid == "taken"
    stored = connector.find_event(caldav_user.calendar, "taken")
    assert stored is not None and stored.summary == "Taken", "the first one is untouched"


def test_an_update_after_someone_else_changed_the_event_is_a_conflict_and_changes_nothing(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    connector.create_event(
        caldav_user.calendar,
        meeting("contested", datetime(2026, 11, 3, 15, tzinfo=UTC), datetime(2026, 11, 3, 16, tzinfo=UTC)),
    )
    ours = connector.find_event(caldav_user.calendar, "contested")
    assert ours is not None and ours.href is not None
    theirs = get_raw(caldav_user, ours.href).replace("SUMMARY:Contested", "SUMMARY:Moved by the executive")
    put_raw(caldav_user, ours.href.rpartition("/")[2], theirs)

    with pytest.raises(Conflict, match="changed since it was read"):
        connector.update_event(caldav_user.calendar, replace(ours, summary="Ours"))
    with pytest.raises(Conflict):
        connector.cancel_event(caldav_user.calendar, ours)
    stored = connector.find_event(caldav_user.calendar, "contested")
    assert stored is not None and stored.summary == "Moved by the executive"


def test_a_delete_with_a_stale_etag_is_a_conflict_and_with_the_current_one_removes_the_event(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    event = meeting("doomed", datetime(2026, 11, 4, 15, tzinfo=UTC), datetime(2026, 11, 4, 16, tzinfo=UTC))
    first = connector.create_event(caldav_user.calendar, event)
    current = connector.update_event(caldav_user.calendar, replace(event, summary="Changed", etag=first))

    with pytest.raises(Conflict):
        connector.delete_event(caldav_user.calendar, "doomed", first)
    assert connector.find_event(caldav_user.calendar, "doomed") is not None
    assert connector.delete_event(caldav_user.calendar, "doomed", current) is True
    assert connector.find_event(caldav_user.calendar, "doomed") is None
    assert connector.delete_event(caldav_user.calendar, "doomed", current) is False, "already gone"


def test_an_update_keeps_what_the_model_does_not_carry(connector: CalDavConnector, caldav_user: RadicaleUser) -> None:
    put_raw(
        caldav_user,
        "phone.ics",
        """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//EN
BEGIN:VEVENT
UID:from-the-phone
DTSTAMP:20261001T000000Z
DTSTART:20261105T150000Z
DTEND:20261105T160000Z
SUMMARY:Dentist
X-PHONE-APP:kept
ATTENDEE;PARTSTAT=ACCEPTED;X-NUM-GUESTS=2:mailto:bo@acme.example
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER:-PT15M
END:VALARM
END:VEVENT
END:VCALENDAR
""",
    )
    found = connector.find_event(caldav_user.calendar, "from-the-phone")
    assert found is not None and found.href is not None
    connector.update_event(caldav_user.calendar, replace(found, summary="Dentist (moved)"))
    stored = icalendar.Calendar.from_ical(get_raw(caldav_user, found.href)).events[0]
    assert str(stored["SUMMARY"]) == "Dentist (moved)"
    assert str(stored["X-PHONE-APP"]) == "kept"
    assert [c.name for c in stored.subcomponents] == ["VALARM"]
    assert stored["ATTENDEE"].params["X-NUM-GUESTS"] == "2"


def test_a_cancelled_event_stays_with_its_sequence_raised_and_no_longer_fills_time(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    event = meeting("called-off", datetime(2026, 11, 6, 15, tzinfo=UTC), datetime(2026, 11, 6, 16, tzinfo=UTC))
    connector.create_event(caldav_user.calendar, replace(event, sequence=2))
    found = connector.find_event(caldav_user.calendar, "called-off")
    assert found is not None
    etag = connector.cancel_event(caldav_user.calendar, found)
    cancelled = connector.find_event(caldav_user.calendar, "called-off")
    assert cancelled is not None
    assert (cancelled.status, cancelled.sequence, cancelled.etag) == (EventStatus.CANCELLED, 3, etag)
    assert connector.busy(caldav_user.calendar, *RANGE) == []


# -- holds -------------------------------------------------------------------------------


def test_a_hold_is_tentative_and_opaque_found_by_its_key_made_once_and_released(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    key = "book:<CAF=x1@mail.acme.example>:slot 2"
    start, end = datetime(2026, 11, 5, 15, tzinfo=UTC), datetime(2026, 11, 5, 16, tzinfo=UTC)
    held = connector.hold(caldav_user.calendar, key, start, end, summary="Hold: call with Bo")
    assert (held.uid, held.status, held.transparent, held.hold_key) == (
        hold_uid(key),
        EventStatus.TENTATIVE,
        False,
        key,
    )
    assert connector.hold(caldav_user.calendar, key, start, end).etag == held.etag, "the same hold, not a second"
    other = connector.hold(caldav_user.calendar, "book:other", start, end)
    assert other.uid != held.uid

    found = connector.find_hold(caldav_user.calendar, key)
    assert found is not None and (found.uid, found.etag, found.summary) == (held.uid, held.etag, "Hold: call with Bo")
    stored = icalendar.Calendar.from_ical(get_raw(caldav_user, found.href or "")).events[0]
    assert (str(stored["STATUS"]), str(stored["TRANSP"]), str(stored["X-MAILFLOW-HOLD"])) == (
        "TENTATIVE",
        "OPAQUE",
        key,
    )
    assert connector.busy(caldav_user.calendar, *RANGE) == [BusyInterval(start, end, BusyType.TENTATIVE)]

    assert connector.release_hold(caldav_user.calendar, key) is True
    assert connector.find_hold(caldav_user.calendar, key) is None
    assert connector.release_hold(caldav_user.calendar, key) is False
    assert connector.find_hold(caldav_user.calendar, "book:other") is not None, "only that hold went"


# -- busy time ---------------------------------------------------------------------------


def busy_week(connector: CalDavConnector, calendar: str) -> None:
    """A weekly series across the DST change, an all-day event, one spanning the change, and ones that do not count."""
    events = [
        meeting(
            "standup",
            datetime(2026, 10, 19, 9, tzinfo=NY),
            datetime(2026, 10, 19, 9, 30, tzinfo=NY),
            rrule="FREQ=WEEKLY;UNTIL=20261117T000000Z",
        ),
        meeting("offsite", datetime(2026, 11, 4, tzinfo=UTC), datetime(2026, 11, 5, tzinfo=UTC), all_day=True),
        meeting("late-night", datetime(2026, 11, 1, 0, 30, tzinfo=NY), datetime(2026, 11, 1, 3, tzinfo=NY)),
        meeting(
            "maybe",
            datetime(2026, 11, 3, 15, tzinfo=UTC),
            datetime(2026, 11, 3, 16, tzinfo=UTC),
            status=EventStatus.TENTATIVE,
        ),
        meeting("overnight", datetime(2026, 10, 24, 22, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC)),
        meeting("focus", datetime(2026, 11, 3, 9, tzinfo=UTC), datetime(2026, 11, 3, 12, tzinfo=UTC), transparent=True),
        meeting(
            "dropped",
            datetime(2026, 11, 6, 9, tzinfo=UTC),
            datetime(2026, 11, 6, 10, tzinfo=UTC),
            status=EventStatus.CANCELLED,
        ),
        meeting("later", datetime(2026, 11, 20, 9, tzinfo=UTC), datetime(2026, 11, 20, 10, tzinfo=UTC)),
    ]
    for event in events:
        connector.create_event(calendar, event)


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


EXPECTED_BUSY = [
    BusyInterval(utc(10, 25, 0), utc(10, 25, 2)),  # "overnight", clipped to the range
    BusyInterval(utc(10, 26, 13), utc(10, 26, 13, 30)),  # standup, 09:00 EDT
    BusyInterval(utc(11, 1, 4, 30), utc(11, 1, 8)),  # 00:30 EDT to 03:00 EST: three and a half hours
    BusyInterval(utc(11, 2, 14), utc(11, 2, 14, 30)),  # standup, 09:00 EST after the change
    BusyInterval(utc(11, 3, 15), utc(11, 3, 16), BusyType.TENTATIVE),
    BusyInterval(utc(11, 4), utc(11, 5)),  # all day (the calendar reads dates in UTC)
    BusyInterval(utc(11, 9, 14), utc(11, 9, 14, 30)),
]


@pytest.mark.parametrize("free_busy_query", [True, False], ids=["free-busy-query", "calendar-query"])
def test_busy_time_covers_a_weekly_series_an_all_day_event_and_the_dst_change(
    caldav_user: RadicaleUser, free_busy_query: bool
) -> None:
    transport = RecordingTransport()
    with connect(caldav_user, free_busy_query=free_busy_query, transport=transport) as connector:
        busy_week(connector, caldav_user.calendar)
        busy = connector.busy(caldav_user.calendar, *RANGE)
    assert busy == EXPECTED_BUSY
    assert all(i.start.utcoffset() == i.end.utcoffset() == UTC.utcoffset(None) for i in busy)
    assert transport.reports(b"free-busy-query") == (1 if free_busy_query else 0)


def test_busy_time_falls_back_to_a_calendar_query_when_the_server_has_no_free_busy_query(
    caldav_user: RadicaleUser,
) -> None:
    transport = NoFreeBusyTransport()
    with connect(caldav_user, transport=transport) as connector:
        busy_week(connector, caldav_user.calendar)
        assert connector.busy(caldav_user.calendar, *RANGE) == EXPECTED_BUSY
        assert connector.busy(caldav_user.calendar, *RANGE) == EXPECTED_BUSY
    assert transport.reports(b"free-busy-query") == 1, "asked once, then remembered"
    assert transport.reports(b"calendar-query") == 2


def test_all_day_events_are_read_in_the_connectors_zone_when_the_calendar_has_none(
    caldav_user: RadicaleUser,
) -> None:
    with connect(caldav_user, timezone="America/New_York", free_busy_query=False) as connector:
        connector.create_event(
            caldav_user.calendar,
            meeting("offsite", datetime(2026, 11, 4, tzinfo=NY), datetime(2026, 11, 5, tzinfo=NY), all_day=True),
        )
        (event,) = connector.events(caldav_user.calendar, *RANGE)
        busy = connector.busy(caldav_user.calendar, *RANGE)
    assert event.all_day and (event.start, event.end) == (
        datetime(2026, 11, 4, tzinfo=NY),
        datetime(2026, 11, 5, tzinfo=NY),
    )
    assert busy == [BusyInterval(utc(11, 4, 5), utc(11, 5, 5))]


def test_events_expand_a_series_with_an_exdate_and_a_moved_occurrence_in_local_time(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    put_raw(
        caldav_user,
        "series.ics",
        f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//EN
{vtimezone().strip()}
BEGIN:VEVENT
UID:series-1
DTSTAMP:20261001T000000Z
DTSTART;TZID=America/New_York:20261019T090000
DTEND;TZID=America/New_York:20261019T093000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=America/New_York:20261026T090000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:series-1
DTSTAMP:20261001T000000Z
RECURRENCE-ID;TZID=America/New_York:20261109T090000
DTSTART;TZID=America/New_York:20261109T110000
DTEND;TZID=America/New_York:20261109T113000
SUMMARY:Standup (moved)
END:VEVENT
END:VCALENDAR
""",
    )
    events = connector.events(caldav_user.calendar, utc(10, 1), utc(12, 1))
    got = [(e.start.astimezone(UTC), e.start.strftime("%H:%M"), e.summary, e.recurrence_id) for e in events]
    assert got == [
        (utc(10, 19, 13), "09:00", "Standup", datetime(2026, 10, 19, 9, tzinfo=NY)),
        (utc(11, 2, 14), "09:00", "Standup", datetime(2026, 11, 2, 9, tzinfo=NY)),
        (utc(11, 9, 16), "11:00", "Standup (moved)", datetime(2026, 11, 9, 9, tzinfo=NY)),
        (utc(11, 16, 14), "09:00", "Standup", datetime(2026, 11, 16, 9, tzinfo=NY)),
        (utc(11, 23, 14), "09:00", "Standup", datetime(2026, 11, 23, 9, tzinfo=NY)),
    ]
    assert all(e.end - e.start == events[0].end - events[0].start for e in events)
    assert {e.href for e in events} == {f"{caldav_user.calendar}series.ics"}


# -- invitations -------------------------------------------------------------------------


def test_invitations_are_the_events_waiting_for_the_owners_answer_once_per_series(
    connector: CalDavConnector, caldav_user: RadicaleUser
) -> None:
    me = owner(caldav_user)
    start, end = utc(11, 2, 15), utc(11, 2, 16)
    connector.create_event(
        caldav_user.calendar,
        meeting("asked", start, end, organizer=ORGANIZER, attendees=(Attendee(me),), rrule="FREQ=DAILY;COUNT=3"),
    )
    answered = Attendee(me, partstat=PartStat.ACCEPTED)
    connector.create_event(
        caldav_user.calendar, meeting("answered", start, end, organizer=ORGANIZER, attendees=(answered,))
    )
    mine = meeting("mine", start, end, organizer=Address("", me), attendees=(Attendee("bo@acme.example"),))
    connector.create_event(caldav_user.calendar, mine)
    connector.create_event(caldav_user.calendar, meeting("no-attendees", start, end))

    assert [e.uid for e in connector.invitations(caldav_user.calendar, *RANGE)] == ["asked"]


# -- errors --------------------------------------------------------------------------------


def test_a_wrong_password_is_an_auth_error_and_the_password_is_never_shown_or_logged(
    caldav_user: RadicaleUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-" + caldav_user.password
    connector = CalDavConnector(caldav_user.base_url, caldav_user.name, wrong, timeout=10)
    with pytest.raises(AuthError, match="refused the login") as caught:
        connector.open()
    with pytest.raises(AuthError):
        connector.busy(caldav_user.calendar, *RANGE)
    connector.close()
    with connect(caldav_user) as good:
        good.busy(caldav_user.calendar, *RANGE)
    assert "PROPFIND" in caplog.text, "the HTTP requests were logged (and checked)"
    for password in (wrong, caldav_user.password):
        assert password not in caplog.text
        assert password not in str(caught.value) and password not in repr(connector)


def test_another_users_calendar_is_forbidden(
    radicale_server: RadicaleServer, caldav_user: RadicaleUser, connector: CalDavConnector
) -> None:
    stranger = radicale_server.add_user(f"x{caldav_user.name}", "other-password")
    stranger_calendar = radicale_server.make_calendar(stranger)
    with pytest.raises(AuthError, match="403"):
        connector.events(stranger_calendar, *RANGE)


def test_a_calendar_that_does_not_exist_is_not_found(connector: CalDavConnector, caldav_user: RadicaleUser) -> None:
    with pytest.raises(NotFound):
        connector.busy(caldav_user.calendar_url("no-such-calendar"), *RANGE)


def test_a_server_that_is_down_is_a_transient_error(caldav_user: RadicaleUser) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connector = CalDavConnector(f"http://127.0.0.1:{port}/", caldav_user.name, caldav_user.password, timeout=5)
    with pytest.raises(TransientError, match="cannot reach"):
        connector.open()
    connector.close()


def test_a_server_that_never_answers_is_a_transient_error(caldav_user: RadicaleUser) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the connection is accepted by the kernel; nothing ever answers
        port = silent.getsockname()[1]
        connector = CalDavConnector(f"http://127.0.0.1:{port}/", caldav_user.name, caldav_user.password, timeout=0.5)
        with pytest.raises(TransientError, match="did not answer"):
            connector.open()
        connector.close()


class StatusServer:
    """An HTTP server on loopback that answers every request with one status and headers."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: dict[str, str] = {}
        self.body = b""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(owner.status)
                for name, value in owner.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = _answer

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"


@pytest.fixture
def status_server() -> Iterator[StatusServer]:
    server = StatusServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (429, {"Retry-After": "7"}, RateLimited),
        (503, {"Retry-After": "3"}, RateLimited),
        (503, {}, TransientError),
        (500, {}, TransientError),
        (507, {}, PermanentError),
        (401, {"WWW-Authenticate": 'Basic realm="x"'}, AuthError),
        (403, {}, AuthError),
        (404, {}, NotFound),
        (412, {}, Conflict),
        (400, {}, PermanentError),
    ],
)
def test_each_status_becomes_the_matching_mailflow_error(
    status_server: StatusServer, status: int, headers: dict[str, str], error: type[Exception]
) -> None:
    status_server.status, status_server.headers = status, headers
    connector = CalDavConnector(status_server.url, "someone", "secret", timeout=5)
    with pytest.raises(error) as caught:
        connector.events(status_server.url + "calendar/", *RANGE)
    connector.close()
    assert type(caught.value) is error
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == float(headers["Retry-After"])


def test_a_403_naming_no_uid_conflict_is_a_conflict(status_server: StatusServer) -> None:
    status_server.status = 403
    status_server.headers = {"Content-Type": "application/xml; charset=utf-8"}
    status_server.body = (
        b'<?xml version="1.0"?><D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        b"<C:no-uid-conflict/></D:error>"
    )
    connector = CalDavConnector(status_server.url, "someone", "secret", timeout=5)
    event = meeting("dup", utc(11, 2, 15), utc(11, 2, 16))
    with pytest.raises(Conflict, match="exists already"):
        connector.create_event(status_server.url + "calendar/", event)
    connector.close()
