"""Booking a meeting from email, end to end: Dovecot for the mail, Radicale for the calendar, aiosmtpd for iMIP.

A request arrives; a run drafts a reply offering three free slots and puts
three holds on the calendar; the counterpart picks one; the next run books
the event with the attendees, sends a proper iMIP REQUEST, releases the
other holds and drafts a confirmation; a further run changes nothing.
"""

from __future__ import annotations

import email
import json
import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.caldav import CalDavConnector
from mailflow.cli import cli
from mailflow.imip import check_request
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.servers.radicale import RadicaleUser
from tests.servers.smtp import SmtpServer
from workers.main import RUNTIME

pytestmark = pytest.mark.dovecot

RULES = """
version = 1

[[rule]]
name = "Meeting requests"
when = { all = [ { body = { contains = "meet" } }, { is_reply = false } ] }
then = [ { propose_meeting = { duration = "30m", within = "10 business days", slots = 3 } } ]
"""


def config(tmp_path: Path, imap: DovecotUser, cal: RadicaleUser, smtp: SmtpServer) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "dana.toml").write_text(RULES)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
database = "sqlite:///mailflow.db"

[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"

[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"

[[clients.calendars]]
kind = "caldav"
url = "{cal.principal_url}"
username = "{cal.name}"
password = "{cal.password}"
calendars = ["{cal.calendar}"]

[[clients.accounts]]
kind = "imap"
host = "{imap.host}"
port = {imap.port}
username = "{imap.name}"
password = "{imap.password}"
tls = "none"

[clients.accounts.smtp]
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
"""
    )
    return path


def run(path: Path) -> str:
    result = CliRunner().invoke(cli, ["--config", str(path), "run", "--once"], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output
    return result.output


def deliver(server: DovecotServer, user: DovecotUser, raw: str) -> None:
    with server.imap_client(user) as client:
        client.append("INBOX", raw.replace("\n", "\r\n").encode())


def drafts(server: DovecotServer, user: DovecotUser) -> list[email.message.Message]:
    with server.imap_client(user) as client:
        client.select_folder("Drafts", readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [email.message_from_bytes(item[b"BODY[]"]) for _uid, item in sorted(data.items())]


def body(message: email.message.Message) -> str:
    part = message.get_payload(decode=True) if not message.is_multipart() else None
    return part.decode() if isinstance(part, bytes) else str(message.get_payload())


def calendar(cal: RadicaleUser) -> CalDavConnector:
    connector = CalDavConnector(cal.principal_url, cal.name, cal.password)
    connector.open()
    return connector


def test_a_request_is_proposed_held_picked_booked_and_invited_once(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    now = datetime.now(UTC)
    deliver(
        dovecot_server,
        imap_user,
        f"""From: Pat Quinn <pat@partner.example>
To: Dana Whitfield <dana@acme.example>
Cc: Jo Park <jo@partner.example>
Subject: Catch-up on the partnership
Date: {format_datetime(now)}
Message-ID: <request-1@partner.example>

Hi Dana,

Could we meet for 30 minutes next week to go over the partnership? Any afternoon works for me.

Best,
Pat
""",
    )
    out = run(path)
    assert "propose a meeting" in out, out
    proposal = drafts(dovecot_server, imap_user)
    assert len(proposal) == 1 and proposal[0]["In-Reply-To"] == "<request-1@partner.example>"
    text = body(proposal[0])
    assert "1. " in text and "2. " in text and "3. " in text and "4. " not in text, text
    connector = calendar(caldav_user)
    window = (now, now + timedelta(days=30))
    holds = [e for e in connector.events(caldav_user.calendar, *window) if e.hold_key]
    assert len(holds) == 3, holds
    assert all(12 <= h.start.astimezone(connector_zone()).hour < 17 for h in holds), "the afternoons asked for"

    deliver(
        dovecot_server,
        imap_user,
        f"""From: Pat Quinn <pat@partner.example>
To: Dana Whitfield <dana@acme.example>
Subject: Re: Catch-up on the partnership
Date: {format_datetime(now + timedelta(minutes=5))}
Message-ID: <reply-1@partner.example>
In-Reply-To: <request-1@partner.example>
References: <request-1@partner.example>

The second option works for me.

Pat
""",
    )
    out = run(path)
    events = connector.events(caldav_user.calendar, *window)
    assert not [e for e in events if e.hold_key], "every hold released"
    (booked,) = events
    chosen = sorted(holds, key=lambda h: h.start)[1]
    assert (booked.start, booked.end) == (chosen.start, chosen.end), "the second slot offered"
    assert {a.email for a in booked.attendees} == {"pat@partner.example", "jo@partner.example"}
    assert len(smtp_server.received) == 1
    invite = smtp_server.received[0]
    assert set(invite.recipients) == {"pat@partner.example", "jo@partner.example"}
    assert check_request(invite.data) == [], check_request(invite.data)
    confirmation = [d for d in drafts(dovecot_server, imap_user) if d["In-Reply-To"] == "<reply-1@partner.example>"]
    assert len(confirmation) == 1 and "Confirmed:" in body(confirmation[0])

    before = (len(drafts(dovecot_server, imap_user)), len(connector.events(caldav_user.calendar, *window)))
    run(path)
    after = (len(drafts(dovecot_server, imap_user)), len(connector.events(caldav_user.calendar, *window)))
    assert after == before and len(smtp_server.received) == 1, "another run changes nothing"


def connector_zone() -> object:
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


REQUEST = """From: Pat Quinn <pat@partner.example>
To: Dana Whitfield <dana@acme.example>
Subject: Quick sync
Date: {date}
Message-ID: <request-2@partner.example>

Hi Dana, could we meet for 30 minutes sometime next week?

Pat
"""


def answer(text: str, date: datetime, n: int) -> str:
    return f"""From: Pat Quinn <pat@partner.example>
To: Dana Whitfield <dana@acme.example>
Subject: Re: Quick sync
Date: {format_datetime(date)}
Message-ID: <answer-{n}@partner.example>
In-Reply-To: <request-2@partner.example>
References: <request-2@partner.example>

{text}
"""


def test_a_decline_releases_the_holds_and_a_counter_proposal_gets_new_slots(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    now = datetime.now(UTC)
    deliver(dovecot_server, imap_user, REQUEST.format(date=format_datetime(now)))
    run(path)
    connector = calendar(caldav_user)
    window = (now, now + timedelta(days=30))
    first = sorted(e.start for e in connector.events(caldav_user.calendar, *window) if e.hold_key)
    assert len(first) == 3

    deliver(dovecot_server, imap_user, answer("None of those work for me, how about the week after?", now, 1))
    out = run(path)
    assert "answer to a meeting proposal" in out, out
    second = sorted(e.start for e in connector.events(caldav_user.calendar, *window) if e.hold_key)
    assert len(second) == 3 and not set(first) & set(second), "new slots, the old holds released"
    assert len(drafts(dovecot_server, imap_user)) == 2, "a new proposal drafted"

    deliver(dovecot_server, imap_user, answer("Thanks, but we'll pass for now.", now, 2))
    run(path)
    assert not [e for e in connector.events(caldav_user.calendar, *window) if e.hold_key], "declined: holds gone"
    assert not smtp_server.received, "nothing was booked, nothing sent"


INVITES = """
version = 1

[[rule]]
name = "Invitations"
when = { category = "invite" }
then = [ { answer_invitation = true } ]
"""


def invitation(method: str, uid: str, start: datetime, summary: str, sequence: int = 0) -> str:
    from mailflow.calendars import Attendee, Event
    from mailflow.imip import build_cancel, build_request, imip_message
    from mailflow.model import Address

    event = Event(
        uid,
        summary,
        start,
        start + timedelta(hours=1),
        attendees=(Attendee("dana@acme.example"),),
        organizer=Address("Lee Boss", "lee@other.example"),
        sequence=sequence,
    )
    ics = build_request(event) if method == "REQUEST" else build_cancel(event)
    mail = imip_message(ics, sender=Address("Lee Boss", "lee@other.example"), to=["dana@acme.example"])
    return bytes(mail).decode().replace("\r\n", "\n")


def test_invitations_are_accepted_when_free_reported_when_not_and_cancellations_remove_them(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    (tmp_path / "rules" / "dana.toml").write_text(INVITES)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    deliver(dovecot_server, imap_user, invitation("REQUEST", "board-1@other.example", start, "Board prep"))
    deliver(dovecot_server, imap_user, invitation("REQUEST", "clash-1@other.example", start, "Clashing call"))
    run(path)
    connector = calendar(caldav_user)
    window = (start - timedelta(days=1), start + timedelta(days=1))
    assert [e.summary for e in connector.events(caldav_user.calendar, *window)] == ["Board prep"]
    (reply,) = smtp_server.received
    assert reply.recipients == ["lee@other.example"]
    assert b"METHOD:REPLY" in reply.data and b"PARTSTAT=ACCEPTED" in reply.data
    out = CliRunner().invoke(cli, ["--config", str(path), "log", "--format", "json"], obj={"runtime": RUNTIME}).output
    details = [e["detail"] for e in json.loads(out)]
    assert "conflict: 'Clashing call' overlaps 'Board prep'; left to you" in details, details

    deliver(dovecot_server, imap_user, invitation("CANCEL", "board-1@other.example", start, "Board prep"))
    run(path)
    assert not connector.events(caldav_user.calendar, *window), "the cancelled meeting is gone"
    assert len(smtp_server.received) == 1, "nothing answered twice"


def assert_refused(path: Path, text: str, message: str) -> None:
    """The rules file ``text`` does not load, and the error says ``message``."""
    from mailflow.errors import RulesSchemaError
    from mailflow.rules import load_rules

    path.write_text(text)
    with pytest.raises(RulesSchemaError, match=message):
        load_rules(path)


def test_propose_meeting_options_are_checked_at_load(tmp_path: Path) -> None:
    from mailflow.rules import load_rules

    path = tmp_path / "dana.toml"
    base = 'version = 1\n[[rule]]\nname = "m"\nthen = [ {{ propose_meeting = {} }} ]\n'
    path.write_text(base.format('{ duration = "45m", within = "2 weeks", slots = 2, vip = true, hold_for = "1d" }'))
    (rule,) = load_rules(path).rules
    assert rule.actions[0].params == {
        "duration": 2700,
        "within_days": 14,
        "business": False,
        "slots": 2,
        "hold_for": 86400,
        "vip": True,
    }
    for bad, message in (
        ('{ within = "soon" }', "within expects"),
        ("{ slots = 0 }", "slots expects a number from 1 to 10"),
        ('{ duration = "long" }', "duration"),
        ('{ vip = "yes" }', "true or false"),
        ('{ room = "A" }', "unknown key 'room'"),
    ):
        assert_refused(path, base.format(bad), message)


BOOK = """
version = 1

[[rule]]
name = "Meeting requests"
when = {{ all = [ {{ body = {{ contains = "meet" }} }}, {{ is_reply = false }} ] }}
then = [ {{ book = {{ duration = "30m"{options} }} }} ]
"""


def stated_request(n: int, who: str, day: datetime, sent: datetime) -> str:
    return f"""From: {who.title()} Example <{who}@partner.example>
To: Dana Whitfield <dana@acme.example>
Subject: Contract review {n}
Date: {format_datetime(sent)}
Message-ID: <stated-{n}@partner.example>

Hi Dana, could we meet on {day:%A %d %B} at 2pm to go over the contract?

{who.title()}
"""


def test_book_takes_the_stated_time_when_free_and_otherwise_proposes_or_leaves_it(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    from zoneinfo import ZoneInfo

    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    rules = tmp_path / "rules" / "dana.toml"
    rules.write_text(BOOK.format(options=""))
    now = datetime.now(UTC)
    zone = ZoneInfo("America/New_York")
    day = now.astimezone(zone) + timedelta(days=8)
    while day.weekday() != 3:  # a Thursday, a week or more ahead
        day += timedelta(days=1)
    two_pm = day.replace(hour=14, minute=0, second=0, microsecond=0)
    deliver(dovecot_server, imap_user, stated_request(1, "pat", day, now))
    out = run(path)
    assert "book the time asked for" in out, out
    connector = calendar(caldav_user)
    window = (now, now + timedelta(days=30))
    (event,) = connector.events(caldav_user.calendar, *window)
    assert event.hold_key is None and event.start == two_pm and event.end == two_pm + timedelta(minutes=30)
    assert {a.email for a in event.attendees} == {"pat@partner.example"}
    (invite,) = smtp_server.received
    assert invite.recipients == ["pat@partner.example"] and check_request(invite.data) == []
    (confirmation,) = drafts(dovecot_server, imap_user)
    assert confirmation["In-Reply-To"] == "<stated-1@partner.example>" and "Confirmed:" in body(confirmation)

    run(path)
    assert len(connector.events(caldav_user.calendar, *window)) == 1 and len(smtp_server.received) == 1
    assert len(drafts(dovecot_server, imap_user)) == 1, "another run changes nothing"

    # The same time asked for again: taken, so other times that day are proposed, with holds.
    deliver(dovecot_server, imap_user, stated_request(2, "lou", day, now))
    run(path)
    holds = [e for e in connector.events(caldav_user.calendar, *window) if e.hold_key]
    assert len(holds) == 3 and all(h.start.astimezone(zone).date() == two_pm.date() for h in holds), holds
    assert all(not (h.start < two_pm + timedelta(minutes=30) and h.end > two_pm) for h in holds)
    proposal = [d for d in drafts(dovecot_server, imap_user) if d["In-Reply-To"] == "<stated-2@partner.example>"]
    assert len(proposal) == 1 and "1. " in body(proposal[0]) and len(smtp_server.received) == 1

    # With otherwise = "leave", a taken time is left to the assistant: nothing held, drafted or sent.
    rules.write_text(BOOK.format(options=', otherwise = "leave"'))
    deliver(dovecot_server, imap_user, stated_request(3, "kim", day, now))
    run(path)
    assert len([e for e in connector.events(caldav_user.calendar, *window) if e.hold_key]) == 3
    assert len(drafts(dovecot_server, imap_user)) == 2 and len(smtp_server.received) == 1
    digest = CliRunner().invoke(cli, ["--config", str(path), "digest", "--format", "json"], obj={"runtime": RUNTIME})
    notices = [e["notice"] for e in json.loads(digest.output)]
    assert any(n.startswith("meeting: ") and "not free, not booked; left to you" in n for n in notices), notices


def test_a_reply_in_a_proposal_thread_is_answered_by_the_proposal_not_booked_again(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    stated = '[[rule]]\nname = "Stated times"\nwhen = { body = { contains = "works" } }\nthen = [ { book = true } ]\n'
    (tmp_path / "rules" / "dana.toml").write_text(RULES + "\n" + stated)
    now = datetime.now(UTC)
    deliver(dovecot_server, imap_user, REQUEST.format(date=format_datetime(now)))
    run(path)
    connector = calendar(caldav_user)
    window = (now, now + timedelta(days=30))
    holds = sorted((e for e in connector.events(caldav_user.calendar, *window) if e.hold_key), key=lambda e: e.start)
    first = holds[0].start.astimezone(connector_zone())
    deliver(dovecot_server, imap_user, answer(f"{first:%A} at {first:%-I%p} works", now, 1))
    out = run(path)
    (event,) = connector.events(caldav_user.calendar, *window)
    assert event.start == holds[0].start and len(smtp_server.received) == 1, out
    assert "book the time asked for" not in out, "the rule's book is skipped in a proposal's thread"


def test_a_clashing_invitation_is_declined_once_when_the_rule_says_so(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    (tmp_path / "rules" / "dana.toml").write_text(INVITES.replace("true } ]", '{ on_conflict = "decline" } } ]'))
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    deliver(dovecot_server, imap_user, invitation("REQUEST", "board-2@other.example", start, "Board prep"))
    run(path)
    deliver(dovecot_server, imap_user, invitation("REQUEST", "clash-2@other.example", start, "Clashing call"))
    run(path)
    connector = calendar(caldav_user)
    window = (start - timedelta(days=1), start + timedelta(days=1))
    assert [e.summary for e in connector.events(caldav_user.calendar, *window)] == ["Board prep"]
    accepted, declined = smtp_server.received
    assert b"PARTSTAT=ACCEPTED" in accepted.data
    assert declined.recipients == ["lee@other.example"]
    assert b"METHOD:REPLY" in declined.data and b"PARTSTAT=DECLINED" in declined.data
    assert b"clash-2@other.example" in declined.data
    run(path)
    assert len(smtp_server.received) == 2, "nothing answered twice"


def test_book_and_answer_invitation_options_are_checked_at_load(tmp_path: Path) -> None:
    from mailflow.rules import load_rules

    path = tmp_path / "dana.toml"
    base = 'version = 1\n[[rule]]\nname = "m"\nthen = [ {{ {} }} ]\n'
    path.write_text(base.format('book = { duration = "1h", otherwise = "leave" }'))
    (rule,) = load_rules(path).rules
    assert rule.actions[0].params["duration"] == 3600 and rule.actions[0].params["otherwise"] == "leave"
    path.write_text(base.format('answer_invitation = { on_conflict = "decline" }'))
    (rule,) = load_rules(path).rules
    assert rule.actions[0].params == {"accept": True, "on_conflict": "decline"}
    for bad, message in (
        ('book = { otherwise = "ignore" }', 'otherwise expects "propose" or "leave"'),
        ("book = { slots = 20 }", "slots expects a number from 1 to 10"),
        ('book = { when = "now" }', "unknown key 'when'"),
        ('answer_invitation = { on_conflict = "maybe" }', 'on_conflict expects "leave" or "decline"'),
        ("answer_invitation = { accept = 1 }", "true or false"),
    ):
        assert_refused(path, base.format(bad), message)


def test_a_booking_interrupted_after_the_invitation_went_out_is_finished_without_a_second_one(
    dovecot_server: DovecotServer,
    imap_user: DovecotUser,
    caldav_user: RadicaleUser,
    smtp_server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlalchemy as sa

    path = config(tmp_path, imap_user, caldav_user, smtp_server)
    (tmp_path / "rules" / "dana.toml").write_text(BOOK.format(options=""))
    monkeypatch.chdir(tmp_path)
    now = datetime.now(UTC)
    day = now + timedelta(days=8)
    while day.weekday() != 2:
        day += timedelta(days=1)
    deliver(dovecot_server, imap_user, stated_request(4, "pat", day, now))
    run(path)
    assert len(smtp_server.received) == 1
    # As if the process died just after handing the invitation over: the meeting is still
    # "inviting", the action still planned, its confirmation never saved.
    from mailflow.store.engine import normalise_url

    url = os.environ.get("MAILFLOW_DATABASE") or f"sqlite:///{tmp_path / 'mailflow.db'}"  # PostgreSQL in PG mode
    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meetings SET status = 'inviting'"))
        conn.execute(sa.text("UPDATE actions SET status = 'planned' WHERE kind = 'book'"))
        conn.execute(sa.text("UPDATE messages SET status = 'planned'"))
    engine.dispose()
    with dovecot_server.imap_client(imap_user) as client:
        client.select_folder("Drafts")
        client.delete_messages(client.search("ALL"))
        client.expunge()
    run(path)
    assert len(smtp_server.received) == 1, "the invitation is not sent again"
    (confirmation,) = drafts(dovecot_server, imap_user)
    assert "Confirmed:" in body(confirmation)
    window = (now, now + timedelta(days=30))
    assert len(calendar(caldav_user).events(caldav_user.calendar, *window)) == 1
    log = CliRunner().invoke(cli, ["--config", str(path), "log", "--format", "json"], obj={"runtime": RUNTIME})
    assert [e["outcome"] for e in json.loads(log.output) if e["action"] == "book"] == ["done", "done"]
