"""The direct draft writer produces the standard library's bytes exactly, or steps aside."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailflow.drafting import Person, build_reply, plain_draft, standard_draft
from mailflow.message import Message
from mailflow.model import Address

ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
words = st.text(alphabet=ATEXT + ' .,"()<>@:;\\é\t', min_size=0, max_size=30)
plain_words = st.text(alphabet=ATEXT + " ", min_size=0, max_size=30)
emails = st.one_of(
    st.builds(
        lambda a, b: f"{a}@{b}.example",
        st.text(ATEXT + ".", min_size=1, max_size=12),
        st.text("abc-", min_size=1, max_size=8),
    ),
    st.text(alphabet=ATEXT + "@. é", min_size=1, max_size=20),
)
addresses = st.lists(st.builds(Address, st.one_of(words, plain_words), emails), min_size=1, max_size=3)
values = st.one_of(words, plain_words, st.text(min_size=0, max_size=90))
bodies = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
plain_bodies = st.lists(st.text(alphabet=ATEXT + " é.", max_size=120), max_size=14).map("\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sender=addresses,
    to=addresses,
    subject=st.one_of(values, plain_words),
    refs=st.one_of(values, plain_words),
    body=st.one_of(bodies, plain_bodies),
)
def test_the_plain_writer_agrees_byte_for_byte_with_the_standard_library_whenever_it_writes(
    sender: list[Address], to: list[Address], subject: str, refs: str, body: str
) -> None:
    headers: list[tuple[str, str | list[Address]]] = [
        ("From", sender[:1]),
        ("To", to),
        ("Subject", subject),
        ("Date", "Tue, 01 Dec 2026 00:00:00 +0000"),
        ("Message-ID", "<1.2.3@acme.example>"),
        ("References", refs),
        ("X-Mailflow-Key", "0123456789abcdef0123456789abcdef"),
    ]
    plain = plain_draft(headers, body)
    if plain is not None:
        assert plain == standard_draft(headers, body)


def test_a_typical_reply_takes_the_plain_path_and_an_accented_one_the_standard_path() -> None:
    raw = (
        b"From: Pat Chen <ceo@bigcorp.example>\r\nTo: Dana Whitfield <dana@acme.example>\r\n"
        b"Subject: Q4 numbers?\r\nMessage-ID: <p1@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 -0500\r\n"
        b"\r\nHello Dana,\r\ncan you send the numbers?\r\n"
    )
    dana = Person("dana", "Dana Whitfield", "dana@acme.example")
    when = datetime(2026, 12, 1, tzinfo=UTC)
    for original, plain in ((raw, True), (raw.replace(b"Pat Chen", "Pât Chén".encode()), False)):
        draft = build_reply(Message(original), "Hi,\nThanks.", dana, "k" * 32, now=when, message_id="<m@acme.example>")
        headers: list[tuple[str, str | list[Address]]] = [("From", [Address("Dana Whitfield", "dana@acme.example")])]
        assert draft.raw.startswith(b"From: Dana Whitfield <dana@acme.example>\r\n")
        sender = Message(original).sender
        assert sender is not None
        headers += [
            ("To", [sender]),
            ("Subject", "Re: Q4 numbers?"),
            ("Date", "Tue, 01 Dec 2026 00:00:00 +0000"),
            ("Message-ID", "<m@acme.example>"),
            ("In-Reply-To", "<p1@example.com>"),
            ("References", "<p1@example.com>"),
            ("X-Mailflow-Key", "k" * 32),
        ]
        body = (
            "Hi,\nThanks.\n\n"
            + f"On Tue, 24 Nov 2026 10:00:00 -0500, {sender} wrote:\n> Hello Dana,\n> can you send the numbers?\n"
        )
        assert (plain_draft(headers, body) is not None) is plain
        assert draft.raw == standard_draft(headers, body)
