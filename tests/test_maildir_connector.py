"""The Maildir connector: Maildir++ folders, flags in file names, Dovecot keywords."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.maildir import MaildirConnector
from mailflow.errors import NotFound, PermanentError
from mailflow.model import Draft, Flag, MessageRef, Update


def message(n: int) -> bytes:
    return (
        f"From: a{n}@example.com\r\nTo: dana@acme.example\r\nSubject: note {n}\r\n"
        f"Message-ID: <m{n}@example.com>\r\n\r\nbody {n}\r\n"
    ).encode()


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    root = tmp_path / "mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n in range(3):
        (root / "new" / f"100{n}.M{n}P1.host").write_bytes(message(n))
    (root / "cur" / "2000.M9P1.host:2,S").write_bytes(message(9))
    return root


def open_connector(root: Path) -> MaildirConnector:
    conn = MaildirConnector(root, "dana")
    conn.open()
    return conn


def test_every_message_in_new_and_cur_is_listed(maildir: Path) -> None:
    changes = open_connector(maildir).changes("INBOX", None)
    assert [r.locator for r in changes.refs] == ["1000.M0P1.host", "1001.M1P1.host", "1002.M2P1.host", "2000.M9P1.host"]
    assert [r.size for r in changes.refs] == [len(message(n)) for n in (0, 1, 2, 9)]


def test_a_size_in_the_file_name_is_taken_as_it_is(maildir: Path) -> None:
    (maildir / "cur" / "3000.M3P1.host,S=12345:2,S").write_bytes(message(3))  # as Dovecot names its files
    refs = {r.locator: r for r in open_connector(maildir).changes("INBOX", None).refs}
    assert refs["3000.M3P1.host,S=12345"].size == 12345


def test_fetching_reads_flags_and_never_marks_a_message_seen(maildir: Path) -> None:
    conn = open_connector(maildir)
    fetched = {f.ref.locator: f for f in conn.fetch(conn.changes("INBOX", None).refs)}
    assert fetched["2000.M9P1.host"].flags == frozenset({Flag.SEEN})
    assert fetched["1000.M0P1.host"].flags == frozenset()
    assert sorted(p.name for p in (maildir / "new").iterdir()) == ["1000.M0P1.host", "1001.M1P1.host", "1002.M2P1.host"]


def test_flags_move_a_message_to_cur_with_the_letters_in_its_name(maildir: Path) -> None:
    conn = open_connector(maildir)
    ref = MessageRef("dana", "INBOX", "1000.M0P1.host")
    conn.set_flagged([ref], True)
    conn.set_read([ref], True)
    assert (maildir / "cur" / "1000.M0P1.host:2,FS").exists()
    conn.set_read([ref], False)
    assert (maildir / "cur" / "1000.M0P1.host:2,F").exists()


def test_labels_are_dovecot_keywords_and_can_be_removed(maildir: Path) -> None:
    conn = open_connector(maildir)
    ref = MessageRef("dana", "INBOX", "1001.M1P1.host")
    conn.add_labels([ref], ["Urgent", "Bookkeeping"])
    conn.add_labels([ref], ["Urgent"])
    assert (maildir / "dovecot-keywords").read_text() == "0 Urgent\n1 Bookkeeping\n"
    assert (maildir / "cur" / "1001.M1P1.host:2,ab").exists()
    fetched = next(iter(conn.fetch([ref])))
    assert fetched.labels == frozenset({"Urgent", "Bookkeeping"})
    conn.remove_labels([ref], ["Urgent", "Never-set"])
    assert (maildir / "cur" / "1001.M1P1.host:2,b").exists()


def test_a_move_creates_the_maildirplusplus_folder_keeps_labels_and_is_idempotent(maildir: Path) -> None:
    conn = open_connector(maildir)
    ref = MessageRef("dana", "INBOX", "1002.M2P1.host")
    conn.add_labels([ref], ["Later"])
    conn.move([ref], "Newsletters")
    conn.move([ref], "Newsletters")
    dest = maildir / ".Newsletters"
    assert (dest / "maildirfolder").exists()
    moved = list((dest / "cur").iterdir())
    assert [p.name for p in moved] == ["1002.M2P1.host:2,a"]
    assert (dest / "dovecot-keywords").read_text() == "0 Later\n"
    assert not any(p.name.startswith("1002") for p in (maildir / "cur").iterdir())
    listed = conn.changes("Newsletters", None).refs
    assert [r.locator for r in listed] == ["1002.M2P1.host"]


def test_drafts_are_saved_in_drafts_with_the_draft_flag_and_found_by_key(maildir: Path) -> None:
    conn = open_connector(maildir)
    assert conn.find_draft("k1") is None
    raw = b"From: dana@acme.example\r\nSubject: Re: x\r\nX-Mailflow-Key: k1\r\n\r\nThanks\r\n"
    name = conn.save_draft(Draft(raw=raw, key="k1"))
    files = list((maildir / ".Drafts" / "cur").iterdir())
    assert [p.name for p in files] == [f"{name}:2,DS"]
    assert conn.find_draft("k1") == name
    assert conn.find_draft("k2") is None


def test_a_folder_that_is_not_a_maildir_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="not a Maildir"):
        MaildirConnector(tmp_path, "x").open()


def test_one_update_renames_a_message_once_with_every_change(maildir: Path) -> None:
    conn = open_connector(maildir)
    ref = MessageRef("dana", "INBOX", "2000.M9P1.host")
    conn.update([ref], add_labels=["Urgent"], flagged=True, read=False)
    assert (maildir / "cur" / "2000.M9P1.host:2,Fa").exists()


def test_a_draft_built_by_the_pipeline_is_found_by_its_full_length_key(maildir: Path) -> None:
    from mailflow.drafting import Person, build_reply
    from mailflow.message import Message

    key = "e" * 64  # folded onto a second line by the email generator
    draft = build_reply(Message(message(1)), "Thanks!", Person("dana", "Dana Whitfield", "dana@acme.example"), key)
    conn = open_connector(maildir)
    name = conn.save_draft(draft)
    assert conn.find_draft(key) == name


def test_update_many_applies_each_update_skips_a_folder_that_is_gone_and_reports_a_bad_one(maildir: Path) -> None:
    conn = open_connector(maildir)
    ref = MessageRef("dana", "INBOX", "1001.M1P1.host")
    gone = MessageRef("dana", "No Such Folder", "1001.M1P1.host")
    bad = MessageRef("dana", "../outside", "1001.M1P1.host")
    errors = conn.update_many(
        [Update([ref], ("Urgent",), flagged=True), Update([gone], ("Later",)), Update([bad], read=True)]
    )
    assert errors[:2] == [None, None]
    assert isinstance(errors[2], PermanentError)
    assert (maildir / "cur" / "1001.M1P1.host:2,Fa").exists()
    assert not (maildir / ".No Such Folder").exists()
