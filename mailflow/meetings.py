"""Booking meetings from email: a request in, free slots proposed with holds, a pick read, the event booked.

``MeetingDesk`` does one client's side of it, with that client's calendars
(``mailflow.calendars.CalendarConnector``; the first calendar takes holds and
bookings), its scheduling policy and the account's way out (``Outbound``,
for the iMIP invitation):

1. ``propose`` (the ``propose_meeting`` action): the request is read
   (``mailflow.scheduling.understanding``), busy time merged from every
   calendar, free slots found by the policy within the action's window and
   the request's constraints, spread over days; a tentative hold is placed
   for each (``X-MAILFLOW-HOLD``), so two threads never get the same slot,
   and the meeting is recorded. It returns the text of the reply, which the
   pipeline saves as a draft like any other. Redone after a crash, it finds
   its meeting and its holds and offers the same slots.
2. ``answer`` (planned automatically for a new message in the thread of an
   open proposal): a pick of one slot books it: free time is checked again,
   the event created with the attendees, the invitation (iMIP REQUEST) sent
   once, the holds released, and a confirmation returned for a draft. A
   counter-proposal gets a new proposal; a decline releases the holds.
3. ``book_stated`` (the ``book`` action): the time the message itself names
   ("Can we do Tuesday at 2pm?") is booked directly when the policy allows
   it and every calendar is free then; otherwise a proposal is made (or,
   with ``otherwise = "leave"``, nothing, for you to handle).
4. ``invitation`` (``answer_invitation``): invitations from others accepted
   when free, a clash reported (or declined), cancellations and replies
   applied to the calendar.
5. ``expire``: proposals whose holds ran out release them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .calendars import Attendee, CalendarConnector, Event, EventStatus, PartStat, hold_uid
from .config import ClientConfig
from .connector import MaybeSent, NotSent, Outbound
from .drafting import Person
from .errors import ConnectorError, MailflowError
from .imip import build_reply, build_request, imip_message, parse_invitations
from .message import Message
from .model import Address
from .scheduling.slots import Slot, find_slots, spread
from .store import Store
from .store import meetings as book

if TYPE_CHECKING:
    from .scheduling.understanding import Reading, When

__all__ = ["MeetingDesk", "NoSlot"]

log = logging.getLogger("mailflow.meetings")


def read_message(
    message: Message, *, tz: ZoneInfo, me: Sequence[str], proposed: Sequence[datetime] = (), now: datetime
) -> Reading:
    """``understanding.read_message``, imported on first use: its phrase tables and patterns take
    about 6 MB, which a pass over a client without calendars never needs."""
    from .scheduling.understanding import read_message as read

    return read(message, tz=tz, me=me, proposed=proposed, now=now)


class NoSlot(MailflowError):
    """No free time fits the request within the window: nothing was proposed."""


def _business_days_after(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


class MeetingDesk:
    def __init__(
        self,
        store: Store,
        client: ClientConfig,
        calendars: Sequence[tuple[CalendarConnector, Sequence[str]]],
        assistant: Person,
        account: str,
        outbound: Outbound | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.calendars = calendars
        self.assistant = assistant
        self.account = account
        self.outbound = outbound
        self.now = now or (lambda: datetime.now(UTC))
        self.zone = client.zone

    def close(self) -> None:
        for connector, _ids in self.calendars:
            connector.close()

    @property
    def _domain(self) -> str:
        """The executive's mail domain, for the UIDs and Message-IDs mailflow makes."""
        return self.client.email.rpartition("@")[2] or "mailflow.invalid"

    @property
    def primary(self) -> tuple[CalendarConnector, str]:
        connector, ids = self.calendars[0]
        return connector, ids[0]

    # -- proposing -----------------------------------------------------------------

    def propose(self, key: str, message: Message, params: dict[str, object]) -> str:
        """Offer free slots for the request ``message`` (holds placed, meeting recorded); the reply's text."""
        meeting = book.get(self.store, key)
        if meeting is None or not meeting.slots:
            meeting = self._new_proposal(key, message, params)
        return self._proposal_text(message, meeting)

    def _new_proposal(
        self,
        key: str,
        message: Message,
        params: dict[str, object],
        reading: Reading | None = None,
        avoid: Sequence[datetime] = (),
    ) -> book.Meeting:
        """Offer free slots (holds placed, the meeting recorded); never one starting at an ``avoid`` time."""
        now = self.now()
        reading = reading or read_message(message, tz=self.zone, me=[self.client.email], now=now)
        policy = self.client.scheduling
        span = self._span(params, reading)
        today = now.astimezone(self.zone).date()
        within = int(str(params.get("within_days", 10)))
        last = _business_days_after(today, within) if params.get("business", True) else today + timedelta(within)
        first = today
        when = reading.when
        if when is not None:
            if when.earliest is not None:
                first = max(first, when.earliest)
            if when.latest is not None:
                last = min(last, when.latest)
            if when.days:
                last = max(last, max(d.on for d in when.days))  # a named day counts even past the window
        start = datetime.combine(first, datetime.min.time(), self.zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), self.zone).astimezone(UTC)
        busy = self._busy(start, end)
        vip = bool(params.get("vip", False))  # the policy's [clients.scheduling.vip] bypasses apply
        found = find_slots(policy, self.zone, busy, now=now, duration=span, first_day=first, last_day=last, vip=vip)
        avoided = set(avoid)
        found = [s for s in found if s.start not in avoided]
        fitting = [s for s in found if _fits(s, when, self.zone)]
        if not fitting and when is not None and (when.at or any(d.at for d in when.days)):
            # The exact times asked for are taken: offer other times on the same days.
            loose = replace(when, at=None, days=tuple(replace(d, at=None) for d in when.days))
            fitting = [s for s in found if _fits(s, loose, self.zone)]
        chosen = spread(fitting, int(str(params.get("slots", 3))))
        if not chosen:
            raise NoSlot(f"no free {span} between {first} and {last} fits the request; nothing proposed")
        connector, calendar = self.primary
        summary = f"Hold: {_topic(reading, message)}"
        for n, slot in enumerate(chosen):
            connector.hold(calendar, f"{key}-{n + 1}", slot.start, slot.end, summary=summary)
        meeting = self._meeting(key, message, reading, span, [(s.start, s.end) for s in chosen], now, params)
        book.save(self.store, meeting)
        return meeting

    def _meeting(
        self,
        key: str,
        message: Message,
        reading: Reading,
        span: timedelta,
        slots: Sequence[tuple[datetime, datetime]],
        now: datetime,
        params: dict[str, object],
    ) -> book.Meeting:
        """The record of a meeting offered (or booked) at ``slots``; the hold of slot n is ``{key}-{n}``."""
        sender = message.sender
        thread = [i for i in (message.message_id, message.in_reply_to, *message.references) if i]
        hold_for = int(str(params.get("hold_for", 3 * 86400)))
        return book.Meeting(
            key=key,
            client=self.client.id,
            account=self.account,
            thread=list(dict.fromkeys(thread)),
            counterpart=sender.email if sender else "",
            attendees=[a.email for a in reading.attendees if a.email],
            topic=_topic(reading, message),
            duration=int(span.total_seconds()),
            zone=reading.timezone or self.client.timezone,
            slots=[(a.isoformat(), b.isoformat(), f"{key}-{n}") for n, (a, b) in enumerate(slots, 1)],
            expires_at=now + timedelta(seconds=hold_for),
        )

    def _busy(self, start: datetime, end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
        out: dict[str, list[tuple[datetime, datetime]]] = {}
        for connector, ids in self.calendars:
            for calendar in ids:
                out[calendar] = [(b.start, b.end) for b in connector.busy(calendar, start, end)]
        return out

    def _slot(self, start: str, end: str) -> Slot:
        return Slot(datetime.fromisoformat(start), datetime.fromisoformat(end), self.zone)

    def _proposal_text(self, message: Message, meeting: book.Meeting) -> str:
        other = ZoneInfo(meeting.zone)
        lines = [
            f"{n}. {self._slot(s, e).describe(other, self.zone if other.key != self.client.timezone else None)}"
            for n, (s, e, _k) in enumerate(meeting.slots, 1)
        ]
        first = _first_name(message)
        minutes = meeting.duration // 60
        return "\n".join(
            [
                f"Hi {first},",
                "",
                f"Thank you. {self.client.name} could meet for {minutes} minutes at any of these times:",
                "",
                *lines,
                "",
                "Just reply with the one that suits you best, and I will send an invitation.",
                "",
                f"{self.assistant.name}, on behalf of {self.client.name}",
            ]
        )

    # -- booking a stated time ----------------------------------------------------

    def book_stated(self, key: str, message: Message, params: dict[str, object]) -> tuple[str, str | None]:
        """Book the time ``message`` names, if free (the ``book`` action): (what happened, a reply to draft)."""
        meeting = book.get(self.store, key)
        if meeting is not None:  # redone after an interruption, or already done
            if meeting.booked and meeting.status in ("booked", "inviting"):
                return self._book(meeting, self._booked_index(meeting), key, message)
            if meeting.status == "proposed" and meeting.slots:
                return f"proposed {len(meeting.slots)} slots", self._proposal_text(message, meeting)
            return f"the meeting is {meeting.status}", None
        now = self.now()
        reading = read_message(message, tz=self.zone, me=[self.client.email], now=now)
        span = self._span(params, reading)
        vip = bool(params.get("vip", False))
        stated = _stated_starts(reading.when)
        for start in stated:
            if self._bookable(start, span, vip, now):
                meeting = self._meeting(key, message, reading, span, [(start, start + span)], now, params)
                book.save(self.store, meeting)
                return self._book(meeting, 0, key, message)
        taken = ", ".join(f"{s.astimezone(self.zone):%a %d %b %H:%M}" for s in stated) or "no time stated"
        if params.get("otherwise", "propose") == "leave":
            return f"{taken}: not free, not booked; left to you", None
        fresh = self._new_proposal(key, message, params, reading)
        return f"{taken}: not free; {len(fresh.slots)} slots offered instead", self._proposal_text(message, fresh)

    def _span(self, params: dict[str, object], reading: Reading) -> timedelta:
        """How long the meeting is: the action's ``duration``, else what the request asks, else the policy's."""
        seconds = int(str(params.get("duration") or 0)) or (reading.duration or 0) * 60
        return timedelta(seconds=seconds) if seconds else self.client.scheduling.duration()

    def _bookable(self, start: datetime, span: timedelta, vip: bool, now: datetime) -> bool:
        """Whether the policy allows a meeting at ``start`` and every calendar (holds too) is free then."""
        day = start.astimezone(self.zone).date()
        lo = datetime.combine(day - timedelta(days=1), datetime.min.time(), self.zone).astimezone(UTC)
        busy = self._busy(lo, lo + timedelta(days=3))
        exact = self.client.scheduling.model_copy(update={"granularity": timedelta(minutes=1)})
        found = find_slots(exact, self.zone, busy, now=now, duration=span, first_day=day, last_day=day, vip=vip)
        return any(s.start == start for s in found)

    def _booked_index(self, meeting: book.Meeting) -> int:
        assert meeting.booked is not None
        return next(i for i, (s, e, _k) in enumerate(meeting.slots) if (s, e) == tuple(meeting.booked))

    # -- answers -------------------------------------------------------------------

    def answer(self, meeting_key: str, key: str, message: Message) -> tuple[str, str | None]:
        """Read a reply in a proposal's thread: (what happened, the text of a reply to draft, if any)."""
        meeting = book.get(self.store, meeting_key)
        if meeting is None:
            return "the proposal is gone", None
        if meeting.status == "booked" and meeting.booked:
            return f"already booked: {meeting.booked[0]}", self._confirmation(message, meeting)
        if meeting.status == "inviting" and meeting.booked:  # interrupted while booking: finish it
            return self._book(meeting, self._booked_index(meeting), key, message)
        if meeting.status != "proposed":
            return f"the proposal is {meeting.status}", None
        reading = read_message(message, tz=self.zone, me=[self.client.email], proposed=meeting.starts(), now=self.now())
        if reading.kind == "decline":
            self._release(meeting)
            meeting.status = "declined"
            book.save(self.store, meeting)
            return "declined: holds released", None
        if reading.kind == "pick" and reading.choice is not None and 1 <= reading.choice <= len(meeting.slots):
            return self._book(meeting, reading.choice - 1, key, message)
        if reading.kind in ("counter", "request"):
            self._release(meeting)
            meeting.status = "expired"
            book.save(self.store, meeting)
            turned_down = meeting.starts()  # "none of those work": offer others
            fresh = self._new_proposal(key, message, {"duration": meeting.duration}, reading, turned_down)
            return f"counter-proposal: {len(fresh.slots)} new slots offered", self._proposal_text(message, fresh)
        return "no answer to the proposal could be read; left to you", None

    def _book(self, meeting: book.Meeting, index: int, key: str, message: Message) -> tuple[str, str | None]:
        start_text, end_text, _hold = meeting.slots[index]
        start, end = datetime.fromisoformat(start_text), datetime.fromisoformat(end_text)
        connector, calendar = self.primary
        uid = f"mailflow-{meeting.key}@{self._domain}"
        ours = {uid, *(hold_uid(k) for _s, _e, k in meeting.slots)}  # its holds, and its event if booked already
        if self._clash(start, end, ours) is not None:
            self._release(meeting)
            meeting.status = "expired"
            book.save(self.store, meeting)
            fresh = self._new_proposal(key, message, {"duration": meeting.duration})
            text = self._proposal_text(message, fresh)
            return f"{start_text} is no longer free: {len(fresh.slots)} new slots offered", text
        organizer = Address(self.client.name, self.client.email)
        people = [meeting.counterpart, *meeting.attendees]
        attendees = tuple(Attendee(email) for email in dict.fromkeys(p for p in people if p))
        event = Event(uid, meeting.topic, start, end, attendees=attendees, organizer=organizer)
        if connector.find_event(calendar, uid) is None:
            connector.create_event(calendar, event)
        meeting.event_uid, meeting.booked = uid, (start_text, end_text)
        self._invite(meeting, event)
        self._release(meeting)
        meeting.status = "booked"
        book.save(self.store, meeting)
        return f"booked {start_text}", self._confirmation(message, meeting)

    def _invite(self, meeting: book.Meeting, event: Event) -> None:
        """The iMIP REQUEST to the attendees, sent once (recorded before the hand-over, like a forward)."""
        if self.outbound is None:
            raise MailflowError("this account cannot send invitations: add [clients.accounts.smtp] to the config")
        if meeting.status == "inviting":
            return  # an earlier try may have sent it: never twice
        ics = build_request(event)
        mail = imip_message(
            ics,
            sender=Address(self.client.name, self.client.email),
            to=[a.email for a in event.attendees],
            subject=f"Invitation: {event.summary}",
            message_id=f"<invite-{meeting.key}@{self._domain}>",
        )

        def mark() -> None:
            meeting.status = "inviting"
            book.save(self.store, meeting)

        try:
            self.outbound.send(bytes(mail), self.client.email, [a.email for a in event.attendees], mark)
        except NotSent:
            meeting.status = "proposed"
            book.save(self.store, meeting)
            raise
        except MaybeSent as exc:
            log.warning("the invitation for %s may not have gone out: %s", meeting.topic, exc)

    def _clash(self, start: datetime, end: datetime, ignore: set[str]) -> Event | None:
        """The first busy event on any calendar overlapping ``[start, end)``, other than those in ``ignore``."""
        for connector, ids in self.calendars:
            for calendar in ids:
                for event in connector.events(calendar, start, end):
                    busy = event.status is not EventStatus.CANCELLED and not event.transparent
                    if busy and event.uid not in ignore and event.start < end and event.end > start:
                        return event
        return None

    def _release(self, meeting: book.Meeting) -> None:
        connector, calendar = self.primary
        for _s, _e, hold_key in meeting.slots:
            try:
                connector.release_hold(calendar, hold_key)
            except ConnectorError as exc:
                log.warning("cannot release hold %s: %s", hold_key, exc)

    def _confirmation(self, message: Message, meeting: book.Meeting) -> str:
        assert meeting.booked is not None
        other = ZoneInfo(meeting.zone)
        slot = self._slot(*meeting.booked)
        when = slot.describe(other, self.zone if other.key != self.client.timezone else None)
        return "\n".join(
            [
                f"Hi {_first_name(message)},",
                "",
                f"Confirmed: {when}. An invitation is on its way.",
                "",
                f"{self.assistant.name}, on behalf of {self.client.name}",
            ]
        )

    # -- invitations -----------------------------------------------------------------

    def invitation(
        self,
        key: str,
        message: Message,
        accept: bool,
        on_conflict: str = "leave",
        before_send: Callable[[], None] | None = None,
    ) -> str:
        """Answer the calendar objects in an invitation email (``answer_invitation``); what was done.

        REQUEST: with ``accept``, a time free on every calendar is put on the
        primary calendar, accepted, and a REPLY (ACCEPTED) goes to the
        organizer, once; a busy time is reported as a conflict and left to you
        or, with ``on_conflict = "decline"``, declined with a REPLY (DECLINED).
        CANCEL: the event is removed (if its sequence allows). REPLY: the
        attendee's answer is recorded on our event. ``before_send`` runs just
        before a decline is handed over (it marks the action as being sent).
        """
        done: list[str] = []
        for inv in parse_invitations(message.raw, timezone=self.zone):
            method = (inv.method or "").upper()
            if method == "REQUEST" and inv.event is not None:
                done.append(self._request(key, inv.event, accept, on_conflict, before_send))
            elif method == "CANCEL":
                done.append(self._cancel(inv.uid, inv.sequence))
            elif method == "REPLY":
                done.append(self._reply(inv.uid, inv.attendees))
            else:
                done.append(f"{method or 'no method'}: left to you")
        return "; ".join(done) or "no calendar object in the message"

    def _request(
        self, key: str, event: Event, accept: bool, on_conflict: str, before_send: Callable[[], None] | None
    ) -> str:
        connector, calendar = self.primary
        me = self.client.email.lower()
        if connector.find_event(calendar, event.uid) is not None:
            return f"{event.summary!r}: already on the calendar"
        other = self._clash(event.start, event.end, {event.uid})
        if other is not None:
            clash = f"conflict: {event.summary!r} overlaps {other.summary!r}"
            if on_conflict != "decline":
                return clash + "; left to you"
            if self.outbound is None or event.organizer is None:
                return clash + "; cannot decline (no SMTP, or no organizer): left to you"
            self._answer(key, event, PartStat.DECLINED, before_send)
            return clash + f"; declined, {event.organizer.email} told"
        if not accept:
            return f"{event.summary!r} is free: left to you"
        if self.outbound is None or event.organizer is None:
            return f"{event.summary!r}: cannot answer (no SMTP, or no organizer): left to you"
        attendees = tuple(
            replace(a, partstat=PartStat.ACCEPTED) if a.email.lower() == me else a for a in event.attendees
        )
        connector.create_event(calendar, replace(event, attendees=attendees, etag=None, href=None))
        self._answer(key, event, PartStat.ACCEPTED, None)  # once: on the calendar now, so never answered again
        return f"accepted {event.summary!r} ({event.start.astimezone(self.zone):%a %d %b %H:%M})"

    def _answer(self, key: str, event: Event, partstat: PartStat, before_send: Callable[[], None] | None) -> None:
        """Send the executive's REPLY to the organizer of ``event``; a hand-over that may have failed is logged."""
        assert self.outbound is not None and event.organizer is not None
        word = "Accepted" if partstat is PartStat.ACCEPTED else "Declined"
        mail = imip_message(
            build_reply(event, self.client.email.lower(), partstat),
            sender=Address(self.client.name, self.client.email),
            to=[event.organizer.email],
            subject=f"{word}: {event.summary}",
            message_id=f"<reply-{key}@{self._domain}>",
        )
        try:
            self.outbound.send(bytes(mail), self.client.email, [event.organizer.email], before_send)
        except MaybeSent as exc:
            log.warning("the answer to %s may not have gone out: %s", event.summary, exc)

    def _cancel(self, uid: str, sequence: int) -> str:
        connector, calendar = self.primary
        found = connector.find_event(calendar, uid)
        if found is None:
            return "cancelled: it was not on the calendar"
        if sequence < found.sequence:
            return f"an old cancellation of {found.summary!r} (sequence {sequence} < {found.sequence}): ignored"
        connector.delete_event(calendar, uid, found.etag or "")
        return f"cancelled {found.summary!r}: removed from the calendar"

    def _reply(self, uid: str, answers: Sequence[Attendee]) -> str:
        connector, calendar = self.primary
        found = connector.find_event(calendar, uid)
        if found is None or not answers:
            return "a reply to an event that is not on the calendar: left to you"
        by = {a.email.lower(): a for a in answers}
        updated = tuple(
            replace(a, partstat=by[a.email.lower()].partstat) if a.email.lower() in by else a for a in found.attendees
        )
        connector.update_event(calendar, replace(found, attendees=updated))
        return ", ".join(f"{a.email} {a.partstat}" for a in answers)

    # -- expiry --------------------------------------------------------------------

    def expire(self) -> int:
        """Release the holds of proposals that ran out; how many."""
        gone = book.expired(self.store, self.client.id, self.now())
        for meeting in gone:
            self._release(meeting)
            meeting.status = "expired"
            book.save(self.store, meeting)
        return len(gone)


def _fits(slot: Slot, when: When | None, zone: ZoneInfo) -> bool:
    """Whether a slot is one the request allows: its days, part of the day and exclusions."""
    if when is None:
        return True
    local = slot.start.astimezone(ZoneInfo(when.tz))
    day = local.date()
    if day in when.excluded:
        return False
    if when.days:
        ok = False
        for d in when.days:
            if d.on != day:
                continue
            if d.at is not None:
                ok = ok or local.time() == d.at
            elif d.window is not None:
                end = slot.end.astimezone(ZoneInfo(when.tz)).time()
                ok = ok or (d.window.start <= local.time() and end <= d.window.end)
            else:
                ok = True
        return ok
    if when.earliest is not None and day < when.earliest:
        return False
    if when.latest is not None and day > when.latest:
        return False
    if when.window is not None:
        end = slot.end.astimezone(ZoneInfo(when.tz)).time()
        return when.window.start <= local.time() and end <= when.window.end
    if when.at is not None:
        return local.time() == when.at
    return True


def _topic(reading: Reading, message: Message) -> str:
    return reading.topic or message.subject or "Meeting"


def _stated_starts(when: When | None) -> list[datetime]:
    """The start times a request names outright, in the order written (a day with a time, or a time on one day)."""
    if when is None:
        return []
    starts = when.starts()
    if not starts and when.at is not None and when.earliest is not None and when.earliest == when.latest:
        starts = [datetime.combine(when.earliest, when.at, ZoneInfo(when.tz))]
    return starts


def _first_name(message: Message) -> str:
    sender = message.sender
    return sender.first_name if sender else "there"
