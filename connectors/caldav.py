"""CalDAV calendars (RFC 4791) on httpx: ``CalDavConnector`` implements ``mailflow.calendars.CalendarConnector``.

Written on httpx and the standard library's ``xml.etree`` (with the ``DAV:``
and ``urn:ietf:params:xml:ns:caldav`` namespaces), not on the ``caldav``
package, which would replace urllib3 with its own fork.

What it speaks:

- Discovery (RFC 6764 and RFC 4791 section 6.2): from a server root, first
  ``/.well-known/caldav`` (redirects followed), then the URL itself;
  ``DAV:current-user-principal``, then the principal's
  ``calendar-home-set`` (and ``calendar-user-address-set``, the owner's
  addresses), then a ``PROPFIND Depth: 1`` of the home for its calendar
  collections. A calendar collection's URL works too (it is the only
  calendar when the server names no principal).
- Reading: a ``calendar-query`` REPORT with a ``time-range`` filter.
  Recurring events are expanded by mailflow, not by the server
  (``mailflow.recurrence``: ``C:expand`` is optional and servers differ in
  how they apply it). Floating times and all-day dates are read in the
  calendar's ``calendar-timezone``, else in the connector's ``timezone``.
- Busy time: a ``free-busy-query`` REPORT when the calendar lists it in
  ``DAV:supported-report-set`` (or says nothing), falling back to the
  ``calendar-query`` for good when the server refuses it. The server
  reads all-day and floating events in its own zone there (Radicale: UTC);
  pass ``free_busy_query=False`` to have them read in the calendar's zone.
- Writing: ``PUT`` with ``If-None-Match: *`` to create (at ``<UID>.ics``)
  and ``If-Match: <etag>`` to update; ``DELETE`` with ``If-Match``. An
  update rewrites only what ``Event`` carries and keeps the rest of the
  stored object (alarms, overrides, X- properties).
- Holds: events marked with an ``X-MAILFLOW-HOLD`` property, found with a
  ``prop-filter``/``text-match`` on it (then by their UID, ``hold_uid(key)``).

Errors: 401 and 403 are ``AuthError`` (a 403 naming a CalDAV precondition is
``Conflict`` for ``no-uid-conflict``, else ``PermanentError``); 404 is
``NotFound``; 409 and 412 are ``Conflict``; 429 (and 503 with
``Retry-After``) is ``RateLimited`` with ``retry_after`` in seconds; 507 is
``PermanentError`` (over quota); other 5xx, timeouts and connection failures
are ``TransientError``; other 4xx are ``PermanentError``.

Basic authentication with the username and password it is given (the caller
reads the password from wherever it is kept). The password is never logged
nor shown in a repr or an error message.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import re
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from types import TracebackType
from typing import cast
from urllib.parse import quote
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import icalendar

from mailflow.calendars import (
    HOLD_PROPERTY,
    BusyInterval,
    BusyType,
    CalendarInfo,
    Conflict,
    Event,
    EventStatus,
    PartStat,
    hold_uid,
    merge_busy,
)
from mailflow.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError
from mailflow.ical import (
    add_timezones,
    apply_event,
    as_list,
    from_vevent,
    ical_document,
    localize,
    to_vevent,
    utc_stamp,
)
from mailflow.recurrence import MAX_OCCURRENCES, occurrences

__all__ = ["CalDavConnector"]

log = logging.getLogger("connectors.caldav")

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
ET.register_namespace("D", DAV)
ET.register_namespace("C", CALDAV)

_XML = "application/xml; charset=utf-8"
_ICS = "text/calendar; charset=utf-8"
_FREE_BUSY_REFUSED = {400, 403, 405, 415, 422, 501}  # how servers without free-busy-query say no


def _d(name: str) -> str:
    return f"{{{DAV}}}{name}"


def _c(name: str) -> str:
    return f"{{{CALDAV}}}{name}"


def _xml(root: ET.Element) -> bytes:
    return cast(bytes, ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _require_range(start: datetime, end: datetime) -> None:
    for what, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{what} must be an aware datetime, got {value!r}")
    if end <= start:
        raise ValueError(f"the range ends ({end}) at or before it starts ({start})")


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds, from a number or an HTTP date."""
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _status_code(line: str | None) -> int | None:
    """``200`` from ``HTTP/1.1 200 OK``."""
    match = re.match(r"\s*HTTP/\S+\s+(\d{3})", line or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _DavResponse:
    """One ``DAV:response`` of a multistatus: its URL and the properties found (``200`` propstats)."""

    href: str
    status: int | None
    props: dict[str, ET.Element]

    def href_of(self, name: str) -> str | None:
        element = self.props.get(name)
        found = element.findtext(_d("href")) if element is not None else None
        return found.strip() if found else None

    def text(self, name: str) -> str | None:
        element = self.props.get(name)
        return element.text if element is not None and element.text else None


@dataclass(frozen=True)
class _Resource:
    """One calendar object resource: where it is, its ETag and its parsed VCALENDAR."""

    href: str
    etag: str | None
    document: icalendar.Calendar

    def vevents(self) -> list[icalendar.Component]:
        return self.document.walk("VEVENT")

    def master(self, uid: str | None = None) -> icalendar.Component | None:
        """The VEVENT without RECURRENCE-ID (the series), else the first one."""
        vevents = [c for c in self.vevents() if uid is None or str(c.get("UID", "")) == uid]
        return next((c for c in vevents if "RECURRENCE-ID" not in c), vevents[0] if vevents else None)


@dataclass
class _CalendarMeta:
    timezone: tzinfo
    free_busy: bool | None  # free-busy-query supported: True, False, or None (the server did not say)


# -- the connector ----------------------------------------------------------------------


class CalDavConnector:
    """One CalDAV account: its principal, its calendar home and the calendars there.

    ``url`` is the server (its root is enough: discovery finds the rest), the
    principal, the calendar home, or one calendar collection. ``timezone``
    (an IANA name) is where floating and all-day times are read when a
    calendar does not say. ``addresses`` are the owner's email addresses,
    used with those the server lists to find invitations. ``verify`` is
    httpx's: False, or an ``ssl.SSLContext`` trusting a private CA.
    ``transport`` replaces httpx's (tests record requests with it).
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        account: str | None = None,
        timezone: str = "UTC",
        addresses: Sequence[str] = (),
        timeout: float = 30.0,
        free_busy_query: bool = True,
        verify: bool | ssl.SSLContext = True,
        max_occurrences: int = MAX_OCCURRENCES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(f"not an http(s) URL: {url!r}")
        if parsed.userinfo:
            raise ValueError("put the CalDAV username and password in their settings, not in the URL")
        self.url = str(parsed)
        self.username = username
        self._password = password
        self.account = account or f"{username}@{parsed.host}"
        self.timezone = ZoneInfo(timezone)
        self.addresses = tuple(a.lower() for a in addresses)
        self.timeout = timeout
        self.free_busy_query = free_busy_query
        self.max_occurrences = max_occurrences
        self._verify = verify
        self._transport = transport
        self._client: httpx.Client | None = None
        self._discovered = False
        self._principal: str | None = None
        self._home: str | None = None
        self._direct: str | None = None  # the URL, when it is a calendar collection itself
        self._server_addresses: tuple[str, ...] = ()
        self._meta: dict[str, _CalendarMeta] = {}

    def __repr__(self) -> str:
        return f"CalDavConnector(url={self.url!r}, username={self.username!r})"

    def __enter__(self) -> CalDavConnector:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- connection ----------------------------------------------------------------

    @property
    def principal(self) -> str | None:
        """The principal's URL, once discovered."""
        return self._principal

    @property
    def home(self) -> str | None:
        """The calendar home's URL, once discovered (None when the URL is a single calendar)."""
        return self._home

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                auth=httpx.BasicAuth(self.username, self._password),
                timeout=self.timeout,
                follow_redirects=True,
                verify=self._verify,
                transport=self._transport,
                headers={"User-Agent": "mailflow-caldav"},
            )
        return self._client

    def open(self) -> None:
        self._http()
        self._discover()

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request; transport failures become ``TransientError`` (the status is checked by the caller)."""
        where = httpx.URL(url).host
        try:
            response = self._http().request(method, url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientError(f"{what}: {where} did not answer within {self.timeout:g} s") from exc
        except httpx.UnsupportedProtocol as exc:
            raise PermanentError(f"{what}: {url} is not an http(s) URL") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"{what}: cannot reach {where}: {exc}") from exc
        except httpx.TooManyRedirects as exc:
            raise PermanentError(f"{what}: {url} redirects in a loop") from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"{what}: {exc}") from exc
        log.debug("%s %s -> %d", method, url, response.status_code)
        return response

    def _check(self, response: httpx.Response, what: str, *, uid: str | None = None) -> None:
        """Raise the ``mailflow.errors`` class for an error status."""
        code = response.status_code
        if code < 300:
            return
        url = str(response.request.url)
        if code == 401:
            raise AuthError(
                f"{what}: the CalDAV server refused the login of {self.username!r} (401); check the password"
            )
        if code == 403:
            precondition = _precondition(response)
            if precondition == "no-uid-conflict":
                raise Conflict(f"{what}: an event with UID {uid!r} exists already (403)", uid=uid, href=url)
            if precondition:
                raise PermanentError(f"{what}: the server refused it ({precondition}, 403)")
            raise AuthError(f"{what}: {self.username!r} may not do this at {url} (403)")
        if code == 404:
            raise NotFound(f"{what}: {url} does not exist (404)")
        if code in (409, 412):
            raise Conflict(f"{what}: a precondition failed at {url} ({code})", uid=uid, href=url)
        retry_after = _retry_after(response.headers.get("Retry-After"))
        if code == 429 or (code == 503 and retry_after is not None):
            raise RateLimited(f"{what}: the server asks to slow down ({code})", retry_after=retry_after)
        if code == 507:
            raise PermanentError(f"{what}: the calendar is over its quota (507)")
        if code >= 500:
            raise TransientError(f"{what}: the server failed ({code} {response.reason_phrase})")
        raise PermanentError(f"{what}: the server refused it ({code} {response.reason_phrase})")

    def _multistatus(self, response: httpx.Response, what: str) -> list[_DavResponse]:
        self._check(response, what)
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise PermanentError(f"{what}: the answer from {response.request.url} is not XML ({exc})") from exc
        if root.tag != _d("multistatus"):
            raise PermanentError(f"{what}: {response.request.url} answered {root.tag}, not a DAV multistatus")
        found = []
        for item in root.iter(_d("response")):
            href = (item.findtext(_d("href")) or "").strip()
            props: dict[str, ET.Element] = {}
            for propstat in item.findall(_d("propstat")):
                if _status_code(propstat.findtext(_d("status"))) == 200:
                    for prop in propstat.find(_d("prop")) or []:
                        props[prop.tag] = prop
            status = _status_code(item.findtext(_d("status")))
            found.append(_DavResponse(str(response.url.join(href)), status, props))
        return found

    def _propfind(self, url: str, props: Sequence[str], depth: int, what: str) -> list[_DavResponse]:
        root = ET.Element(_d("propfind"))
        prop = ET.SubElement(root, _d("prop"))
        for name in props:
            ET.SubElement(prop, name)
        headers = {"Depth": str(depth), "Content-Type": _XML}
        return self._multistatus(self._send("PROPFIND", url, what, body=_xml(root), headers=headers), what)

    # -- discovery -----------------------------------------------------------------

    def _discover(self) -> None:
        if self._discovered:
            return
        base = httpx.URL(self.url)
        well_known = str(base.join("/.well-known/caldav"))
        tries = [well_known, self.url] if base.path in ("", "/") else [self.url, well_known]
        wanted = [_d("current-user-principal"), _c("calendar-home-set"), _d("resourcetype")]
        for url in tries:
            try:
                responses = self._propfind(url, wanted, 0, "CalDAV discovery")
            except (NotFound, PermanentError):
                continue
            if not responses:
                continue
            first = responses[0]
            principal_element = first.props.get(_d("current-user-principal"))
            if principal_element is not None and principal_element.find(_d("unauthenticated")) is not None:
                raise AuthError(f"CalDAV discovery: {url} does not know {self.username!r} as a user")
            resourcetype = first.props.get(_d("resourcetype"))
            if url == self.url and resourcetype is not None and resourcetype.find(_c("calendar")) is not None:
                self._direct = first.href
            principal = first.href_of(_d("current-user-principal"))
            home = first.href_of(_c("calendar-home-set"))
            if principal:
                self._principal = str(httpx.URL(first.href).join(principal))
            if home:
                self._home = str(httpx.URL(first.href).join(home))
            if principal or home or self._direct:
                break
        if self._principal:
            wanted = [_c("calendar-home-set"), _c("calendar-user-address-set")]
            for principal_props in self._propfind(self._principal, wanted, 0, "CalDAV principal")[:1]:
                home = principal_props.href_of(_c("calendar-home-set"))
                if home:
                    self._home = str(httpx.URL(self._principal).join(home))
                addresses = principal_props.props.get(_c("calendar-user-address-set"))
                if addresses is not None:
                    self._server_addresses = tuple(
                        (h.text or "").strip()[7:].lower()
                        for h in addresses.iter(_d("href"))
                        if (h.text or "").strip().lower().startswith("mailto:")
                    )
        if self._home is None and self._direct is None:
            raise PermanentError(
                f"CalDAV discovery: no calendar home found from {self.url} (tried /.well-known/caldav, "
                "current-user-principal and calendar-home-set); configure the calendar's URL"
            )
        self._discovered = True

    def calendars(self) -> list[CalendarInfo]:
        self._discover()
        wanted = [
            _d("resourcetype"),
            _d("displayname"),
            _c("supported-calendar-component-set"),
            _d("supported-report-set"),
            _c("calendar-timezone"),
            _d("current-user-privilege-set"),
        ]
        if self._home is not None:
            responses = self._propfind(self._home, wanted, 1, "listing calendars")
        else:
            assert self._direct is not None
            responses = self._propfind(self._direct, wanted, 0, "reading the calendar")
        found = []
        for response in responses:
            resourcetype = response.props.get(_d("resourcetype"))
            if resourcetype is None or resourcetype.find(_c("calendar")) is None:
                continue
            components = _components(response)
            if components and "VEVENT" not in components:
                continue
            meta = self._remember(response)
            zone = meta.timezone
            found.append(
                CalendarInfo(
                    id=response.href,
                    name=response.text(_d("displayname")) or response.href.rstrip("/").rpartition("/")[2],
                    components=components or ("VEVENT", "VTODO", "VJOURNAL"),
                    timezone=zone.key if isinstance(zone, ZoneInfo) else None,
                    read_only=_read_only(response),
                )
            )
        return found

    def _remember(self, response: _DavResponse) -> _CalendarMeta:
        reports = response.props.get(_d("supported-report-set"))
        free_busy = None if reports is None else reports.find(f".//{_c('free-busy-query')}") is not None
        meta = _CalendarMeta(self._calendar_timezone(response), free_busy)
        self._meta[response.href] = meta
        return meta

    def _calendar_timezone(self, response: _DavResponse) -> tzinfo:
        text = response.text(_c("calendar-timezone"))
        if not text:
            return self.timezone
        try:
            zones = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
        except ValueError:
            return self.timezone
        for zone in zones:
            tzid = str(zone.get("TZID", ""))
            try:
                return ZoneInfo(tzid)
            except (ZoneInfoNotFoundError, ValueError):
                with contextlib.suppress(Exception):
                    return cast(tzinfo, cast(icalendar.Timezone, zone).to_tz())
        return self.timezone

    def _calendar_url(self, calendar: str) -> str:
        url = str(httpx.URL(self.url).join(calendar))
        return url if url.endswith("/") else url + "/"

    def _calendar_meta(self, url: str) -> _CalendarMeta:
        meta = self._meta.get(url)
        if meta is None:
            wanted = [_d("resourcetype"), _d("supported-report-set"), _c("calendar-timezone")]
            responses = self._propfind(url, wanted, 0, "reading the calendar")
            resourcetype = responses[0].props.get(_d("resourcetype")) if responses else None
            if resourcetype is None or resourcetype.find(_c("calendar")) is None:
                raise NotFound(f"{url} is not a calendar collection")
            meta = self._remember(replace(responses[0], href=url))
        return meta

    # -- reading -------------------------------------------------------------------

    def _query(
        self,
        url: str,
        what: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        match: tuple[str, str] | None = None,
    ) -> list[_Resource]:
        """A ``calendar-query`` REPORT for VEVENTs in a time range and/or with a property containing a text."""
        root = ET.Element(_c("calendar-query"))
        prop = ET.SubElement(root, _d("prop"))
        ET.SubElement(prop, _d("getetag"))
        ET.SubElement(prop, _c("calendar-data"))
        calendar_filter = ET.SubElement(ET.SubElement(root, _c("filter")), _c("comp-filter"), name="VCALENDAR")
        event_filter = ET.SubElement(calendar_filter, _c("comp-filter"), name="VEVENT")
        if start is not None and end is not None:
            ET.SubElement(event_filter, _c("time-range"), start=utc_stamp(start), end=utc_stamp(end))
        if match is not None:
            prop_filter = ET.SubElement(event_filter, _c("prop-filter"), name=match[0])
            ET.SubElement(prop_filter, _c("text-match"), collation="i;octet").text = match[1]
        headers = {"Depth": "1", "Content-Type": _XML}
        response = self._send("REPORT", url, what, body=_xml(root), headers=headers)
        resources = []
        for item in self._multistatus(response, what):
            data = item.text(_c("calendar-data"))
            if data is None:
                continue
            try:
                document = icalendar.Calendar.from_ical(data)
            except ValueError as exc:
                log.warning("%s: skipping %s, not valid iCalendar: %s", what, item.href, exc)
                continue
            resources.append(_Resource(item.href, item.text(_d("getetag")), document))
        return resources

    def events(self, calendar: str, start: datetime, end: datetime) -> list[Event]:
        _require_range(start, end)
        url = self._calendar_url(calendar)
        zone = self._calendar_meta(url).timezone
        found: list[Event] = []
        for resource in self._query(url, "listing events", start=start, end=end):
            found += occurrences(
                resource.vevents(), zone, start, end, limit=self.max_occurrences, etag=resource.etag, href=resource.href
            )
        found.sort(key=lambda e: (e.start.astimezone(UTC), e.end.astimezone(UTC), e.uid))
        return found

    def busy(self, calendar: str, start: datetime, end: datetime) -> list[BusyInterval]:
        _require_range(start, end)
        url = self._calendar_url(calendar)
        meta = self._calendar_meta(url)
        if self.free_busy_query and meta.free_busy is not False:
            answer = self._free_busy(url, start, end)
            if answer is not None:
                meta.free_busy = True
                return answer
            meta.free_busy = False
            log.info("%s: no free-busy-query; computing busy time from its events", url)
        intervals = []
        for event in self.events(url, start, end):
            kind = event.busy_type
            low, high = max(event.start, start).astimezone(UTC), min(event.end, end).astimezone(UTC)
            if kind is not None and high > low:
                intervals.append(BusyInterval(low, high, kind))
        return merge_busy(intervals)

    def _free_busy(self, url: str, start: datetime, end: datetime) -> list[BusyInterval] | None:
        """A ``free-busy-query`` REPORT (RFC 4791 section 7.10); None when the server will not answer one."""
        root = ET.Element(_c("free-busy-query"))
        ET.SubElement(root, _c("time-range"), start=utc_stamp(start), end=utc_stamp(end))
        headers = {"Depth": "1", "Content-Type": _XML}
        response = self._send("REPORT", url, "free-busy query", body=_xml(root), headers=headers)
        if response.status_code in _FREE_BUSY_REFUSED:
            return None
        self._check(response, "free-busy query")
        if not response.headers.get("Content-Type", "").lower().startswith("text/calendar"):
            return None
        try:
            document = icalendar.Calendar.from_ical(response.text)
        except ValueError as exc:
            raise PermanentError(f"free-busy query: {url} answered with invalid iCalendar ({exc})") from exc
        intervals = []
        for component in document.walk("VFREEBUSY"):
            for period in as_list(component.get("FREEBUSY")):
                kind = _busy_type(str(period.params.get("FBTYPE", "BUSY")))
                if kind is None:
                    continue
                low = max(localize(period.start, UTC), start).astimezone(UTC)
                high = min(localize(period.end, UTC), end).astimezone(UTC)
                if high > low:
                    intervals.append(BusyInterval(low, high, kind))
        return merge_busy(intervals)

    def find_event(self, calendar: str, uid: str) -> Event | None:
        resource = self._locate(self._calendar_url(calendar), uid)
        if resource is None:
            return None
        master = resource.master(uid)
        assert master is not None
        zone = self._calendar_meta(self._calendar_url(calendar)).timezone
        return from_vevent(master, timezone=zone, etag=resource.etag, href=resource.href)

    def _locate(self, url: str, uid: str) -> _Resource | None:
        for resource in self._query(url, "finding an event", match=("UID", uid)):
            if resource.master(uid) is not None:
                return resource
        return None

    def invitations(self, calendar: str, start: datetime, end: datetime) -> list[Event]:
        _require_range(start, end)
        own = set(self.addresses)
        if not own:
            self._discover()
            own = set(self._server_addresses)
            if "@" in self.username:
                own.add(self.username.lower())
        if not own:
            raise ValueError("no address of the calendar's owner is known: give CalDavConnector addresses=")
        url = self._calendar_url(calendar)
        zone = self._calendar_meta(url).timezone
        found = []
        for resource in self._query(url, "listing invitations", start=start, end=end):
            for component in sorted(resource.vevents(), key=lambda c: "RECURRENCE-ID" in c):
                event = from_vevent(component, timezone=zone, etag=resource.etag, href=resource.href)
                if event.organizer is not None and event.organizer.email.lower() in own:
                    continue
                mine = [a for a in event.attendees if a.email.lower() in own]
                if event.status is not EventStatus.CANCELLED and any(a.partstat is PartStat.NEEDS_ACTION for a in mine):
                    found.append(event)
                    break
        found.sort(key=lambda e: e.start.astimezone(UTC))
        return found

    # -- writing -------------------------------------------------------------------

    def _resource_url(self, calendar_url: str, uid: str) -> str:
        return calendar_url + quote(uid, safe="-._~@+=") + ".ics"

    def _etag_after_write(self, response: httpx.Response, href: str, what: str) -> str:
        """The stored ETag: from the PUT's answer, else read back (a server that changed the data may omit it)."""
        etag = str(response.headers.get("ETag", ""))
        if etag:
            return etag
        responses = self._propfind(href, [_d("getetag")], 0, what)
        etag = (responses[0].text(_d("getetag")) or "") if responses else ""
        if not etag:
            raise PermanentError(f"{what}: {href} has no ETag; the server cannot do conditional writes")
        return etag

    def _put(self, href: str, document: icalendar.Calendar, condition: dict[str, str], what: str, uid: str) -> str:
        body = cast(bytes, document.to_ical())
        response = self._send("PUT", href, what, body=body, headers={"Content-Type": _ICS, **condition})
        if response.status_code == 412:
            if "If-None-Match" in condition:
                raise Conflict(f"{what}: an event with UID {uid!r} exists already at {href}", uid=uid, href=href)
            raise Conflict(
                f"{what}: event {uid!r} changed since it was read (its ETag is no longer "
                f"{condition.get('If-Match')}); read it again",
                uid=uid,
                href=href,
            )
        self._check(response, what, uid=uid)
        return self._etag_after_write(response, href, what)

    def create_event(self, calendar: str, event: Event) -> str:
        what = f"creating event {event.uid!r}"
        if event.recurrence_id is not None:
            raise ValueError(f"{what}: this is one occurrence of a series; create the series")
        href = self._resource_url(self._calendar_url(calendar), event.uid)
        document = ical_document([to_vevent(replace(event, etag=None, href=None))])
        return self._put(href, document, {"If-None-Match": "*"}, what, event.uid)

    def update_event(self, calendar: str, event: Event) -> str:
        what = f"updating event {event.uid!r}"
        if event.etag is None:
            raise ValueError(f"{what}: the event has no ETag; read it with find_event first")
        if event.recurrence_id is not None:
            raise ValueError(f"{what}: this is one occurrence; update the series (find_event) instead")
        url = self._calendar_url(calendar)
        href = event.href
        if href is None:
            located = self._locate(url, event.uid)
            if located is None:
                raise NotFound(f"{what}: no event with this UID in {url}")
            href = located.href
        response = self._send("GET", href, what)
        self._check(response, what, uid=event.uid)
        try:
            document = icalendar.Calendar.from_ical(response.text)
        except ValueError as exc:
            raise PermanentError(f"{what}: {href} holds invalid iCalendar ({exc})") from exc
        master = _Resource(href, event.etag, document).master(event.uid)
        if master is None:
            raise NotFound(f"{what}: {href} holds no event with this UID")
        apply_event(master, event)
        add_timezones(document)
        return self._put(href, document, {"If-Match": event.etag}, what, event.uid)

    def cancel_event(self, calendar: str, event: Event) -> str:
        return self.update_event(calendar, replace(event, status=EventStatus.CANCELLED, sequence=event.sequence + 1))

    def delete_event(self, calendar: str, uid: str, etag: str) -> bool:
        what = f"deleting event {uid!r}"
        located = self._locate(self._calendar_url(calendar), uid)
        if located is None:
            return False
        return self._delete(located.href, etag, what, uid)

    def _delete(self, href: str, etag: str, what: str, uid: str) -> bool:
        response = self._send("DELETE", href, what, headers={"If-Match": etag})
        if response.status_code == 404:
            return False
        if response.status_code == 412:
            raise Conflict(f"{what}: it changed since it was read (its ETag is no longer {etag})", uid=uid, href=href)
        self._check(response, what, uid=uid)
        return True

    # -- holds ---------------------------------------------------------------------

    def hold(self, calendar: str, key: str, start: datetime, end: datetime, summary: str = "Hold") -> Event:
        _require_range(start, end)
        _require_key(key)
        existing = self.find_hold(calendar, key)
        if existing is not None:
            return existing
        event = Event(
            uid=hold_uid(key),
            summary=summary,
            start=start,
            end=end,
            status=EventStatus.TENTATIVE,
            transparent=False,
            hold_key=key,
        )
        try:
            etag = self.create_event(calendar, event)
        except Conflict:
            existing = self.find_hold(calendar, key)
            if existing is None:
                raise
            return existing
        return replace(event, etag=etag, href=self._resource_url(self._calendar_url(calendar), event.uid))

    def find_hold(self, calendar: str, key: str) -> Event | None:
        _require_key(key)
        url = self._calendar_url(calendar)
        zone = self._calendar_meta(url).timezone
        for resource in self._query(url, "finding a hold", match=(HOLD_PROPERTY, key)):
            for component in resource.vevents():
                if str(component.get(HOLD_PROPERTY, "")) == key:
                    return from_vevent(component, timezone=zone, etag=resource.etag, href=resource.href)
        by_uid = self.find_event(calendar, hold_uid(key))  # a server that cannot filter on X- properties
        return by_uid if by_uid is not None and by_uid.hold_key == key else None

    def release_hold(self, calendar: str, key: str) -> bool:
        found = self.find_hold(calendar, key)
        if found is None or found.href is None or found.etag is None:
            return False
        return self._delete(found.href, found.etag, f"releasing hold {key!r}", found.uid)


def _require_key(key: str) -> None:
    if not key or any(ch in key for ch in "\r\n"):
        raise ValueError(f"a hold key is a non-empty line of text, not {key!r}")


def _busy_type(fbtype: str) -> BusyType | None:
    """A FBTYPE as a ``BusyType``; FREE is None, and unknown types count as BUSY (RFC 5545 section 3.2.9)."""
    value = fbtype.upper()
    if value == "FREE":
        return None
    try:
        return BusyType(value)
    except ValueError:
        return BusyType.BUSY


def _precondition(response: httpx.Response) -> str | None:
    """The name of the precondition a ``DAV:error`` body reports (``no-uid-conflict`` ...), if any."""
    if "xml" not in response.headers.get("Content-Type", ""):
        return None
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError:
        return None
    if root.tag != _d("error") or not len(root):
        return None
    return root[0].tag.rpartition("}")[2]


def _components(response: _DavResponse) -> tuple[str, ...]:
    element = response.props.get(_c("supported-calendar-component-set"))
    if element is None:
        return ()
    return tuple(c.get("name", "").upper() for c in element.iter(_c("comp")) if c.get("name"))


def _read_only(response: _DavResponse) -> bool:
    privileges = response.props.get(_d("current-user-privilege-set"))
    if privileges is None:
        return False
    names = {p.tag for p in privileges.iter() if p.tag != _d("privilege")}
    return not names & {_d("write"), _d("write-content"), _d("all"), _d("bind")}
