"""The conditions beyond fields: address parts, attachment counts and sizes, message size, date and time,
thread facts and the correspondent history."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailflow.errors import RulesSchemaError
from mailflow.message import Message
from mailflow.rules import MatchContext, RuleSet, load_rules

NEW_YORK = ZoneInfo("America/New_York")


def rules(tmp_path: Path, when: str) -> RuleSet:
    path = tmp_path / "client.toml"
    path.write_text(f'version = 1\n[[rule]]\nname = "r"\nwhen = {when}\nthen = [ {{ flag = true }} ]\n')
    return load_rules(path)


def raw(
    *,
    sender: str = "Ann Lee <ann.lee@example.org>",
    to: str = "Dana Whitfield <dana@acme.example>",
    cc: str = "",
    subject: str = "Hello",
    date: str = "Tue, 03 Mar 2026 14:30:00 +0000",
    extra: str = "",
    attachments: tuple[tuple[str, int], ...] = (),
) -> bytes:
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = to
    if cc:
        mime["Cc"] = cc
    mime["Subject"] = subject
    mime["Date"] = date
    mime["Message-ID"] = "<m1@example.org>"
    for line in filter(None, extra.split("\n")):
        name, _, value = line.partition(": ")
        mime[name] = value
    mime.set_content("Hi Dana\n")
    for name, size in attachments:
        mime.add_attachment(b"x" * size, maintype="application", subtype="pdf", filename=name)
    return mime.as_bytes()


class History:
    def __init__(self, known: set[str], replied: set[str]) -> None:
        self.known_set, self.replied_set = known, replied

    def known(self, address: str) -> bool:
        return address in self.known_set

    def replied(self, message: Message) -> bool:
        ids = {*message.references, message.in_reply_to, message.message_id}
        return bool(self.replied_set & {i for i in ids if i})


def holds(tmp_path: Path, when: str, message: bytes, history: History | None = None) -> bool:
    ctx = MatchContext(Message(message), "personal", "work", "INBOX", NEW_YORK, history)
    return bool(rules(tmp_path, when).evaluate(ctx))


@pytest.mark.parametrize(
    ("when", "want"),
    [
        ('{ from = { name = "ann" } }', True),
        ('{ from = { name = ["bob", "lee"] } }', True),
        ('{ from = { name = "ann.lee" } }', False),  # the name, not the address
        ('{ from = { local = "ann.lee" } }', True),
        ('{ from = { local = ["billing", "invoices"] } }', False),
        ('{ from = { local = "ann.lee", domain = "example.org" } }', True),
        ('{ to = { local = "dana", name = "whitfield" } }', True),
    ],
)
def test_address_parts(tmp_path: Path, when: str, want: bool) -> None:
    assert holds(tmp_path, when, raw()) is want


def test_attachment_count_and_total_size_and_message_size(tmp_path: Path) -> None:
    two = raw(attachments=(("a.pdf", 3000), ("b.pdf", 4000)))
    assert holds(tmp_path, "{ attachments = { count = 2 } }", two)
    assert holds(tmp_path, "{ attachments = { count = { min = 1, max = 3 } } }", two)
    assert not holds(tmp_path, "{ attachments = { count = { min = 3 } } }", two)
    assert holds(tmp_path, '{ attachments = { total_size = { min = "6KB" } } }', two)
    assert not holds(tmp_path, '{ attachments = { total_size = { max = "5KB" } } }', two)
    assert holds(tmp_path, "{ attachments = { count = 0 } }", raw())
    assert holds(tmp_path, '{ size = { min = "9KB", max = "1MB" } }', two)
    assert not holds(tmp_path, '{ size = { min = "9KB" } }', raw())
    assert holds(tmp_path, "{ size = { max = 100000 } }", raw())


def test_date_weekday_and_time_are_in_the_clients_zone(tmp_path: Path) -> None:
    # 14:30 UTC on Tuesday 3 March 2026 is 09:30 in New York.
    message = raw()
    assert holds(tmp_path, '{ weekday = ["tue", "wed"] }', message)
    assert not holds(tmp_path, '{ weekday = ["sat", "sun"] }', message)
    assert holds(tmp_path, '{ time = { after = "09:00", before = "10:00" } }', message)
    assert not holds(tmp_path, '{ time = { after = "14:00" } }', message), "14:30 UTC is 09:30 there"
    late = raw(date="Wed, 04 Mar 2026 02:30:00 +0000")  # 21:30 on Tuesday in New York
    assert holds(tmp_path, '{ time = { after = "18:00", before = "08:00" } }', late), "wraps past midnight"
    assert holds(tmp_path, '{ weekday = "tue" }', late), "still Tuesday there"
    assert not holds(tmp_path, '{ time = { after = "18:00", before = "08:00" } }', message)
    assert holds(tmp_path, '{ date = { after = "2026-03-01", before = "2026-03-03" } }', message), "both ends in"
    assert not holds(tmp_path, '{ date = { after = "2026-03-04" } }', message)
    # Across the DST change (8 March 2026): 13:30 UTC on the 9th is 09:30 EDT.
    assert holds(
        tmp_path, '{ time = { after = "09:00", before = "10:00" } }', raw(date="Mon, 09 Mar 2026 13:30:00 +0000")
    )


def test_thread_facts(tmp_path: Path) -> None:
    reply = raw(subject="Re: Hello", extra="In-Reply-To: <root@example.org>\nReferences: <root@example.org>")
    assert holds(tmp_path, "{ is_reply = true }", reply)
    assert holds(tmp_path, "{ is_reply = false }", raw())
    assert holds(tmp_path, "{ is_reply = true }", raw(subject="RE: quarterly numbers"))
    crowd = raw(cc="a@x.example, b@x.example, Ann <ANN.LEE@example.org>")
    assert holds(tmp_path, "{ participants = { min = 4 } }", crowd), "ann, dana, a, b: the repeat counts once"
    assert not holds(tmp_path, "{ participants = { min = 5 } }", crowd)
    assert holds(tmp_path, "{ participants = 2 }", raw())


def test_the_correspondent_history(tmp_path: Path) -> None:
    history = History(known={"ann.lee@example.org"}, replied={"<root@example.org>"})
    stranger = raw(sender="Pat <pat@cold.example>")
    assert holds(tmp_path, "{ first_time_sender = true }", stranger, history)
    assert not holds(tmp_path, "{ first_time_sender = true }", raw(), history)
    assert holds(tmp_path, "{ first_time_sender = true }", raw()), "no history: everyone is new"
    reply = raw(extra="In-Reply-To: <root@example.org>")
    assert holds(tmp_path, "{ replied = true }", reply, history)
    assert holds(tmp_path, "{ replied = false }", raw(), history)
    when = '{ all = [ { first_time_sender = true }, { not = { replied = true } }, { body = "hi" } ] }'
    assert holds(tmp_path, when, stranger, history)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ('{ size = "big" }', "size expects a size"),
        ('{ size = { min = "2MB", max = "1MB" } }', "is larger than max"),
        ("{ attachments = { count = -1 } }", "count expects a number"),
        ('{ weekday = "someday" }', "weekdays are mon, tue"),
        ('{ time = { after = "25:00" } }', "after expects a time HH:MM"),
        ('{ date = { before = "2026-02-30" } }', "is not a date"),
        ("{ participants = { least = 2 } }", "unknown key 'least'"),
        ('{ replied = "yes" }', "true or false"),
        ("{ from = { local = 3 } }", "a local part"),
    ],
)
def test_bad_values_are_load_errors(tmp_path: Path, when: str, message: str) -> None:
    with pytest.raises(RulesSchemaError, match=message):
        rules(tmp_path, when)


def test_sent_at_falls_back_to_now_without_a_date(tmp_path: Path) -> None:
    undated = raw(date="not a date")
    today = datetime.now(NEW_YORK).strftime("%a").lower()
    assert holds(tmp_path, f'{{ weekday = "{today}" }}', undated)


def test_lists_shared_between_clients_come_from_one_file(tmp_path: Path) -> None:
    from mailflow.rules import RulesContext

    shared = tmp_path / "shared.toml"
    shared.write_text('[lists]\nboard = ["@board.example", "chair@bigcorp.example"]\n')
    path = tmp_path / "client.toml"
    path.write_text(
        'version = 1\n[[rule]]\nname = "r"\nwhen = { from = { in = "board" } }\nthen = [ { flag = true } ]\n'
    )
    context = RulesContext(shared_lists=shared)
    ruleset = load_rules(path, context=context)
    ctx = MatchContext(Message(raw(sender="Chair <chair@bigcorp.example>")), "personal", "work", "INBOX")
    assert ruleset.evaluate(ctx)
    with pytest.raises(RulesSchemaError, match="list 'board' is not defined"):
        load_rules(path)  # without the shared file
    path.write_text(path.read_text() + '[lists]\nboard = ["x@y.example"]\n')
    with pytest.raises(RulesSchemaError, match="already defined in the shared lists file"):
        load_rules(path, context=context)
    shared.write_text('[lists]\nboard = ["not an address"]\n')
    with pytest.raises(RulesSchemaError) as exc:
        load_rules(path, context=context)
    assert "shared.toml:2:" in str(exc.value), "a problem in the shared file names that file and line"
