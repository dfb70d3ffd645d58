"""The pipeline over a Maildir: plans, applies once, resumes, quarantines."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.maildir import MaildirConnector
from mailflow.drafting import Person
from mailflow.errors import ConnectorError, StoreError, TransientError
from mailflow.message import Message
from mailflow.model import ChangeSet, Draft, FetchedMessage, MessageRef, SyncCursor, Update
from mailflow.pipeline import AccountPass, by_bytes
from mailflow.rules import load_rules
from mailflow.store import MessageRow, Store, open_store
from mailflow.store.tables import actions, audit, messages, time_entries

RULES = (Path(__file__).resolve().parent.parent / "rules" / "dana.toml").read_text()  # the example

DANA = Person("dana", "Dana Whitfield", "dana@acme.example")
SAM = Person("assistant", "Sam Rivera", "sam@rivera-va.example")


def mail(n: int, sender: str, subject: str, extra: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: Dana Whitfield <dana@acme.example>\r\nSubject: {subject}\r\n"
        f"Message-ID: <p{n}@example.com>\r\nDate: Tue, 24 Nov 2026 10:0{n % 10}:00 -0500\r\n{extra}"
        f"\r\nMessage body {n}.\r\n"
    ).encode()


def maildir(root: Path, messages: Sequence[bytes]) -> Path:
    """A Maildir at ``root`` with ``messages`` in new/."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n, raw in enumerate(messages):
        (root / "new" / f"17000{n}.M{n}P7.test").write_bytes(raw)
    return root


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    samples = [
        mail(1, "Pat Chen <ceo@bigcorp.example>", "Q4 numbers?"),
        mail(2, "Weekly Digest <news@digest.example>", "This week", "List-Unsubscribe: <mailto:u@digest.example>\r\n"),
        mail(3, "Brightline Billing <billing@brightline.example>", "Invoice #4471"),
        mail(4, "Kim <kim@friends.example>", "Dinner?"),
        mail(5, "Lee Board <lee@board.example>", "Invoice #9 for the board dinner"),
        b"\x00\xff not an email at all \xfe",
    ]
    return maildir(tmp_path / "mail", samples)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The same pipeline tests run on SQLite and on PostgreSQL."""
    opened = open_store(store_url)
    yield opened
    opened.close()


def run_pass(store: Store, root: Path, rules_path: Path, connector: MaildirConnector | None = None) -> AccountPass:
    step = AccountPass(
        store, connector or MaildirConnector(root, "dana"), load_rules(rules_path), DANA, SAM, batch_size=2
    )
    step.run()
    return step


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    path = tmp_path / "dana.toml"
    path.write_text(RULES)
    return path


@pytest.fixture
def twin(mailbox: Path, rules_path: Path, tmp_path: Path) -> Path:
    """A copy of the mailbox after one uninterrupted pass: what every interrupted run must end as."""
    copy = tmp_path / "twin"
    shutil.copytree(mailbox, copy)
    run_pass(open_store(f"sqlite:///{tmp_path / 'twin.db'}"), copy, rules_path)
    return copy


def snapshot(root: Path) -> list[str]:
    files = (p.relative_to(root) for p in root.rglob("*") if p.is_file())
    return sorted(str(p) for p in files if "tmp" not in p.parts)


def test_the_example_rules_label_move_draft_and_log_time(mailbox: Path, store: Store, rules_path: Path) -> None:
    step = run_pass(store, mailbox, rules_path)
    report = step.report
    assert report.new == 6 and report.quarantined == 1  # the one that is not an email message
    assert report.actions == {"label": 4, "flag": 2, "log_time": 4, "move": 1, "mark_read": 1, "draft_reply": 2}
    files = snapshot(mailbox)
    assert "cur/170000.M0P7.test:2,Fa" in files  # flagged, keyword Urgent
    assert any(f.startswith(".Newsletters/cur/170001.M1P7.test:2,S") for f in files)
    assert "cur/170002.M2P7.test:2,b" in files or "cur/170002.M2P7.test:2,a" in files
    drafts = sorted((mailbox / ".Drafts" / "cur").iterdir())
    assert len(drafts) == 2
    text = drafts[0].read_bytes().decode()
    assert "In-Reply-To: <p" in text and "Subject: Re: Invoice #" in text
    assert "From: Dana Whitfield <dana@acme.example>" in text
    with store.engine.connect() as conn:
        minutes = sorted(r.seconds for r in conn.execute(select(time_entries)))
        assert minutes == [120, 120, 180, 180]
        assert conn.execute(select(audit)).all()


def test_a_second_pass_changes_nothing(mailbox: Path, store: Store, rules_path: Path) -> None:
    run_pass(store, mailbox, rules_path)
    before = snapshot(mailbox)
    with store.engine.connect() as conn:
        rows_before = conn.execute(select(actions.c.key, actions.c.status)).all()
    second = run_pass(store, mailbox, rules_path).report
    assert second.new == 0 and sum(second.actions.values()) == 0
    assert snapshot(mailbox) == before
    with store.engine.connect() as conn:
        assert conn.execute(select(actions.c.key, actions.c.status)).all() == rows_before
        assert len(conn.execute(select(time_entries)).all()) == 4


def test_a_message_that_is_not_mail_is_still_recorded_and_nothing_crashes(
    mailbox: Path, store: Store, rules_path: Path
) -> None:
    run_pass(store, mailbox, rules_path)
    with store.engine.connect() as conn:
        rows = conn.execute(select(messages.c.locator, messages.c.status, messages.c.reason)).all()
    assert len(rows) == 6
    odd = [(r.status, r.reason) for r in rows if r.locator == "170005.M5P7.test"]
    assert odd == [("quarantined", odd[0][1])] and odd[0][1].startswith("MessageError: not an email message:")
    assert {r.status for r in rows if r.locator != "170005.M5P7.test"} == {"done"}


@pytest.mark.parametrize(
    "raw",
    [b"", b"\r\n\r\n", b"Hello, just some words.\r\nNo header at all.\r\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"],
    ids=["empty", "blank-lines", "text-only", "binary"],
)
def test_a_file_with_no_mail_header_is_quarantined_not_answered(tmp_path: Path, store: Store, raw: bytes) -> None:
    rules = tmp_path / "answer.toml"
    rules.write_text(
        'version = 1\n[[rule]]\nname = "Answer personal mail"\nwhen = { category = "personal" }\n'
        'then = [ { draft_reply = { text = "Thanks." } }, { label = "Answered" } ]\n'
    )
    root = maildir(tmp_path / "mail", [raw, b"Subject: only a subject\r\n\r\nHi.\r\n"])
    report = run_pass(store, root, rules).report
    assert (report.new, report.quarantined) == (2, 1)
    assert report.actions == {"draft_reply": 1, "label": 1}  # the message with a Subject only is mail
    with store.engine.connect() as conn:
        reason = conn.execute(select(messages.c.reason).where(messages.c.status == "quarantined")).scalar_one()
    assert reason.startswith("MessageError: not an email message: it has none of the header fields")


class DropsOnMove(MaildirConnector):
    """A mailbox whose connection drops the first time a message is moved."""

    def __init__(self, root: Path, account: str) -> None:
        super().__init__(root, account)
        self.dropped = False

    def move(self, refs: Sequence[MessageRef], folder: str) -> None:
        if not self.dropped:
            self.dropped = True
            raise TransientError("connection reset by peer")
        super().move(refs, folder)


def without_drafts(files: list[str]) -> list[str]:
    return [f for f in files if not f.startswith(".Drafts/")]


def test_an_interrupted_pass_is_finished_by_the_next_one_without_doing_anything_twice(
    mailbox: Path, store: Store, rules_path: Path, twin: Path
) -> None:
    with pytest.raises(TransientError):
        run_pass(store, mailbox, rules_path, DropsOnMove(mailbox, "dana"))
    resumed = run_pass(store, mailbox, rules_path)
    assert resumed.report.resumed >= 1
    third = run_pass(store, mailbox, rules_path).report
    assert sum(third.actions.values()) == 0

    assert without_drafts(snapshot(mailbox)) == without_drafts(snapshot(twin))
    assert len(list((mailbox / ".Drafts" / "cur").iterdir())) == 2
    with store.engine.connect() as conn:
        assert len(conn.execute(select(time_entries)).all()) == 4
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class RecordFailsOnce(Store):
    """A store whose second batch cannot be recorded (the database went away for a moment)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.calls = 0

    def record(self, rows: Sequence[MessageRow]) -> None:
        self.calls += 1
        if self.calls == 2:
            raise StoreError("cannot write to the database: disk I/O error")
        super().record(rows)


def touched_keys(root: Path) -> set[str]:
    """The message keys of every message whose file a pass changed (flags, keywords, moved), drafts aside."""
    keys: set[str] = set()
    for path in root.rglob("*"):
        if not path.is_file() or path.parent.name != "cur" or ".Drafts" in path.parts:
            continue
        keys.add(Message(path.read_bytes()).key)
    return keys


def test_a_batch_that_cannot_be_recorded_stops_every_later_write_and_the_next_pass_finishes_once(
    mailbox: Path, store: Store, rules_path: Path, twin: Path
) -> None:
    failing = RecordFailsOnce(store)
    step = AccountPass(
        failing, MaildirConnector(mailbox, "dana"), load_rules(rules_path), DANA, SAM, batch_size=2, apply_every=2
    )
    with pytest.raises(StoreError, match="disk I/O error"):
        step.run()
    with store.engine.connect() as conn:
        recorded = set(conn.execute(select(messages.c.key)).scalars())
    assert len(recorded) == 2, "only the first batch was recorded"
    assert touched_keys(mailbox) <= recorded, "no message was changed without its plan in the ledger"

    run_pass(store, mailbox, rules_path)
    assert without_drafts(snapshot(mailbox)) == without_drafts(snapshot(twin))
    assert len(list((mailbox / ".Drafts" / "cur").iterdir())) == 2
    with store.engine.connect() as conn:
        assert len(conn.execute(select(time_entries)).all()) == 4
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class CountsRecords(Store):
    """A store that remembers how many messages each ``record`` call wrote."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.sizes: list[int] = []

    def record(self, rows: Sequence[MessageRow]) -> None:
        self.sizes.append(len(rows))
        super().record(rows)


def test_batches_are_recorded_together_up_to_record_every_and_always_before_their_writes(
    mailbox: Path, store: Store, rules_path: Path, twin: Path
) -> None:
    counting = CountsRecords(store)
    step = AccountPass(counting, MaildirConnector(mailbox, "dana"), load_rules(rules_path), DANA, SAM, batch_size=2)
    step.applier.record_every = 4
    step.run()
    assert counting.sizes == [4, 2], "three batches of two, recorded in two transactions"
    assert without_drafts(snapshot(mailbox)) == without_drafts(snapshot(twin))
    with store.engine.connect() as conn:
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class CountsUpdates(MaildirConnector):
    """A mailbox that remembers how many messages each ``update_many`` call changed.

    ``folder_size`` makes it report a folder that size when listed, as an
    IMAP server reports EXISTS.
    """

    def __init__(self, root: Path, account: str, folder_size: int | None = None) -> None:
        super().__init__(root, account)
        self.folder_size = folder_size
        self.calls: list[int] = []

    def changes(self, folder: str, cursor: SyncCursor | None, limit: int | None = None) -> ChangeSet:
        listed = super().changes(folder, cursor, limit)
        return replace(listed, folder_size=self.folder_size or listed.folder_size)

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        self.calls.append(len({r.locator for u in updates for r in u.refs}))
        return super().update_many(updates)


def test_in_a_large_folder_changes_are_held_up_to_write_every_and_written_together(
    mailbox: Path, store: Store, rules_path: Path, twin: Path, tmp_path: Path
) -> None:
    small = tmp_path / "small"
    shutil.copytree(mailbox, small)
    large = CountsUpdates(mailbox, "dana", folder_size=50_000)
    AccountPass(store, large, load_rules(rules_path), DANA, SAM, batch_size=2, apply_every=2).run()
    assert large.calls == [4], "the four messages that get keywords or flags are written in one call, at the end"
    assert without_drafts(snapshot(mailbox)) == without_drafts(snapshot(twin))

    rounds = CountsUpdates(small, "dana", folder_size=50_000)
    step = AccountPass(
        open_store(f"sqlite:///{tmp_path / 'small.db'}"),
        rounds,
        load_rules(rules_path),
        DANA,
        SAM,
        batch_size=2,
        apply_every=2,
        write_every=2,
    )
    step.run()
    assert len(rounds.calls) >= 2 and sum(rounds.calls) == 4, "with write_every=2 they are written in rounds"
    assert without_drafts(snapshot(small)) == without_drafts(snapshot(twin))


def test_near_the_end_of_a_folder_the_rounds_shrink_so_little_is_left_for_after_the_last_batch(
    tmp_path: Path, store: Store, rules_path: Path
) -> None:
    # Each gets the Urgent keyword and the flag: one held change a message.
    root = maildir(tmp_path / "vip", [mail(n, "Pat Chen <ceo@bigcorp.example>", f"Q{n}?") for n in range(46)])
    counting = CountsUpdates(root, "dana", folder_size=50_000)
    step = AccountPass(store, counting, load_rules(rules_path), DANA, SAM, batch_size=2, apply_every=8, write_every=8)
    step.applier.taper_min = 2
    step.applier.writes_in_flight = 100  # the writer never holds the taper back here (it does when busy)
    step.run()
    # Rounds of 8 leave up to 8 or more for the end; toward the end a round is written
    # once as many are held as are left to plan, so the last rounds shrink to one batch.
    assert sum(counting.calls) == 46, counting.calls
    assert counting.calls[-2] <= 6 and counting.calls[-1] <= 2, counting.calls
    flagged = [p for p in (root / "cur").iterdir() if "F" in p.name.partition(":2,")[2]]
    assert len(flagged) == 46
    with store.engine.connect() as conn:
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class CountsWrites(CountsUpdates):
    """A mailbox that also remembers each move call's size, in order with the updates (as ``-n``)."""

    def __init__(self, root: Path, account: str, folder_size: int | None = None) -> None:
        super().__init__(root, account, folder_size)
        self.writes: list[int] = []

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        errors = super().update_many(updates)
        self.writes.append(self.calls[-1])
        return errors

    def move(self, refs: Sequence[MessageRef], folder: str) -> None:
        self.writes.append(-len(refs))
        super().move(refs, folder)


def test_in_a_large_folder_moves_go_with_each_round_of_changes_and_never_force_a_small_one(
    tmp_path: Path, store: Store, rules_path: Path
) -> None:
    # Two of every five are newsletters (read, then moved), the rest VIP mail (keyword and flag):
    # every message has a change, two in five a move. Rounds of 10 changes and 9 moves; moves go
    # with the held changes, so a round of moves due at message 25 would force a round of 5
    # changes. Each write of changes costs a large Maildir folder about a rescan per label,
    # whatever its size, so each round of changes takes the held moves along instead.
    # (The Maildir lists its files by name, so the moves are not always 4 a round.)
    newsletter = "List-Unsubscribe: <mailto:u@digest.example>\r\n"
    raws = [
        mail(n, "Weekly Digest <news@digest.example>", f"Issue {n}", newsletter)
        if n % 5 in (2, 4)
        else mail(n, "Pat Chen <ceo@bigcorp.example>", f"Q{n}?")
        for n in range(50)
    ]
    root = maildir(tmp_path / "mixed", raws)
    counting = CountsWrites(root, "dana", folder_size=50_000)
    step = AccountPass(store, counting, load_rules(rules_path), DANA, SAM, batch_size=5, apply_every=5, write_every=10)
    step.applier.move_every = 9
    step.applier.writes_in_flight = 100  # the writer never holds a round back here
    step.run()
    assert counting.calls == [10, 10, 10, 10, 10], counting.writes
    assert [w > 0 for w in counting.writes] == [True, False] * 5, counting.writes
    assert -sum(w for w in counting.writes if w < 0) == 20
    assert len(list((root / ".Newsletters" / "cur").iterdir())) == 20
    with store.engine.connect() as conn:
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class DraftsWaitForThePlanning(CountsUpdates):
    """A mailbox whose first save of drafts takes until every batch is planned (a server far behind)."""

    def __init__(self, root: Path, account: str, total: int, store: Store) -> None:
        super().__init__(root, account, folder_size=50_000)
        self.total, self.store = total, store
        self.logged_meanwhile = 0
        self.planned = 0
        self.all_planned = threading.Event()
        self.planned_meanwhile: int | None = None
        self.saves: list[int] = []

    def progress(self, size: int) -> None:
        self.planned += size
        if self.planned >= self.total:
            self.all_planned.set()

    def save_drafts(self, drafts: Sequence[Draft]) -> list[str]:
        if self.planned_meanwhile is None:
            self.all_planned.wait(timeout=10)  # never met when the pass waits for this write
            self.planned_meanwhile = self.planned
            for _ in range(100):  # the time entries need no write: the store thread records them meanwhile
                with self.store.engine.connect() as conn:
                    self.logged_meanwhile = len(conn.execute(select(time_entries)).all())
                if self.logged_meanwhile == self.total:
                    break
                time.sleep(0.05)
        self.saves.append(len(drafts))
        return super().save_drafts(drafts)


def test_while_the_writer_is_behind_the_pass_holds_its_writes_and_plans_on(
    tmp_path: Path, store: Store, rules_path: Path
) -> None:
    # Each: the Bookkeeping label, a draft and 3 minutes logged.
    root = maildir(
        tmp_path / "invoices", [mail(n, "Bill <billing@brightline.example>", f"Invoice #{n}") for n in range(30)]
    )
    slow = DraftsWaitForThePlanning(root, "dana", 30, store)
    step = AccountPass(
        store,
        slow,
        load_rules(rules_path),
        DANA,
        SAM,
        batch_size=2,
        apply_every=2,
        write_every=1000,
        progress=slow.progress,
        reader=MaildirConnector(root, "dana"),
    )
    step.applier.writes_in_flight = 1
    step.applier.min_round = 1000  # drafts held up to a tenth of it while the writer is behind
    report = step.run()
    assert slow.planned_meanwhile == 30, "every batch was planned while the first drafts were being saved"
    assert slow.logged_meanwhile == 30, "and the time was logged"
    assert slow.saves[0] <= 4 and sum(slow.saves) == 30 and len(slow.saves) <= 3, slow.saves
    assert slow.calls == [30], "the labels in one round, at the end"
    assert report.actions["log_time"] == 30 and report.actions["draft_reply"] == 30
    assert len(list((root / ".Drafts" / "cur").iterdir())) == 30
    with store.engine.connect() as conn:
        assert len(conn.execute(select(time_entries)).all()) == 30
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class SignalsRecords(Store):
    """A store that tells, as each batch is recorded, how many messages it holds."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.recorded = 0
        self.all_recorded = threading.Event()

    def record(self, rows: Sequence[MessageRow]) -> None:
        super().record(rows)
        self.recorded += len(rows)
        if self.recorded == 6:
            self.all_recorded.set()


class SlowFirstWrite(MaildirConnector):
    """A mailbox whose first write takes until every batch is recorded (a server busy with a large round)."""

    def __init__(self, root: Path, account: str, store: SignalsRecords) -> None:
        super().__init__(root, account)
        self.store = store
        self.recorded_meanwhile: int | None = None

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        if self.recorded_meanwhile is None:
            self.store.all_recorded.wait(timeout=30)  # never met when records wait behind this write
            self.recorded_meanwhile = self.store.recorded
        return super().update_many(updates)


def test_later_batches_are_recorded_while_the_server_is_busy_with_a_write_and_the_end_is_the_same(
    mailbox: Path, store: Store, rules_path: Path, twin: Path
) -> None:
    signalling = SignalsRecords(store)
    slow = SlowFirstWrite(mailbox, "dana", signalling)
    reader = MaildirConnector(mailbox, "dana")  # a second connection fetches, as the IMAP pass has
    step = AccountPass(signalling, slow, load_rules(rules_path), DANA, SAM, batch_size=2, apply_every=2, reader=reader)
    step.applier.record_every = 2
    step.run()
    assert slow.recorded_meanwhile == 6, "the second and third batches were recorded during the first write"
    assert without_drafts(snapshot(mailbox)) == without_drafts(snapshot(twin))
    assert len(list((mailbox / ".Drafts" / "cur").iterdir())) == 2
    with store.engine.connect() as conn:
        assert len(conn.execute(select(time_entries)).all()) == 4
        assert conn.execute(select(actions.c.status).where(actions.c.status != "done")).all() == []


class RefusesUrgent(MaildirConnector):
    """A mailbox that refuses to set the Urgent label (as a server refuses a keyword it cannot store)."""

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        ok = [u for u in updates if "Urgent" not in u.add_labels]
        answers = iter(super().update_many(ok))
        refused = ConnectorError("keyword Urgent not permitted")
        return [next(answers) if "Urgent" not in u.add_labels else refused for u in updates]


def test_a_refused_change_fails_that_messages_changes_with_the_reason_and_nothing_else(
    mailbox: Path, store: Store, rules_path: Path
) -> None:
    step = AccountPass(store, RefusesUrgent(mailbox, "dana"), load_rules(rules_path), DANA, SAM, batch_size=2)
    step.run()
    failed = [r for r in store.audit_rows("dana") if r["outcome"] == "failed"]
    assert {(r["kind"], r["detail"]) for r in failed} == {
        ("label", "ConnectorError: keyword Urgent not permitted"),
        ("flag", "ConnectorError: keyword Urgent not permitted"),
    }
    assert step.report.failed == len(failed)
    with store.engine.connect() as conn:
        statuses = dict(conn.execute(select(actions.c.key, actions.c.status)).all())
        quarantined = set(conn.execute(select(messages.c.key).where(messages.c.status == "quarantined")).scalars())
        in_place = set(
            conn.execute(
                select(actions.c.key)
                .join(messages, messages.c.id == actions.c.message_id)
                .where(messages.c.key.in_(quarantined), actions.c.kind.in_(("label", "flag", "mark_read")))
            ).scalars()
        )
    not_mail = {k for k in quarantined if k.startswith("sha:")}  # the fixture's file that is not an email
    assert len(not_mail) == 1
    assert quarantined - not_mail == {"mid:<p1@example.com>", "mid:<p5@example.com>"}, "the two VIP messages"
    assert {r["action_key"] for r in failed} == {k for k, s in statuses.items() if s == "failed"} == in_place
    done = [r for r in store.audit_rows("dana") if r["outcome"] == "done"]
    assert {r["kind"] for r in done} >= {"label", "move", "mark_read", "draft_reply", "log_time"}


def test_by_bytes_cuts_a_batch_of_large_messages_short_and_keeps_every_ref_once() -> None:
    refs = [MessageRef("dana", "INBOX", str(n), size) for n, size in enumerate([5, 5, 20, 1, 1, None, 9])]
    parts = [[r.locator for r in part] for part in by_bytes(refs, 10)]
    assert parts == [["0", "1"], ["2"], ["3", "4", "5"], ["6"]]  # one larger than the limit goes alone
    assert list(by_bytes([], 10)) == []


class CountingFetches(MaildirConnector):
    """A Maildir that remembers how many messages each fetch asked for."""

    fetches: list[int]

    def fetch(self, refs: Sequence[MessageRef]) -> Iterator[FetchedMessage]:
        self.fetches.append(len(refs))
        return super().fetch(refs)


def test_a_batch_of_large_messages_is_fetched_in_parts_within_the_byte_limit(tmp_path: Path, store: Store) -> None:
    attachment = b"QUJD" * 19 + b"\r\n"
    big = [mail(n, "Ann <ann@partner.example>", f"drawings {n}", "X-Pad: 1\r\n") + attachment * 5000 for n in range(6)]
    small = [mail(n + 10, "Ann <ann@partner.example>", f"note {n}") for n in range(3)]
    root = maildir(tmp_path / "mail", small + big)
    rules = tmp_path / "r.toml"
    rules.write_text(
        'version = 1\n[[rule]]\nname = "All"\nwhen = { from = { domain = "partner.example" } }\n'
        'then = [ { label = "Seen" } ]\n'
    )
    connector = CountingFetches(root, "dana")
    connector.fetches = []
    limit = 2 * len(big[0]) + 100  # two large messages a part
    step = AccountPass(store, connector, load_rules(rules), DANA, SAM, batch_size=250, batch_bytes=limit)
    step.run()
    assert step.report.new == 9 and step.report.actions == {"label": 9}
    assert sum(connector.fetches) == 9 and max(connector.fetches) <= 5 and len(connector.fetches) >= 3
