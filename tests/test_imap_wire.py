"""The lean UID FETCH reader, against scripted server streams (the Dovecot tests cover the real one)."""

from __future__ import annotations

import imaplib
import io
import re
from collections.abc import Callable

import pytest

from connectors.imap_wire import PIPELINE_WINDOW, fetch_bodies, run_pipelined


class Script:
    """An ``imaplib.IMAP4`` stand-in that answers one command with a canned byte stream."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.sent: list[bytes] = []
        self.stream = io.BytesIO()

    def send(self, data: bytes) -> None:
        self.sent.append(data)
        tag = data.split(b" ", 1)[0]
        self.stream = io.BytesIO(self.reply.replace(b"TAG", tag))

    def readline(self) -> bytes:
        return self.stream.readline()

    def read(self, size: int) -> bytes:
        return self.stream.read(size)


def lit(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


MSG1 = b"From: a@example.com\r\nSubject: one\r\n\r\nA line that ends like a literal {12}\r\n* 9 FETCH (UID 99)\r\n"
MSG2 = b"Subject: two\r\n\r\nbody\r\n"


def test_bodies_and_flags_are_read_whatever_the_order_of_the_items() -> None:
    reply = (
        b"* 1 FETCH (UID 10 FLAGS (\\Seen Urgent) BODY[] " + lit(MSG1) + b")\r\n"
        b"* 2 FETCH (UID 11 MODSEQ (7) BODY[] " + lit(MSG2) + b" FLAGS ())\r\n"
        b"TAG OK Fetch completed.\r\n"
    )
    stream = Script(reply)
    found = fetch_bodies(stream, "10:11")
    assert stream.sent == [stream.sent[0]]
    assert re.fullmatch(rb"MF\d+ UID FETCH 10:11 \(UID FLAGS BODY\.PEEK\[\]\)\r\n", stream.sent[0])
    assert found[10].raw == MSG1
    assert found[10].flags == (b"\\Seen", b"Urgent")
    assert found[11].raw == MSG2
    assert found[11].flags == ()


def test_responses_that_were_not_asked_for_are_skipped_with_their_literals() -> None:
    reply = (
        b"* 3 EXISTS\r\n"
        b"* 1 FETCH (FLAGS (\\Flagged))\r\n"  # another client's change: no UID
        b"* OK [ALERT] " + lit(b"a literal in a status response") + b"\r\n"
        b"* 2 FETCH (UID 11 FLAGS () BODY[] " + lit(MSG2) + b")\r\n"
        b"* 1 EXPUNGE\r\n"
        b"TAG OK done\r\n"
    )
    assert list(fetch_bodies(Script(reply), "11")) == [11]


def test_a_quoted_body_is_unescaped_and_a_nil_body_is_left_out() -> None:
    reply = (
        b'* 1 FETCH (UID 5 BODY[] "Subject: \\"hi\\"\\\\" FLAGS ())\r\n'
        b"* 2 FETCH (UID 6 BODY[] NIL FLAGS ())\r\n"
        b"TAG OK done\r\n"
    )
    found = fetch_bodies(Script(reply), "5:6")
    assert found[5].raw == b'Subject: "hi"\\'
    assert 6 not in found


def test_uids_that_are_gone_are_absent() -> None:
    assert fetch_bodies(Script(b"TAG OK nothing matched\r\n"), "40:41") == {}


def test_a_tagged_no_raises_imap_error_with_the_server_text() -> None:
    with pytest.raises(imaplib.IMAP4.error, match="NO \\[SERVERBUG\\] internal error"):
        fetch_bodies(Script(b"TAG NO [SERVERBUG] internal error\r\n"), "1")


def test_a_stream_that_ends_midway_raises_abort() -> None:
    with pytest.raises(imaplib.IMAP4.abort):
        fetch_bodies(Script(b"* 1 FETCH (UID 5 FLAGS () BODY[] {100}\r\nSubject: cut"), "5")
    with pytest.raises(imaplib.IMAP4.abort):
        fetch_bodies(Script(b"* 1 FETCH (UID 5 FLAGS () BODY[] " + lit(MSG2)), "5")


class Pipelined:
    """A server stand-in that answers each pipelined command line with ``answer(command)`` lines."""

    def __init__(self, answer: Callable[[bytes], bytes]) -> None:
        self.answer = answer
        self.sends = 0
        self.stream = io.BytesIO()

    def send(self, data: bytes) -> None:
        self.sends += 1
        out = b""
        for line in data.split(b"\r\n")[:-1]:
            tag, _, command = line.partition(b" ")
            out += self.answer(command).replace(b"TAG", tag)
        rest = self.stream.read()
        self.stream = io.BytesIO(rest + out)

    def readline(self) -> bytes:
        return self.stream.readline()

    def read(self, size: int) -> bytes:
        return self.stream.read(size)


def test_pipelined_commands_are_sent_together_and_each_gets_its_own_answer() -> None:
    def answer(command: bytes) -> bytes:
        if b"bad" in command:
            return b"TAG NO [CANNOT] keyword refused\r\n"
        return b"* FLAGS (\\Seen Urgent)\r\n* OK [ALERT] " + lit(b"noise") + b"\r\nTAG OK Store completed.\r\n"

    server = Pipelined(answer)
    commands = [
        b"UID STORE 1:3 +FLAGS.SILENT (Urgent)",
        b"UID STORE 4 +FLAGS.SILENT (bad)",
        b"UID STORE 5 -FLAGS.SILENT (\\Seen)",
    ]
    assert run_pipelined(server, commands) == [
        ("OK", "Store completed."),
        ("NO", "[CANNOT] keyword refused"),
        ("OK", "Store completed."),
    ]
    assert server.sends == 1


def test_more_commands_than_the_window_go_in_several_sends() -> None:
    server = Pipelined(lambda command: b"TAG OK done\r\n")
    answers = run_pipelined(server, [b"NOOP"] * (PIPELINE_WINDOW + 1))
    assert answers == [("OK", "done")] * (PIPELINE_WINDOW + 1)
    assert server.sends == 2


def test_a_connection_closed_before_every_answer_raises_abort() -> None:
    server = Pipelined(lambda command: b"" if command == b"LAST" else b"TAG OK done\r\n")
    with pytest.raises(imaplib.IMAP4.abort):
        run_pipelined(server, [b"NOOP", b"LAST"])
