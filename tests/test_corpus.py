"""The bench corpus generator, the awkward-message corpus and the bundled sample Maildir.

Every message, generated or hand-made, must go through ``mailflow.message.Message``
without raising: a parse failure would mean a message the daemon can lose.
"""

from __future__ import annotations

import mailbox
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpus
from mailflow.message import Message

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = ROOT / "tests" / "corpus" / "awkward"
SAMPLE = ROOT / "mailflow" / "sample" / "maildir"


def _touch_everything(raw: bytes) -> Message:
    """Read every view the rules and actions use; any exception fails the caller."""
    msg = Message(raw)
    assert isinstance(msg.subject, str)
    _ = msg.sender
    assert msg.key.startswith(("mid:", "sha:"))
    assert isinstance(msg.body_text, str)
    assert isinstance(msg.attachments, list)
    assert isinstance(msg.has_calendar_part, bool)
    _ = msg.date, msg.message_id, msg.references, msg.content_type, msg.defects
    return msg


# -- the generator ---------------------------------------------------------------


def test_same_seed_gives_the_same_bytes() -> None:
    first = list(corpus.generate(300, seed=7))
    assert first == list(corpus.generate(300, seed=7))
    assert first != list(corpus.generate(300, seed=8))


@pytest.mark.parametrize("n", [0, 1, 57, 250])
def test_yields_n_messages(n: int) -> None:
    assert sum(1 for _ in corpus.generate(n)) == n


def test_messages_use_crlf_and_a_header_block() -> None:
    for raw in corpus.generate(300, seed=3):
        assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF in a generated message"
        assert b"\r\n\r\n" in raw


def test_every_generated_message_parses() -> None:
    failures = []
    for kind, raw in corpus.generate_labelled(600, seed=1):
        try:
            _touch_everything(raw)
        except Exception as exc:  # collect them all, then report
            failures.append(f"{kind}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])


def test_the_mix_is_realistic() -> None:
    labelled = list(corpus.generate_labelled(3000, seed=11))
    kinds = Counter(kind.partition(":")[0] for kind, _ in labelled)
    expected = {
        "personal": 0.35,
        "newsletter": 0.25,
        "notification": 0.15,
        "invoice": 0.08,
        "calendar": 0.05,
        "reply": 0.05,
        "odd": 0.07,
    }
    assert set(kinds) == set(expected) == set(corpus.KINDS)
    for kind, share in expected.items():
        assert abs(kinds[kind] / len(labelled) - share) < 0.03, (kind, kinds[kind])
    odd = {kind for kind, _ in labelled if kind.startswith("odd:")}
    assert len(odd) >= 12, odd  # nearly every kind of awkwardness shows up in 3,000 messages

    sizes = [len(raw) for _, raw in labelled]
    assert min(sizes) >= 1000
    assert max(sizes) <= 64 * 1024
    assert 3000 <= statistics.median(sizes) <= 9000

    senders = set()
    for kind, raw in labelled:
        if kind == "personal":
            sender = Message(raw).sender
            assert sender is not None
            senders.add(sender.email)
    assert 200 <= len(senders) <= 320
    assert "ceo@bigcorp.example" in senders
    assert any(s.endswith("@board.example") for s in senders)


def test_message_ids_are_unique_and_dates_recent() -> None:
    seen: Counter[str] = Counter()
    missing = 0
    low = corpus.END.timestamp() - 60 * 86400 - 86400
    for kind, raw in corpus.generate_labelled(2000, seed=5):
        msg = Message(raw)
        if msg.message_id is None:
            assert kind == "odd:missing-message-id"
            missing += 1
        else:
            seen[msg.message_id] += 1
        if kind != "odd:garbage-date":
            assert msg.date is not None, kind
            assert low <= msg.date.timestamp() <= corpus.END.timestamp() + 86400, kind
    assert missing > 0
    assert [mid for mid, count in seen.items() if count > 1] == []


def test_replies_point_into_the_corpus() -> None:
    ids: set[str] = set()
    hits = replies = 0
    for kind, raw in corpus.generate_labelled(1500, seed=2):
        msg = Message(raw)
        if kind == "reply":
            replies += 1
            assert msg.header("in-reply-to") and msg.references
            assert msg.subject.startswith("Re: ")
            hits += msg.references[-1] in ids
        if msg.message_id:
            ids.add(msg.message_id)
    assert replies and hits / replies > 0.9


def test_write_maildir_and_mbox(tmp_path: Path) -> None:
    box = tmp_path / "box"
    corpus.write_maildir(box, 40, seed=4)
    assert sorted(p.name for p in box.iterdir()) == ["cur", "new", "tmp"]
    names = sorted(p.name for p in (box / "new").iterdir())
    assert len(names) == 40
    assert not list((box / "tmp").iterdir())
    assert all(":" not in n and "/" not in n for n in names)
    on_disk = sorted((box / "new" / n).read_bytes() for n in names)
    assert on_disk == sorted(corpus.generate(40, seed=4))

    path = tmp_path / "box.mbox"
    corpus.write_mbox(path, 40, seed=4)
    mbox = mailbox.mbox(path, create=False)
    try:
        subjects = [m["subject"] for m in mbox]
    finally:
        mbox.close()
    assert len(subjects) == 40


def test_cli_writes_a_maildir(tmp_path: Path) -> None:
    assert corpus.main(["--maildir", str(tmp_path / "m"), "--count", "12", "--seed", "9"]) == 0
    assert len(list((tmp_path / "m" / "new").iterdir())) == 12


# -- the awkward corpus -----------------------------------------------------------


def _awkward_params() -> list[object]:
    params: list[object] = []
    for path in sorted(AWKWARD.glob("*.eml")):
        params.append(pytest.param(path, id=path.name))
    return params


def test_the_awkward_corpus_is_complete() -> None:
    files = sorted(p.name for p in AWKWARD.glob("*.eml"))
    assert 12 <= len(files) <= 16
    readme = (AWKWARD / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([^`]+\.eml)` \|", readme, re.M)
    assert sorted(listed) == files


@pytest.mark.parametrize("path", _awkward_params())
def test_awkward_message_parses(path: Path) -> None:
    _touch_everything(path.read_bytes())


def test_some_awkward_messages_keep_what_they_have() -> None:
    garbage = Message((AWKWARD / "no-headers-garbage.eml").read_bytes())
    assert garbage.key.startswith("sha:") and garbage.sender is None
    cron = Message((AWKWARD / "missing-from-date-message-id.eml").read_bytes())
    assert cron.subject.startswith("Cron <backup@files01>")
    assert cron.key.startswith("sha:") and cron.date is None and cron.sender is None
    huge = Message((AWKWARD / "huge-header-block.eml").read_bytes())
    assert len(huge.raw) > 100_000 and huge.subject == "Auto: out of office (looped)"
    long = Message((AWKWARD / "long-subject-5000.eml").read_bytes())
    assert len(long.subject) == 5000


# -- the bundled sample Maildir ----------------------------------------------------

_INVOICE = re.compile(r"(?i)^invoice #\d+")


def _sample_messages() -> list[tuple[str, Message]]:
    return [(p.name, Message(p.read_bytes())) for p in sorted((SAMPLE / "new").iterdir()) if p.name != ".keep"]


def test_sample_maildir_layout() -> None:
    for sub in ("cur", "new", "tmp"):
        assert (SAMPLE / sub / ".keep").is_file()
        assert (SAMPLE / sub / ".keep").stat().st_size == 0
    assert [p.name for p in (SAMPLE / "cur").iterdir()] == [".keep"]
    assert [p.name for p in (SAMPLE / "tmp").iterdir()] == [".keep"]
    names = [name for name, _ in _sample_messages()]
    assert 12 <= len(names) <= 14
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"\d{10}\.M\d+P\d+Q\d+\.sample", name), name


def test_sample_messages_are_complete_and_parse() -> None:
    ids = set()
    for name, msg in _sample_messages():
        _touch_everything(msg.raw)
        for header in ("date", "from", "to", "subject", "message-id", "mime-version"):
            assert msg.header(header), (name, header)
        assert msg.message_id is not None and msg.date is not None and msg.sender is not None, name
        assert not msg.defects, (name, msg.defects)
        ids.add(msg.message_id)
    assert len(ids) == len(_sample_messages())


def test_sample_messages_exercise_danas_rules() -> None:
    msgs = [msg for _, msg in _sample_messages()]
    senders = [msg.sender.email for msg in msgs if msg.sender]
    assert "ceo@bigcorp.example" in senders
    assert any(s.endswith("@board.example") for s in senders)
    assert any(msg.header("list-unsubscribe") and msg.header("list-id") for msg in msgs)
    assert any(
        (msg.header("precedence") or "").lower() == "bulk" and msg.content_type == "multipart/alternative"
        for msg in msgs
    )
    by_subject = [msg for msg in msgs if _INVOICE.match(msg.subject)]
    assert [a.filename for m in by_subject for a in m.attachments] == ["invoice-4471.pdf"]
    by_attachment = [
        m
        for m in msgs
        if not _INVOICE.match(m.subject) and any(re.fullmatch(r"invoice-.*\.pdf", a.filename) for a in m.attachments)
    ]
    assert [m.subject for m in by_attachment] == ["Your March statement"]
    for m in by_subject + by_attachment:
        assert all(a.size > 0 and a.content_type == "application/pdf" for a in m.attachments)
        pdfs = [p.get_payload(decode=True) for p in m.parsed.walk() if p.get_content_type() == "application/pdf"]
        assert len(pdfs) == 1 and isinstance(pdfs[0], bytes)
        assert pdfs[0].startswith(b"%PDF-1.4") and pdfs[0].rstrip().endswith(b"%%EOF")
    calendars = [m for m in msgs if m.has_calendar_part]
    assert len(calendars) == 1
    ics = next(p for p in calendars[0].parsed.walk() if p.get_content_type() == "text/calendar")
    assert ics.get_param("method") == "REQUEST"
    text = ics.get_payload(decode=True)
    assert isinstance(text, bytes)
    text = text.decode()
    assert "METHOD:REQUEST" in text and "BEGIN:VEVENT" in text and "ORGANIZER" in text and "dana@acme.example" in text
    assert any(
        msg.header("auto-submitted") == "auto-generated"
        and msg.sender
        and msg.sender.email == "notifications@github.com"
        for msg in msgs
    )
    assert any(msg.sender and msg.sender.email == "no-reply@shop.example" for msg in msgs)
    assert any(msg.header("in-reply-to") and msg.references for msg in msgs)
    assert any("30 minutes next Tuesday or Wednesday afternoon" in msg.body_text.replace("\n", " ") for msg in msgs)
    odd = [msg for msg in msgs if "=?iso-8859-1?" in (msg.raw_headers["subject"][0])]
    assert len(odd) == 1 and odd[0].sender is not None
    assert not odd[0].subject.isascii() and not odd[0].sender.name.isascii()
    assert "réunion" in odd[0].body_text


@pytest.mark.parametrize(
    "value",
    [
        "Dana Whitfield <dana@acme.example>",
        "dana@acme.example",
        '"Whitfield, Dana" <dana@acme.example>',
        "a@b.example, c@d.example",
        "Bob (work) <bob@x.example>",
        "<only@angle.example>",
        "José <jose@x.example>",
        "Undisclosed recipients:;",
        "  Pat  Chen   <PAT@X.EXAMPLE> ",
    ],
)
def test_the_fast_address_path_agrees_with_the_standard_parser(value: str) -> None:
    from email.utils import getaddresses

    from mailflow.model import Address

    expected = [Address(n, e.lower()) for n, e in getaddresses([value]) if e and "@" in e]
    assert Address.parse_list(value) == expected


_ADDRESS_CHARS = list("ab.@<> \"(),;:\\[]=\t-_+\xa0é0Z\r\n'!#$%&*/?^`{|}~")


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_ADDRESS_CHARS), max_size=16).map("".join))
def test_the_fast_address_path_never_disagrees_with_the_standard_parser(value: str) -> None:
    from email.utils import getaddresses

    from mailflow.model import Address

    expected = [Address(n, e.lower()) for n, e in getaddresses([value]) if e and "@" in e]
    assert Address.parse_list(value) == expected
