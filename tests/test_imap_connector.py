"""The IMAP connector against a real Dovecot 2.3 (see tests/servers/dovecot.py)."""

from __future__ import annotations

import imaplib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.imap import ImapConnector, keyword_for, make_locator, parse_locator, uid_set, uids_after
from mailflow.connector import MailConnector
from mailflow.errors import AuthError, NotFound, TransientError
from mailflow.model import Draft, Flag, MessageRef, SyncCursor, Update
from tests.servers.dovecot import DovecotServer, DovecotUser, _free_port

pytestmark = pytest.mark.dovecot


def message(n: int, subject: str | None = None, extra: str = "") -> bytes:
    return (
        f"From: Dana Whitfield <dana@acme.example>\r\n"
        f"To: exec@example.com\r\n"
        f"Subject: {subject or f'Message {n}'}\r\n"
        f"Message-ID: <m{n}@acme.example>\r\n"
        f"{extra}"
        f"\r\n"
        f"Body of message {n}.\r\n"
    ).encode()


@pytest.fixture
def connector(imap_user: DovecotUser) -> Iterator[ImapConnector]:
    conn = ImapConnector(imap_user.account())
    conn.open()
    try:
        yield conn
    finally:
        conn.close()


def flags_of(server: DovecotServer, user: DovecotUser, folder: str = "INBOX") -> dict[int, set[bytes]]:
    with server.imap_client(user) as client:
        client.select_folder(folder, readonly=True)
        return {uid: set(flags) for uid, flags in client.get_flags(client.search()).items()}


def uids_in(server: DovecotServer, user: DovecotUser, folder: str) -> list[int]:
    with server.imap_client(user) as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        return sorted(client.search())


def all_refs(conn: ImapConnector, folder: str = "INBOX") -> list[MessageRef]:
    return conn.changes(folder, None).refs


# -- listing -------------------------------------------------------------------


def test_the_connector_satisfies_the_mail_connector_protocol(imap_user: DovecotUser) -> None:
    assert isinstance(ImapConnector(imap_user.account()), MailConnector)
    assert ImapConnector(imap_user.account()).account == f"acct-{imap_user.name}"
    assert ImapConnector(imap_user.account(), account_id="other").account == "other"


def test_new_mail_is_listed_once_and_the_cursor_makes_a_second_listing_empty(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uids = [dovecot_server.deliver(imap_user, message(n)) for n in (1, 2)]

    first = connector.changes("INBOX", None)
    assert [parse_locator(r.locator)[1] for r in first.refs] == uids
    assert first.reset is False
    assert all(r.folder == "INBOX" and r.account == connector.account for r in first.refs)
    assert first.cursor.state["last_uid"] == uids[-1]
    assert {"uidvalidity", "last_uid", "uidnext", "highestmodseq"} <= set(first.cursor.state)

    second = connector.changes("INBOX", first.cursor)
    assert second.refs == []
    assert second.cursor == first.cursor

    uid3 = dovecot_server.deliver(imap_user, message(3))
    third = connector.changes("INBOX", second.cursor)
    assert [parse_locator(r.locator)[1] for r in third.refs] == [uid3]
    assert third.reset is False
    # Each ref carries the message's size (RFC822.SIZE), which bounds the pipeline's batches.
    assert [r.size for r in first.refs + third.refs] == [len(message(n)) for n in (1, 2, 3)]


def test_a_flag_change_alone_lists_nothing_although_uid_n_star_matches_the_highest_uid(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    first = connector.changes("INBOX", None)
    connector.set_flagged(first.refs, True)  # HIGHESTMODSEQ moves, UIDNEXT does not

    second = connector.changes("INBOX", first.cursor)

    assert second.refs == []
    assert second.cursor.state["highestmodseq"] != first.cursor.state["highestmodseq"]
    assert second.cursor.state["last_uid"] == first.cursor.state["last_uid"]


def test_locators_carry_the_uidvalidity(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uid = dovecot_server.deliver(imap_user, message(1))
    (ref,) = all_refs(connector)
    assert ref.locator == make_locator(dovecot_server.uidvalidity(imap_user), uid)


def test_listing_a_missing_folder_raises_not_found(connector: ImapConnector) -> None:
    with pytest.raises(NotFound, match="Nope"):
        connector.changes("Nope", None)


def test_a_uidvalidity_reset_is_reported_with_reset_true_and_all_refs(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    for n in (1, 2, 3):
        dovecot_server.deliver(imap_user, message(n))
    first = connector.changes("INBOX", None)
    old, new = dovecot_server.reset_uidvalidity(imap_user)
    assert new != old

    after = connector.changes("INBOX", first.cursor)

    assert after.reset is True
    assert len(after.refs) == 3
    assert all(parse_locator(r.locator)[0] == new for r in after.refs)
    assert after.cursor.state["uidvalidity"] == new
    # A ref from before the reset is stale: it is skipped, never confused with another message.
    assert list(connector.fetch(first.refs)) == []
    connector.set_read(first.refs, True)
    connector.move(first.refs, "Elsewhere")
    assert not any(b"\\Seen" in flags for flags in flags_of(dovecot_server, imap_user).values())
    assert len(uids_in(dovecot_server, imap_user, "INBOX")) == 3
    assert len(list(connector.fetch(after.refs))) == 3


def test_a_first_listing_of_a_non_empty_folder_is_not_a_reset(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    changes = connector.changes("INBOX", None)
    assert changes.reset is False
    assert len(changes.refs) == 1


def test_a_cursor_stored_as_text_still_works(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    first = connector.changes("INBOX", None)
    as_text = SyncCursor("INBOX", {k: str(v) for k, v in first.cursor.state.items()})
    again = connector.changes("INBOX", as_text)
    assert again.refs == []
    assert again.reset is False


def test_a_cursor_of_another_folder_is_ignored(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    stray = SyncCursor("Archive", {"uidvalidity": 1, "last_uid": 99})
    assert len(connector.changes("INBOX", stray).refs) == 1


# -- fetching --------------------------------------------------------------------


def test_fetch_returns_raw_bytes_and_never_sets_seen(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    raw = message(1)
    uid = dovecot_server.deliver(imap_user, raw)
    refs = all_refs(connector)

    (fetched,) = list(connector.fetch(refs))

    assert fetched.ref == refs[0]
    assert fetched.raw == raw
    assert fetched.flags == frozenset()
    assert b"\\Seen" not in flags_of(dovecot_server, imap_user)[uid]


def test_fetch_maps_system_flags_and_returns_keywords_as_labels(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1), flags=[b"\\Seen", b"\\Flagged", b"\\Answered", b"Urgent"])
    (fetched,) = list(connector.fetch(all_refs(connector)))
    assert fetched.flags == {Flag.SEEN, Flag.FLAGGED, Flag.ANSWERED}
    assert fetched.labels == {"Urgent"}


def test_fetch_batches_refs_and_skips_messages_that_are_gone(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    for n in range(5):
        dovecot_server.deliver(imap_user, message(n))
    with ImapConnector(imap_user.account(batch_size=2)) as conn:
        refs = all_refs(conn)
        gone = MessageRef(conn.account, "INBOX", make_locator(int(refs[0].locator.split(":")[0]), 999))
        missing_folder = MessageRef(conn.account, "Gone", "1:1")
        fetched = list(conn.fetch([*refs, gone, missing_folder]))
    assert [f.ref for f in fetched] == refs
    assert [f.raw for f in fetched] == [message(n) for n in range(5)]


# -- labels and flags --------------------------------------------------------------


def test_keyword_for_keeps_atoms_and_replaces_spaces_and_specials() -> None:
    assert keyword_for("Urgent") == "Urgent"
    assert keyword_for("Needs reply") == "Needs_reply"
    assert keyword_for('a(b)c{d}e"f\\g%h*i]j') == "a_b_c_d_e_f_g_h_i_j"
    assert keyword_for("Café") == "Caf_"
    assert keyword_for("$Label1") == "$Label1"
    assert keyword_for("") == "_"
    assert keyword_for("Needs reply") == keyword_for("Needs reply")


def test_uid_sets_are_compressed_into_ranges() -> None:
    assert uid_set([9, 1, 2, 4, 5, 6, 2]) == "1:2,4:6,9"
    assert uid_set([5]) == "5"
    assert uid_set([]) == ""


def test_labels_become_keywords_and_can_be_removed(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uid = dovecot_server.deliver(imap_user, message(1))
    refs = all_refs(connector)

    connector.add_labels(refs, ["Urgent", "Needs reply"])
    connector.add_labels(refs, ["Urgent"])  # again: no change
    assert {b"Urgent", b"Needs_reply"} <= flags_of(dovecot_server, imap_user)[uid]
    (fetched,) = list(connector.fetch(refs))
    assert fetched.labels == {"Urgent", "Needs_reply"}

    connector.remove_labels(refs, ["Urgent", "Never added"])
    flags = flags_of(dovecot_server, imap_user)[uid]
    assert b"Urgent" not in flags
    assert b"Needs_reply" in flags


def test_flag_and_read_are_set_and_cleared(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uid = dovecot_server.deliver(imap_user, message(1))
    refs = all_refs(connector)

    connector.set_flagged(refs, True)
    connector.set_read(refs, True)
    assert {b"\\Flagged", b"\\Seen"} <= flags_of(dovecot_server, imap_user)[uid]

    connector.set_flagged(refs, False)
    connector.set_read(refs, False)
    assert not {b"\\Flagged", b"\\Seen"} & flags_of(dovecot_server, imap_user)[uid]


def test_actions_on_messages_that_are_gone_are_silently_skipped(connector: ImapConnector) -> None:
    ghost = [MessageRef(connector.account, "INBOX", "1:42"), MessageRef(connector.account, "Nowhere", "1:1")]
    connector.add_labels(ghost, ["x"])
    connector.set_read(ghost, True)
    connector.move(ghost, "Elsewhere")
    connector.archive(ghost)
    connector.add_labels([], ["x"])


# -- moving ------------------------------------------------------------------------


def test_move_to_a_new_folder_creates_it_and_a_repeated_move_is_a_no_op(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    for n in (1, 2):
        dovecot_server.deliver(imap_user, message(n))
    refs = all_refs(connector)

    connector.move(refs[:1], "Clients/Acme")
    connector.move(refs[:1], "Clients/Acme")

    assert len(uids_in(dovecot_server, imap_user, "Clients/Acme")) == 1
    assert len(uids_in(dovecot_server, imap_user, "INBOX")) == 1
    with dovecot_server.imap_client(imap_user) as client:
        assert "Clients/Acme" in [name for _flags, _sep, name in client.list_sub_folders()]
    # imaplib keeps every untagged response it is not asked for: a long pass would hoard the EXPUNGEs.
    assert "EXPUNGE" not in connector._client._imap.untagged_responses


def test_archive_goes_to_the_special_use_archive_folder(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    refs = all_refs(connector)
    assert connector.folder_for("archive") == "Archive"

    connector.archive(refs)
    connector.archive(refs)

    assert uids_in(dovecot_server, imap_user, "INBOX") == []
    assert len(uids_in(dovecot_server, imap_user, "Archive")) == 1
    (fetched,) = list(connector.fetch(connector.changes("Archive", None).refs))
    assert fetched.raw == message(1)


def test_archive_honours_the_configured_archive_folder(dovecot_server: DovecotServer, imap_user: DovecotUser) -> None:
    dovecot_server.deliver(imap_user, message(1))
    with ImapConnector(imap_user.account(archive_folder="Old Mail")) as conn:
        assert conn.folder_for("archive") == "Old Mail"
        conn.archive(all_refs(conn))
    assert len(uids_in(dovecot_server, imap_user, "Old Mail")) == 1


def test_without_move_a_move_falls_back_to_copy_and_uid_expunge(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    keep = dovecot_server.deliver(imap_user, message(2))
    # A message the user deleted but did not expunge must survive our expunge.
    dovecot_server.deliver(imap_user, message(3), flags=[b"\\Deleted"])
    with ImapConnector(imap_user.account(), use_move=False) as conn:
        assert "MOVE" in conn.capabilities  # the server has it; the connector is told not to use it
        refs = all_refs(conn)
        conn.move(refs[:1], "Later")
        conn.move(refs[:1], "Later")

    assert len(uids_in(dovecot_server, imap_user, "Later")) == 1
    inbox = flags_of(dovecot_server, imap_user)
    assert keep in inbox
    assert len(inbox) == 2  # message 2 and the user's own \Deleted message 3


# -- folders and drafts ------------------------------------------------------------


def test_folder_for_uses_special_use_and_config_overrides(imap_user: DovecotUser) -> None:
    with ImapConnector(imap_user.account()) as conn:
        roles = {role: conn.folder_for(role) for role in ("inbox", "drafts", "archive", "sent", "junk", "trash")}
        with pytest.raises(ValueError):
            conn.folder_for("outbox")
    assert roles == {
        "inbox": "INBOX",
        "drafts": "Drafts",
        "archive": "Archive",
        "sent": "Sent",
        "junk": "Junk",
        "trash": "Trash",
    }
    with ImapConnector(imap_user.account(drafts_folder="My Drafts")) as conn:
        assert conn.folder_for("drafts") == "My Drafts"


def test_a_draft_is_appended_to_drafts_with_draft_flag_and_find_draft_finds_it_by_key(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    raw = message(7, subject="Re: Lunch", extra="X-Mailflow-Key: k-123:abc\r\n")
    assert connector.find_draft("k-123:abc") is None

    locator = connector.save_draft(Draft(raw=raw, key="k-123:abc", in_reply_to="<m1@acme.example>"))

    validity, uid = parse_locator(locator)
    assert validity == dovecot_server.uidvalidity(imap_user, "Drafts")
    assert flags_of(dovecot_server, imap_user, "Drafts")[uid] >= {b"\\Draft", b"\\Seen"}
    assert connector.find_draft("k-123:abc") == locator
    assert connector.find_draft("k-123") is None  # HEADER search matches substrings; we do not
    # save_draft does not search first (the pipeline asks find_draft before redoing an interrupted draft)
    assert len(uids_in(dovecot_server, imap_user, "Drafts")) == 1
    assert uids_in(dovecot_server, imap_user, "INBOX") == []


# -- connections and errors --------------------------------------------------------


def test_a_connection_dropped_between_calls_is_reconnected_transparently(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector, caplog: pytest.LogCaptureFixture
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    first = connector.changes("INBOX", None)

    dovecot_server.kick(imap_user)
    with caplog.at_level(logging.INFO, logger="connectors.imap"):
        dovecot_server.deliver(imap_user, message(2))
        second = connector.changes("INBOX", first.cursor)
    assert len(second.refs) == 1
    assert "reconnecting" in caplog.text

    dovecot_server.kick(imap_user)
    connector.set_read(second.refs, True)  # an action after a drop, with its folder reselected
    assert all(b"\\Seen" in f for uid, f in flags_of(dovecot_server, imap_user).items() if uid > 1)

    dovecot_server.kick(imap_user)
    assert [f.raw for f in connector.fetch(first.refs + second.refs)] == [message(1), message(2)]


def test_wrong_password_raises_auth_error_without_the_password_in_the_message(
    imap_user: DovecotUser, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hunter2-wrong-secret"
    conn = ImapConnector(imap_user.account(password=secret))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as info:
        conn.open()
    conn.close()
    chain: list[BaseException] = [info.value]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    assert imap_user.name in str(info.value)
    assert all(secret not in str(exc) for exc in chain)
    assert secret not in caplog.text


def test_a_missing_password_raises_auth_error(imap_user: DovecotUser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MF_TEST_NO_SUCH_PASSWORD", raising=False)
    conn = ImapConnector(imap_user.account(password=None, password_env="MF_TEST_NO_SUCH_PASSWORD"))
    with pytest.raises(AuthError, match="MF_TEST_NO_SUCH_PASSWORD"):
        conn.open()


def test_an_unreachable_server_raises_transient_error(imap_user: DovecotUser) -> None:
    conn = ImapConnector(imap_user.account(port=_free_port(), timeout=2.0))
    with pytest.raises(TransientError):
        conn.open()


def test_the_fixture_kick_drops_every_connection_of_the_user(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    client = dovecot_server.imap_client(imap_user)
    try:
        client.select_folder("INBOX")
        assert imap_user.name in dovecot_server.doveadm("who").stdout
        dovecot_server.kick(imap_user)
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            client.noop()
    finally:
        client.shutdown()


def test_a_second_failure_after_the_reconnect_raises_transient_error() -> None:
    root = Path(tempfile.mkdtemp(prefix="mf-dovecot-", dir="/tmp"))
    server = DovecotServer(root)
    try:
        server.start()
        user = server.add_user("solo", "pw")
        server.deliver(user, message(1))
        with ImapConnector(user.account(timeout=2.0)) as conn:
            first = conn.changes("INBOX", None)
            server.stop()  # the connection drops and the reconnect is refused
            with pytest.raises(TransientError):
                conn.changes("INBOX", first.cursor)
            with pytest.raises(TransientError):
                list(conn.fetch(first.refs))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_several_drafts_are_saved_in_one_multiappend_and_each_is_found_by_key(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    drafts = [
        Draft(
            raw=f"From: d@x.example\r\nSubject: Re: {n}\r\nX-Mailflow-Key: multi-{n}\r\n\r\nok\r\n".encode(),
            key=f"multi-{n}",
        )
        for n in range(3)
    ]
    with ImapConnector(imap_user.account()) as connector:
        assert "MULTIAPPEND" in connector.capabilities
        locators = connector.save_drafts(drafts)
        assert len(set(locators)) == 3
        assert [connector.find_draft(f"multi-{n}") for n in range(3)] == locators
    with dovecot_server.imap_client(imap_user) as client:
        client.select_folder("Drafts", readonly=True)
        assert len(client.search("ALL")) == 3


def test_one_update_adds_keywords_and_flags_together_and_clears_others(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uid = dovecot_server.deliver(imap_user, message(7), flags=(b"\\Seen",))
    refs = all_refs(connector)
    connector.update(refs, add_labels=["Urgent", "VIP"], flagged=True, read=False)
    flags = flags_of(dovecot_server, imap_user)[uid]
    assert {b"Urgent", b"VIP", b"\\Flagged"} <= flags
    assert b"\\Seen" not in flags
    connector.update(refs, read=True)
    assert {b"Urgent", b"\\Flagged", b"\\Seen"} <= flags_of(dovecot_server, imap_user)[uid]


def test_update_many_pipelines_every_update_and_each_lands_on_its_own_messages(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uids = [dovecot_server.deliver(imap_user, message(n), flags=(b"\\Seen",) if n == 2 else ()) for n in range(4)]
    refs = all_refs(connector)
    gone = MessageRef(connector.account, "INBOX", make_locator(1, 999))  # a stale UIDVALIDITY: skipped
    errors = connector.update_many(
        [
            Update(refs[:2], ("Urgent",), flagged=True),
            Update(refs[2:3], ("Bookkeeping", "Needs reply!"), read=False),
            Update([refs[3], gone], read=True),
            Update([]),
        ]
    )
    assert errors == [None, None, None, None]
    flags = flags_of(dovecot_server, imap_user)
    assert {b"Urgent", b"\\Flagged"} <= flags[uids[0]] and {b"Urgent", b"\\Flagged"} <= flags[uids[1]]
    assert {b"Bookkeeping", b"Needs_reply_"} <= flags[uids[2]] and b"\\Seen" not in flags[uids[2]]
    assert b"\\Seen" in flags[uids[3]] and b"Urgent" not in flags[uids[3]]


def test_update_many_after_a_dropped_connection_reconnects_and_applies_everything(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    uids = [dovecot_server.deliver(imap_user, message(n)) for n in range(3)]
    refs = all_refs(connector)
    dovecot_server.kick(imap_user)
    assert connector.update_many([Update(refs[:1], ("A",)), Update(refs[1:], ("B",), flagged=True)]) == [None, None]
    flags = flags_of(dovecot_server, imap_user)
    assert b"A" in flags[uids[0]] and all({b"B", b"\\Flagged"} <= flags[uid] for uid in uids[1:])


def test_condstore_is_enabled_by_the_first_listing_only_even_after_a_fetch_selected_a_folder(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    uid = dovecot_server.deliver(imap_user, message(1))
    with dovecot_server.imap_client(imap_user) as client:
        uidvalidity = int(client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"])
    with ImapConnector(imap_user.account()) as writer:
        refs = [MessageRef(writer.account, "INBOX", make_locator(uidvalidity, uid))]
        list(writer.fetch(refs))
        writer.update_many([Update(refs, ("Urgent",), flagged=True)])
        assert not writer._condstore_on, "a connection that only reads and writes never enables CONDSTORE"
        listing = writer.changes("INBOX", None)  # a folder is selected: unselected, then ENABLE
        assert writer._condstore_on
        assert "highestmodseq" in listing.cursor.state
        assert writer.changes("INBOX", listing.cursor).refs == []


@pytest.mark.parametrize("esearch", [True, False], ids=["esearch", "plain-search"])
def test_a_limit_pages_the_listing_and_the_cursor_resumes_after_the_page(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector, esearch: bool
) -> None:
    assert "ESEARCH" in connector.capabilities  # Dovecot offers it; without it, a plain SEARCH lists
    if not esearch:
        connector._capabilities = connector._capabilities - {"ESEARCH"}
    uids = [dovecot_server.deliver(imap_user, message(n)) for n in range(7)]
    with dovecot_server.imap_client(imap_user) as client:  # gaps in the UIDs, as a user's deletions leave
        client.select_folder("INBOX")
        client.delete_messages([uids[1], uids[5]])
        client.expunge()
    uids = [u for n, u in enumerate(uids) if n not in (1, 5)]
    first = connector.changes("INBOX", None, limit=2)
    assert first.more and [parse_locator(r.locator)[1] for r in first.refs] == uids[:2]
    second = connector.changes("INBOX", first.cursor, limit=2)
    assert second.more and [parse_locator(r.locator)[1] for r in second.refs] == uids[2:4]
    third = connector.changes("INBOX", second.cursor, limit=2)
    assert not third.more and [parse_locator(r.locator)[1] for r in third.refs] == uids[4:]
    assert connector.changes("INBOX", third.cursor, limit=2).refs == []
    assert [parse_locator(r.locator)[1] for r in connector.changes("INBOX", None).refs] == uids


@given(
    st.lists(st.tuples(st.integers(1, 60), st.integers(0, 8)), max_size=6),
    st.integers(0, 70),
    st.one_of(st.none(), st.integers(0, 40)),
)
def test_uids_after_expands_only_what_it_returns(spans: list[tuple[int, int]], after: int, limit: int | None) -> None:
    text = ",".join(f"{a}:{a + n}" if n else str(a) for a, n in spans)
    every = sorted({u for a, n in spans for u in range(a, a + n + 1) if u > after})
    want = every if limit is None else every[:limit]
    got, more = uids_after(text, after, limit)
    assert got == want and more == (limit is not None and len(every) > limit)


def test_a_move_to_a_parent_folder_listed_only_for_its_children_creates_it(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    dovecot_server.deliver(imap_user, message(1))
    dovecot_server.deliver(imap_user, message(2))
    first, second = all_refs(connector)
    connector.move([first], "Reading/Markets")
    connector.move([second], "Reading")  # listed as \Noselect once its child exists
    with dovecot_server.imap_client(imap_user) as client:
        assert client.select_folder("Reading")[b"EXISTS"] == 1
        assert client.select_folder("Reading/Markets")[b"EXISTS"] == 1


def test_a_draft_built_by_the_pipeline_is_found_by_its_full_length_key(
    dovecot_server: DovecotServer, imap_user: DovecotUser, connector: ImapConnector
) -> None:
    from mailflow.drafting import Person, build_reply
    from mailflow.message import Message

    key = "f" * 64  # a sha256 hex digest: "X-Mailflow-Key: <key>" is folded onto two lines
    original = Message(message(3))
    draft = build_reply(original, "Thanks!", Person("dana", "Dana Whitfield", "dana@acme.example"), key)
    assert b"X-Mailflow-Key:\r\n " in draft.raw or b"X-Mailflow-Key: " + key.encode() in draft.raw
    locator = connector.save_draft(draft)
    assert connector.find_draft(key) == locator
