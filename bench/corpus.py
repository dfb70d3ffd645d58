"""A deterministic generator of realistic mixed mail, for benchmarks and integration tests.

The mix imitates an executive's inbox (Dana Whitfield <dana@acme.example>,
with her assistant Sam Rivera <sam@rivera-va.example> on copy now and then):

* 35% personal and work mail from about 300 distinct senders, a few of them
  VIPs (ceo@bigcorp.example, people at board.example);
* 25% newsletters (List-Unsubscribe, List-Id, large HTML alternatives);
* 15% automated notifications (GitHub with Auto-Submitted, no-reply senders);
* 8% invoices (an ``Invoice #NNNN`` subject, an ``invoice-*.pdf`` attachment, or both);
* 5% calendar invitations (a ``text/calendar; method=REQUEST`` part);
* 5% replies in threads started earlier in the corpus (In-Reply-To, References);
* 7% awkward real-world mail: unknown or mislabelled charsets, broken MIME,
  no Message-ID, raw 8-bit headers, huge headers, very long subjects, empty
  bodies, base64 with garbage, deeply nested multiparts.

Messages are raw RFC 5322 bytes with CRLF line endings, 1 KB to about 60 KB
(median around 5 KB). The same ``seed`` always gives the same bytes: dates are
spread over the 60 days before a fixed instant (``END``), not before "now".

Use it as a module::

    from bench.corpus import generate, write_maildir
    for raw in generate(1000, seed=7): ...

or as a script::

    python bench/corpus.py --maildir /tmp/box --count 10000 [--seed S]
    python bench/corpus.py --mbox /tmp/box.mbox --count 10000

Only the standard library is used; 10,000 messages take a couple of seconds.
"""

from __future__ import annotations

import argparse
import base64
import os
import quopri
import random
import re
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

__all__ = ["END", "KINDS", "Sample", "generate", "generate_labelled", "generate_samples", "write_maildir", "write_mbox"]

END = datetime(2024, 11, 28, 8, 0, tzinfo=UTC)
"""The newest possible Date; messages are spread over the 60 days before it."""
_END_TS = int(END.timestamp())
_SPAN = 60 * 86400

DANA = ("Dana Whitfield", "dana@acme.example")
SAM = ("Sam Rivera", "sam@rivera-va.example")
VIPS = ["ceo@bigcorp.example", "@board.example"]

KINDS: tuple[str, ...] = ("personal", "newsletter", "notification", "invoice", "calendar", "reply", "odd")
_CUM_WEIGHTS = [35, 60, 75, 83, 88, 93, 100]

_ODD_KINDS: tuple[str, ...] = (
    "unknown-charset",
    "mislabelled-utf8",
    "missing-closing-boundary",
    "no-boundary-param",
    "missing-message-id",
    "raw-8bit-headers",
    "huge-references",
    "many-received",
    "long-subject",
    "empty-body",
    "bad-base64",
    "nested-related",
    "bad-encoded-word",
    "garbage-date",
)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_TZ_OFFSETS = (-480, -420, -360, -300, -300, -300, -300, -240, 0, 0, 60, 60, 120, 330, 540, 600)

_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Michelle",
    "Joshua",
    "Amanda",
    "Kevin",
    "Melissa",
    "Brian",
    "Stephanie",
    "George",
    "Rebecca",
    "Priya",
    "Wei",
    "Aisha",
    "Kenji",
    "Sofia",
    "Mateo",
    "Olga",
    "Noah",
    "Fatima",
    "Liam",
    "Yuki",
    "Omar",
    "Ingrid",
    "Raj",
    "Chloe",
    "Diego",
)
_ACCENTED_FIRST = ("José", "Zoë", "Renée", "Björn", "François", "Søren", "Łukasz", "Çağla", "Anaïs", "Jürgen")
_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Patel",
    "Kim",
    "Chen",
    "Okafor",
    "Novak",
    "Schmidt",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Larsen",
    "O'Brien",
    "Kowalski",
    "Dubois",
    "Silva",
)
_ACCENTED_LAST = ("Müller", "Núñez", "Åberg", "Løvås", "Gonçalves", "Żak", "Dvořák", "Öztürk")
_WORK_DOMAINS = (
    "acme.example",
    "acme.example",
    "acme.example",
    "northwind.example",
    "contoso.example",
    "fabrikam.example",
    "globex.example",
    "initech.example",
    "umbrella.example",
    "hooli.example",
    "piedpiper.example",
    "vandelay.example",
    "stark.example",
    "wayne.example",
    "tyrell.example",
    "cyberdyne.example",
    "oceanic.example",
    "bigcorp.example",
    "lawfirm.example",
    "vcpartners.example",
)
_PERSONAL_DOMAINS = ("gmail.example", "fastmail.example", "outlook.example", "icloud.example", "proton.example")
_MAILERS = (
    "Microsoft Outlook 16.0",
    "Apple Mail (2.3774.200.91.1.1)",
    "Mozilla Thunderbird",
    "Superhuman",
    "iPhone Mail (21F90)",
    None,
    None,
    None,
)

_OPENERS = (
    "Quick follow-up on",
    "Circling back about",
    "A few thoughts on",
    "Update on",
    "Question about",
    "Next steps for",
    "Notes from today's discussion of",
    "Heads-up regarding",
    "Draft for",
    "Feedback on",
)
_TOPICS = (
    "the Q4 budget",
    "the partnership proposal",
    "next week's offsite",
    "the hiring plan",
    "the board deck",
    "the pricing change",
    "the Chicago launch",
    "the vendor contract",
    "our investor update",
    "the roadmap review",
    "the customer escalation",
    "the renewal with Globex",
    "the audit timeline",
    "the marketing calendar",
    "the office move",
    "the security review",
    "the annual kickoff",
    "the press release",
    "headcount for 2025",
    "the travel plans for Denver",
    "the podcast interview",
    "the legal review",
    "the data migration",
)
_SUBJ_PERSONAL = (
    "dinner next week?",
    "photos from the weekend",
    "happy birthday!",
    "book recommendation",
    "school fundraiser",
    "coffee soon?",
    "the kids' recital",
    "tickets for Saturday",
    "that recipe you asked for",
    "moving update",
)
_SENT_SUBJ = (
    "We",
    "I",
    "The team",
    "Legal",
    "Finance",
    "Marketing",
    "Our CFO",
    "The vendor",
    "The customer",
    "Engineering",
)
_SENT_VERB = (
    "reviewed",
    "pushed back on",
    "signed off on",
    "would like to revisit",
    "flagged a concern about",
    "finished a first pass of",
    "had been waiting on",
    "had questions about",
    "would like to accelerate",
    "agreed to postpone",
    "shared comments on",
    "asked for a decision on",
)
_SENT_OBJ = (
    "the revised numbers",
    "the contract redlines",
    "the staffing plan",
    "the Q3 actuals",
    "the draft agenda",
    "the updated timeline",
    "the budget envelope",
    "the slide on retention",
    "the pilot results",
    "the onboarding flow",
    "the proposal from Fabrikam",
    "the revenue forecast",
    "the travel budget",
)
_SENT_TAIL = (
    "and I think we are close.",
    "so I wanted to get your read before Friday.",
    "but there are two open items.",
    "which should unblock the rest of the plan.",
    "and the short version is that it looks fine.",
    "although the timing is tight.",
    "so let me know if you want to discuss live.",
    "-- details are in the shared folder.",
    "and we can finalize on Thursday's call.",
    "but I'd rather not commit until we see the final figures.",
    "and nobody raised any objections.",
)
_ASKS = (
    "Could you take a look when you have a minute?",
    "Do you have 30 minutes on Tuesday or Wednesday afternoon to go through it?",
    "Can you confirm by end of day Thursday?",
    "Let me know if you'd like me to set up a call.",
    "No rush on this one, but I'd love your input before the board meeting.",
    "Would Monday at 10 work for a quick sync?",
    "Happy to adjust if anything looks off.",
)
_SIGNOFFS = ("Best,", "Thanks,", "Cheers,", "Regards,", "Thanks!", "Best regards,", "--")

_VENDORS = (
    ("Brightline Design", "accounts@brightline.example"),
    ("Northpeak Cloud", "billing@northpeak.example"),
    ("Summit Legal LLP", "invoices@summitlegal.example"),
    ("Clearwater Catering", "office@clearwater.example"),
    ("Orbit Print Co.", "ar@orbitprint.example"),
    ("Keystone IT Services", "billing@keystone-it.example"),
    ("Harbor Translation", "finance@harbortrans.example"),
    ("Pinecrest Travel", "invoice@pinecrest.example"),
)
_NEWSLETTERS = (
    ("The Operator's Digest", "hello@digest.example", "weekly.digest.example"),
    ("Morning Brew Markets", "crew@markets.example", "daily.markets.example"),
    ("Hearthstone Travel", "deals@travel.example", "deals.travel.example"),
    ("SaaS Weekly", "news@saasweekly.example", "list.saasweekly.example"),
    ("Leadership Letters", "letters@lead.example", "letters.lead.example"),
    ("The Finance Memo", "memo@finmemo.example", "memo.finmemo.example"),
    ("Product Hunt Daily", "daily@producthunt.example", "daily.producthunt.example"),
    ("City Arts Calendar", "events@cityarts.example", "events.cityarts.example"),
)
_NOTIFIERS = (
    ("github", "notifications@github.com"),
    ("shipping", "no-reply@shop.example"),
    ("bank", "noreply@alerts.firstbank.example"),
    ("jira", "jira@acme.atlassian.example"),
    ("calendar-reminder", "calendar-notification@google.example"),
    ("security", "no-reply@accounts.cloudmail.example"),
    ("expense", "noreply@expensify.example"),
)
_REPOS = ("acme/website", "acme/api", "acme/mobile", "acme/infra", "acme/design-system")


class Sample(NamedTuple):
    """One generated message with what the generator meant it to be."""

    kind: str  # one of KINDS, or "odd:<what>"
    timestamp: int  # the Date header's instant, seconds since the epoch
    raw: bytes


# -- small helpers ------------------------------------------------------------


def _fmt_date(ts: int, offset_min: int) -> str:
    local = datetime.fromtimestamp(ts + offset_min * 60, UTC)
    sign = "+" if offset_min >= 0 else "-"
    hh, mm = divmod(abs(offset_min), 60)
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{hh:02d}{mm:02d}"
    )


def _b64_lines(data: bytes) -> str:
    enc = base64.b64encode(data).decode("ascii")
    return "\n".join(enc[i : i + 76] for i in range(0, len(enc), 76))


def _qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def _encoded_word(text: str) -> str:
    """RFC 2047 base64 encoding of a non-ASCII phrase; ASCII is returned as is (quoted if needed)."""
    if text.isascii():
        return f'"{text}"' if re.search(r"[^\w !#$%&*+/=?^`{|}~-]", text) else text
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _subject_value(text: str) -> str:
    """A Subject header value: as is when ASCII, else one RFC 2047 encoded word."""
    if text.isascii():
        return text
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _ics_fold(text: str) -> str:
    """Fold iCalendar content lines longer than 75 characters (RFC 5545, 3.1)."""
    out = []
    for line in text.split("\n"):
        while len(line) > 75:
            out.append(line[:75])
            line = " " + line[75:]
        out.append(line)
    return "\n".join(out)


def _addr(name: str, email: str) -> str:
    return f"{_encoded_word(name)} <{email}>" if name else email


def _tiny_pdf(lines: list[str], padding: bytes = b"") -> bytes:
    """A small but well-formed one-page PDF (correct xref offsets), optionally padded with an image-like stream."""
    ops = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(padding) + padding + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


class _Thread(NamedTuple):
    message_id: str
    references: str
    subject: str
    name: str
    email: str
    timestamp: int
    body: str


# -- the generator ------------------------------------------------------------


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.seed = seed
        self.threads: list[_Thread] = []
        # ~300 distinct correspondents, Zipf-like frequency; VIPs ranked fairly high.
        people: list[tuple[str, str]] = []
        seen: set[str] = set()
        while len(people) < 294:
            accented = rng.random() < 0.08
            first = rng.choice(_ACCENTED_FIRST if accented else _FIRST)
            last = rng.choice(_ACCENTED_LAST if accented and rng.random() < 0.5 else _LAST)
            personal = rng.random() < 0.2
            domain = rng.choice(_PERSONAL_DOMAINS if personal else _WORK_DOMAINS)
            ascii_first = first.encode("ascii", "ignore").decode().lower() or "x"
            ascii_last = re.sub(r"[^a-z]", "", last.encode("ascii", "ignore").decode().lower()) or "y"
            local = rng.choice((f"{ascii_first}.{ascii_last}", f"{ascii_first[0]}{ascii_last}", ascii_first))
            email = f"{local}@{domain}"
            if email in seen:
                continue
            seen.add(email)
            people.append((f"{first} {last}", email))
        vips = [
            ("Margaret Chen", "ceo@bigcorp.example"),
            ("Robert Okafor", "r.okafor@board.example"),
            ("Helen Park", "hpark@board.example"),
            ("Luis Ortega", "l.ortega@board.example"),
            SAM,
            ("Tom Becker", "tom.becker@acme.example"),
        ]
        for i, vip in enumerate(vips):
            people.insert(3 + i * 7, vip)
        self.people = people
        cum = 0.0
        self.people_cum: list[float] = []
        for rank in range(len(people)):
            cum += 1.0 / (rank + 2) ** 0.85
            self.people_cum.append(cum)
        # Pre-built paragraphs make bodies cheap to assemble.
        self.paragraphs = [self._paragraph() for _ in range(400)]

    # -- pieces --

    def _paragraph(self) -> str:
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(2, 5)):
            sentences.append(
                f"{rng.choice(_SENT_SUBJ)} {rng.choice(_SENT_VERB)} {rng.choice(_SENT_OBJ)} {rng.choice(_SENT_TAIL)}"
            )
        if rng.random() < 0.3:
            sentences.append(rng.choice(_ASKS))
        return textwrap.fill(" ".join(sentences), 72)

    def _person(self) -> tuple[str, str]:
        return self.rng.choices(self.people, cum_weights=self.people_cum)[0]

    def _hex(self, bits: int = 64) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def _msgid(self, index: int, domain: str) -> str:
        style = self.rng.random()
        if style < 0.4:
            token = base64.urlsafe_b64encode(self.rng.randbytes(24)).decode().rstrip("=")
            return f"<CA{token}+{index}@mail.gmail.example>"
        if style < 0.7:
            return f"<{self._hex(32)}.{index}@{domain}>"
        return f"<{self._hex(32)[:8]}-{self._hex(16)}-{index:06d}@{domain}>"

    def _timestamp(self) -> int:
        return _END_TS - self.rng.randrange(_SPAN)

    def _trace(self, ts: int, sender_domain: str, hops: int | None = None) -> list[str]:
        """Return-Path-less trace and authentication headers, as a real MX would add them."""
        rng = self.rng
        lines: list[str] = []
        hops = rng.randint(2, 4) if hops is None else hops
        t = ts + hops * rng.randint(1, 4)
        for hop in range(hops):
            ip = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            host = f"mx{rng.randint(1, 9)}.acme.example" if hop == 0 else f"smtp{hop}.{sender_domain}"
            origin = f"out{rng.randint(1, 40)}.{sender_domain}" if hop == 0 else f"relay{hop}.{sender_domain}"
            lines.append(
                f"Received: from {origin} ({origin} [{ip}])\n\tby {host} with ESMTPS id {self._hex(48)}"
                f"\n\tfor <{DANA[1]}>; {_fmt_date(t, 0)} (UTC)"
            )
            t -= rng.randint(1, 4)
        lines.append(
            f"Authentication-Results: mx.acme.example;\n\tdkim=pass header.d={sender_domain} header.s=s1;"
            f"\n\tspf=pass smtp.mailfrom={sender_domain};\n\tdmarc=pass (p=REJECT) header.from={sender_domain}"
        )
        bh = base64.b64encode(rng.randbytes(32)).decode()
        sig = base64.b64encode(rng.randbytes(256)).decode()
        folded = "\n\t ".join(sig[i : i + 70] for i in range(0, len(sig), 70))
        lines.append(
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={sender_domain}; s=s1;\n"
            f"\tt={ts}; h=from:to:subject:date:message-id:mime-version:content-type;\n"
            f"\tbh={bh};\n\tb={folded}"
        )
        return lines

    def _headers(
        self,
        index: int,
        ts: int,
        sender: tuple[str, str],
        subject: str,
        *,
        to: str | None = None,
        cc: str | None = None,
        msgid: str | None = "",
        extra: list[str] | None = None,
    ) -> list[str]:
        rng = self.rng
        domain = sender[1].rpartition("@")[2]
        lines = [f"Return-Path: <{sender[1]}>", *self._trace(ts, domain)]
        lines.append(f"Date: {_fmt_date(ts, rng.choice(_TZ_OFFSETS))}")
        lines.append(f"From: {_addr(*sender)}")
        lines.append(f"To: {to or _addr(*DANA)}")
        if cc:
            lines.append(f"Cc: {cc}")
        lines.append(f"Subject: {subject}")
        if msgid == "":
            msgid = self._msgid(index, domain)
        if msgid is not None:
            lines.append(f"Message-ID: {msgid}")
        if extra:
            lines.extend(extra)
        return lines

    def _body_text(self, greeting: str, paragraphs: int, signer: str) -> str:
        rng = self.rng
        parts = [greeting, *rng.sample(self.paragraphs, paragraphs), f"{rng.choice(_SIGNOFFS)}\n{signer}"]
        return "\n\n".join(parts) + "\n"

    @staticmethod
    def _finish(lines: list[str], body: str | bytes) -> bytes:
        head = "\n".join(lines).encode("utf-8")
        data = body.encode("utf-8") if isinstance(body, str) else body
        raw = head + b"\n\n" + data
        return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def _subject(self) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(_SUBJ_PERSONAL)
        subject = f"{rng.choice(_OPENERS)} {rng.choice(_TOPICS)}"
        if rng.random() < 0.1:
            subject = "FW: " + subject
        return subject

    # -- kinds --

    def personal(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        sender = self._person()
        ts = self._timestamp()
        subject = self._subject()
        first = sender[0].split()[0]
        body = self._body_text(
            rng.choice(("Hi Dana,", "Dana,", "Hello Dana,", "Hey Dana --")), rng.randint(1, 5), first
        )
        cc = _addr(*SAM) if rng.random() < 0.25 else None
        extra: list[str] = []
        mailer = rng.choice(_MAILERS)
        if mailer:
            extra.append(f"X-Mailer: {mailer}")
        extra.append("MIME-Version: 1.0")
        lines = self._headers(index, ts, sender, _subject_value(subject), cc=cc, extra=extra)
        msgid = next(h for h in lines if h.startswith("Message-ID:"))[12:]
        if rng.random() < 0.55:
            boundary = f"000000000000{self._hex(48)}"
            html = "".join(f"<div>{p.replace(chr(10), ' ')}</div><div><br></div>" for p in body.split("\n\n"))
            html = f'<div dir="ltr">{html}</div>'
            lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
            payload = (
                f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: '
                f'quoted-printable\n\n{_qp(body)}\n--{boundary}\nContent-Type: text/html; charset="UTF-8"\n'
                f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(html)}\n"
                f"--{boundary}--\n"
            )
        else:
            lines.append('Content-Type: text/plain; charset="UTF-8"')
            lines.append("Content-Transfer-Encoding: 7bit")
            payload = body
        if rng.random() < 0.06:  # a personal note with a small attachment (not an invoice)
            outer = f"mix_{self._hex(48)}"
            inner_ct = lines.pop()
            if inner_ct.startswith("Content-Transfer-Encoding"):
                inner_ct = lines.pop() + "\n" + inner_ct
            lines.append(f'Content-Type: multipart/mixed; boundary="{outer}"')
            name = rng.choice(("agenda.docx", "notes.txt", "photo.jpg", "deck-v3.pptx", "budget.xlsx"))
            blob = _b64_lines(rng.randbytes(rng.randint(2000, 42000)))
            payload = (
                f"--{outer}\n{inner_ct}\n\n{payload}\n--{outer}\nContent-Type: application/octet-stream; "
                f'name="{name}"\nContent-Disposition: attachment; filename="{name}"\n'
                f"Content-Transfer-Encoding: base64\n\n{blob}\n--{outer}--\n"
            )
        self.threads.append(_Thread(msgid, "", subject, sender[0], sender[1], ts, body))
        if len(self.threads) > 200:
            del self.threads[:100]
        return "personal", ts, self._finish(lines, payload)

    def reply(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        if self.threads:
            orig = rng.choice(self.threads)
        else:
            name, email = self._person()
            orig = _Thread(
                f"<{self._hex(32)}.orig@{email.rpartition('@')[2]}>",
                "",
                self._subject(),
                name,
                email,
                self._timestamp(),
                self._body_text("Hi Dana,", 2, name.split()[0]),
            )
        # Either the original sender writes again, or someone on the thread answers Sam/Dana.
        sender = (orig.name, orig.email) if rng.random() < 0.6 else self._person()
        ts = min(_END_TS, orig.timestamp + rng.randint(600, 3 * 86400))
        subject = orig.subject if orig.subject.lower().startswith("re:") else "Re: " + orig.subject
        refs = (orig.references + " " + orig.message_id).strip()
        quoted = "\n".join("> " + line if line else ">" for line in orig.body.splitlines())
        body = (
            self._body_text(
                rng.choice(("Thanks --", "Sounds good.", "Hi Dana,", "Following up:")),
                rng.randint(1, 2),
                sender[0].split()[0],
            )
            + f"\nOn {_fmt_date(orig.timestamp, -300)}, {orig.name} <{orig.email}> wrote:\n{quoted}\n"
        )
        folded_refs = "\n ".join(refs.split())
        lines = self._headers(
            index,
            ts,
            sender,
            _subject_value(subject),
            cc=_addr(*SAM) if rng.random() < 0.3 else None,
            extra=[
                f"In-Reply-To: {orig.message_id}",
                f"References: {folded_refs}",
                "MIME-Version: 1.0",
                'Content-Type: text/plain; charset="UTF-8"',
                "Content-Transfer-Encoding: 8bit",
            ],
        )
        msgid = next(h for h in lines if h.startswith("Message-ID:"))[12:]
        self.threads.append(_Thread(msgid, refs, subject, sender[0], sender[1], ts, body))
        return "reply", ts, self._finish(lines, body)

    def newsletter(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        name, email, list_id = rng.choice(_NEWSLETTERS)
        ts = self._timestamp()
        domain = email.rpartition("@")[2]
        issue = rng.randint(40, 400)
        headline = f"{rng.choice(_OPENERS)} {rng.choice(_TOPICS)}".replace("our ", "your ")
        subject = f"Issue #{issue}: {headline[0].upper()}{headline[1:]}"
        token = self._hex(32)
        extra = [
            f"Reply-To: editors@{domain}",
            f"List-Id: {_encoded_word(name)} <{list_id}>",
            f"List-Unsubscribe: <https://{domain}/u/{token}>, <mailto:unsubscribe+{token}@{domain}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            f"Feedback-ID: {issue}:{token[:8]}:newsletter:{domain}",
            "X-Mailer: Campaigns 4.2",
        ]
        if rng.random() < 0.3:
            extra.append("Precedence: bulk")
        extra.append("MIME-Version: 1.0")
        lines = self._headers(index, ts, (name, email), _subject_value(subject), to=DANA[1], extra=extra)
        articles = rng.randint(2, 32)
        text_parts = [f"{name.upper()} -- Issue #{issue}", ""]
        html_parts = [
            '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width"><title>' + name + "</title><style>body{margin:0;padding:0;"
            "background:#f4f4f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif}"
            ".wrap{max-width:600px;margin:0 auto;background:#fff}.story h2{font-size:20px;line-height:26px;"
            "color:#111;margin:0 0 8px}.story p{font-size:16px;line-height:24px;color:#333}"
            ".btn{display:inline-block;padding:10px 18px;background:#1a73e8;color:#fff;border-radius:4px;"
            'text-decoration:none}</style></head><body><table class="wrap" role="presentation" '
            'cellpadding="0" cellspacing="0" width="100%">'
        ]
        for n in range(1, articles + 1):
            para = rng.choice(self.paragraphs)
            title = f"{rng.choice(_OPENERS)} {rng.choice(_TOPICS)}"
            link = f"https://click.{domain}/ls/click?upn={self._hex(64)}{self._hex(64)}&amp;u={index}.{n}"
            text_parts += [f"{n}. {title.upper()}", para, f"Read more: {link.replace('&amp;', '&')}", ""]
            html_parts.append(
                f'<tr><td class="story" style="padding:24px 32px;border-bottom:1px solid #eeeeee">'
                f'<h2 style="font-size:20px;line-height:26px;margin:0 0 8px">{title}</h2>'
                f'<p style="font-size:16px;line-height:24px;color:#333333;margin:0 0 12px">'
                f'{para.replace(chr(10), " ")}</p><a class="btn" href="{link}" target="_blank" '
                f'style="display:inline-block;padding:10px 18px;background:#1a73e8;color:#ffffff">Read more</a>'
                f"</td></tr>"
            )
        footer = f"You are receiving this because you subscribed at {domain}.\nUnsubscribe: https://{domain}/u/{token}"
        text_parts.append("--\n" + footer)
        html_parts.append(
            f'<tr><td style="padding:24px;font-size:11px;color:#999">{footer.replace(chr(10), "<br>")}'
            f'<img src="https://open.{domain}/o/{token}.gif" width="1" height="1" alt=""></td></tr>'
            "</table></body></html>"
        )
        boundary = f"=_nl_{self._hex(64)}"
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        payload = (
            f"This is a multi-part message in MIME format.\n\n--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(chr(10).join(text_parts))}\n--{boundary}\n"
            f"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            f"{_qp(''.join(html_parts))}\n--{boundary}--\n"
        )
        return "newsletter", ts, self._finish(lines, payload)

    def notification(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        what, email = rng.choice(_NOTIFIERS)
        ts = self._timestamp()
        extra: list[str] = []
        if what == "github":
            repo = rng.choice(_REPOS)
            num = rng.randint(100, 2000)
            actor = rng.choice(self.people)[1].partition("@")[0].replace(".", "")
            reason = rng.choice(("review_requested", "mention", "comment", "author", "ci_activity"))
            title = f"{rng.choice(('Fix', 'Add', 'Update', 'Refactor', 'Remove'))} {rng.choice(_SENT_OBJ)[4:]}"
            sender = (actor, email)
            subject = f"[{repo}] {title} (PR #{num})"
            msgid = f"<{repo}/pull/{num}/c{self._hex(32)[:10]}.{index}@github.com>"
            extra += [
                f"Reply-To: {repo} <reply+{self._hex(64).upper()}@reply.github.com>",
                "Auto-Submitted: auto-generated",
                f"X-GitHub-Reason: {reason}",
                f"X-GitHub-Sender: {actor}",
                f"In-Reply-To: <{repo}/pull/{num}@github.com>",
                f"References: <{repo}/pull/{num}@github.com>",
            ]
            body = (
                f"@{actor} commented on this pull request.\n\n"
                + "\n\n".join(rng.sample(self.paragraphs, rng.randint(1, 4)))
                + f"\n\n-- \nReply to this email directly, view it on GitHub:\nhttps://github.com/{repo}/pull/{num}"
                f"\nYou are receiving this because of {reason.replace('_', ' ')}.\n"
            )
        else:
            labels = {
                "shipping": ("Shop.example Orders", f"Your order #SH-{rng.randint(10000, 99999)} has shipped"),
                "bank": (
                    "FirstBank Alerts",
                    f"Alert: a payment of ${rng.randint(20, 9000)}.{rng.randint(0, 99):02d} was made from your account",
                ),
                "jira": (
                    "Jira",
                    f"[JIRA] ({rng.choice(('OPS', 'WEB', 'FIN'))}-{rng.randint(10, 999)}) "
                    f"{rng.choice(_OPENERS)} {rng.choice(_TOPICS)}",
                ),
                "calendar-reminder": (
                    "Google Calendar",
                    f"Reminder: {rng.choice(_TOPICS).capitalize()} sync @ {rng.randint(1, 12)}:00pm",
                ),
                "security": ("CloudMail Accounts", "Security alert: new sign-in on Mac"),
                "expense": ("Expensify", f"Expense report #{rng.randint(1000, 9999)} approved"),
            }
            display, subject = labels[what]
            sender = (display, email)
            msgid = ""
            if what in ("jira", "calendar-reminder") or rng.random() < 0.3:
                extra.append("Auto-Submitted: auto-generated")
            body = (
                f"Hello Dana,\n\n{rng.choice(self.paragraphs)}\n\nDetails: https://{email.rpartition('@')[2]}/n/"
                f"{self._hex(64)}\n\nThis mailbox is not monitored. Please do not reply to this email.\n"
            )
        extra.append("MIME-Version: 1.0")
        lines = self._headers(index, ts, sender, subject, msgid=msgid or "", extra=extra)
        boundary = f"--==_mimepart_{self._hex(64)}"
        html = "<html><body>" + "".join(f"<p>{p}</p>" for p in body.split("\n\n")) + "</body></html>"
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        payload = (
            f"--{boundary}\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n{body}\n"
            f"--{boundary}\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n{html}\n"
            f"--{boundary}--\n"
        )
        return "notification", ts, self._finish(lines, payload)

    def invoice(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        vendor, email = rng.choice(_VENDORS)
        ts = self._timestamp()
        number = rng.randint(1000, 9999)
        amount = f"{rng.randint(80, 25000):,}.{rng.randint(0, 99):02d}"
        style = rng.random()
        with_pdf = style >= 0.25
        if style < 0.6:
            subject = f"Invoice #{number} from {vendor}"
        elif style < 0.8:
            subject = f"Your {rng.choice(_MONTH_NAMES)} statement"
        else:
            subject = f"{vendor}: payment due for services"
        if not with_pdf and not subject.startswith("Invoice"):
            subject = f"Invoice #{number} from {vendor}"
        body = (
            f"Hi Dana,\n\nPlease find {'attached ' if with_pdf else ''}invoice #{number} for services rendered.\n\n"
            f"Amount due: USD {amount}\nDue date: net 30\n"
            f"Pay online: https://pay.{email.rpartition('@')[2]}/i/{number}\n\nThank you for your business!\n\n"
            f"{vendor}\n"
        )
        lines = self._headers(index, ts, (f"{vendor} Accounts", email), subject, extra=["MIME-Version: 1.0"])
        if not with_pdf:
            lines += ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: 7bit"]
            return "invoice", ts, self._finish(lines, body)
        pdf = _tiny_pdf(
            [vendor, f"Invoice #{number}", "Bill to: Acme Inc., attn. Dana Whitfield", f"Total due: USD {amount}"],
            rng.randbytes(rng.randint(500, 24000)),
        )
        boundary = f"----=_Part_{number}_{self._hex(32)}"
        fname = f"invoice-{number}.pdf"
        lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        payload = (
            f"--{boundary}\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n{body}\n"
            f'--{boundary}\nContent-Type: application/pdf; name="{fname}"\nContent-Disposition: attachment; '
            f'filename="{fname}"\nContent-Transfer-Encoding: base64\n\n{_b64_lines(pdf)}\n--{boundary}--\n'
        )
        return "invoice", ts, self._finish(lines, payload)

    def calendar(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        organizer = self._person()
        ts = self._timestamp()
        start = ts + rng.randint(1, 21) * 86400
        start -= start % 1800
        minutes = rng.choice((30, 30, 45, 60, 60, 90))
        topic = rng.choice(_TOPICS)
        title = f"{topic[4].upper()}{topic[5:]} sync" if topic.startswith("the ") else f"{topic.capitalize()} sync"
        uid = f"{self._hex(64)}{self._hex(32)}-{index}@{organizer[1].rpartition('@')[2]}"

        def ical(t: int) -> str:
            return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")

        when = _fmt_date(start, -300)
        ics = (
            "BEGIN:VCALENDAR\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\nVERSION:2.0\nCALSCALE:GREGORIAN\n"
            f"METHOD:REQUEST\nBEGIN:VEVENT\nDTSTART:{ical(start)}\nDTEND:{ical(start + minutes * 60)}\n"
            f"DTSTAMP:{ical(ts)}\nORGANIZER;CN={organizer[0]}:mailto:{organizer[1]}\nUID:{uid}\n"
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={DANA[0]}:"
            f"mailto:{DANA[1]}\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
            f"CN={organizer[0]}:mailto:{organizer[1]}\nCREATED:{ical(ts)}\nDESCRIPTION:Agenda to follow.\n"
            f"LAST-MODIFIED:{ical(ts)}\n"
            f"LOCATION:https://meet.example/{self._hex(32)[:10]}\nSEQUENCE:0\nSTATUS:CONFIRMED\nSUMMARY:{title}\n"
            "TRANSP:OPAQUE\nEND:VEVENT\nEND:VCALENDAR\n"
        )
        ics = _ics_fold(ics)
        subject = f"Invitation: {title} @ {when[:16]} ({organizer[1]})"
        lines = self._headers(index, ts, organizer, _subject_value(subject), extra=["MIME-Version: 1.0"])
        text = (
            f"You have been invited to the following event.\n\n{title}\nWhen: {when}\n"
            f"Organizer: {organizer[0]} <{organizer[1]}>\n\nInvitation from Google Calendar\n"
        )
        outer, alt = f"mixed_{self._hex(48)}", f"alt_{self._hex(48)}"
        lines.append(f'Content-Type: multipart/mixed; boundary="{outer}"')
        payload = (
            f'--{outer}\nContent-Type: multipart/alternative; boundary="{alt}"\n\n'
            f'--{alt}\nContent-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: 7bit\n\n{text}\n'
            f'--{alt}\nContent-Type: text/html; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
            f"{_qp('<div>' + text.replace(chr(10), '<br>') + '</div>')}\n"
            f'--{alt}\nContent-Type: text/calendar; charset="UTF-8"; method=REQUEST\n'
            f"Content-Transfer-Encoding: 7bit\n\n{ics}\n--{alt}--\n\n"
            f'--{outer}\nContent-Type: application/ics; name="invite.ics"\n'
            f'Content-Disposition: attachment; filename="invite.ics"\nContent-Transfer-Encoding: base64\n\n'
            f"{_b64_lines(ics.replace(chr(10), chr(13) + chr(10)).encode())}\n--{outer}--\n"
        )
        return "calendar", ts, self._finish(lines, payload)

    def odd(self, index: int) -> tuple[str, int, bytes]:
        rng = self.rng
        what = rng.choice(_ODD_KINDS)
        sender = self._person()
        ts = self._timestamp()
        subject = self._subject()
        body = self._body_text("Hi Dana,", rng.randint(1, 4), sender[0].split()[0])
        latin = "Voilà le résumé de la réunion ; à bientôt, Hélène.\n"
        extra = ["MIME-Version: 1.0"]
        msgid: str | None = ""
        payload: str | bytes
        if what == "unknown-charset":
            lines = self._headers(index, ts, sender, subject, extra=extra)
            lines += ['Content-Type: text/plain; charset="x-unknown"', "Content-Transfer-Encoding: 8bit"]
            payload = body.encode() + latin.encode("latin-1")
        elif what == "mislabelled-utf8":
            lines = self._headers(index, ts, sender, subject, extra=extra)
            lines += ['Content-Type: text/plain; charset="utf8"', "Content-Transfer-Encoding: 8bit"]
            payload = (latin + body).encode("latin-1", "replace")
        elif what in ("missing-closing-boundary", "no-boundary-param"):
            boundary = f"b_{self._hex(48)}"
            lines = self._headers(index, ts, sender, subject, extra=extra)
            if what == "no-boundary-param":
                lines.append("Content-Type: multipart/mixed")
            else:
                lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
            payload = (
                f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n--{boundary}\n"
                f'Content-Type: application/pdf; name="scan.pdf"\nContent-Transfer-Encoding: base64\n\n'
                f"{_b64_lines(rng.randbytes(rng.randint(1000, 8000)))}\n"
            )
            if what == "no-boundary-param":
                payload += f"--{boundary}--\n"
        elif what == "missing-message-id":
            msgid = None
            lines = self._headers(index, ts, sender, subject, msgid=msgid, extra=extra)
            lines.append("Content-Type: text/plain; charset=us-ascii")
            payload = body
        elif what == "raw-8bit-headers":
            name = rng.choice(("José Núñez", "Zoë Åberg", "Jürgen Müller", "Łukasz Żak", "Søren Løvås"))
            sender = (name, sender[1])
            body = self._body_text("Hi Dana,", rng.randint(1, 4), name.split()[0])
            lines = self._headers(index, ts, sender, f"Re: café près de la gare — {subject}", extra=extra)
            lines = [f"From: {name} <{sender[1]}>" if h.startswith("From:") else h for h in lines]
            lines.append("Content-Type: text/plain; charset=utf-8")
            lines.append("Content-Transfer-Encoding: 8bit")
            payload = "Salut Dana — on se voit à 15h ?\n\n" + body
        elif what == "huge-references":
            refs = "\n ".join(f"<{self._hex(64)}.{k}@mail.gmail.example>" for k in range(rng.randint(300, 500)))
            extra += [f"In-Reply-To: <{self._hex(64)}.last@mail.gmail.example>", f"References: {refs}"]
            lines = self._headers(index, ts, sender, "Re: " * rng.randint(5, 30) + subject, extra=extra)
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = body
        elif what == "many-received":
            lines = self._headers(index, ts, sender, subject, extra=extra)
            hops = self._trace(ts, sender[1].rpartition("@")[2], hops=rng.randint(60, 150))
            lines = hops[:-2] + lines
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = body
        elif what == "long-subject":
            words = " ".join(rng.choice(_TOPICS) for _ in range(rng.randint(60, 200)))
            lines = self._headers(index, ts, sender, f"{subject}: {words}", extra=extra)
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = body
        elif what == "empty-body":
            lines = self._headers(index, ts, sender, subject, extra=extra)
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = ""
        elif what == "bad-base64":
            boundary = f"b64_{self._hex(48)}"
            lines = self._headers(index, ts, sender, subject, extra=extra)
            lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
            good = _b64_lines(body.encode())
            junk = _b64_lines(rng.randbytes(rng.randint(500, 5000)))
            junk = junk[: len(junk) // 2] + "!!**~~ not base64 ~~**!!\n" + junk[len(junk) // 2 :] + "="
            payload = (
                f"--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                f'{good[:-3]}\n--{boundary}\nContent-Type: image/png; name="chart.png"\n'
                f'Content-Disposition: attachment; filename="chart.png"\nContent-Transfer-Encoding: base64\n\n'
                f"{junk}\n--{boundary}--\n"
            )
        elif what == "nested-related":
            mixed, alt, rel = (f"{p}_{self._hex(48)}" for p in ("mixed", "alt", "rel"))
            png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(300, 3000))
            lines = self._headers(index, ts, sender, subject, extra=extra)
            lines.append(f'Content-Type: multipart/mixed; boundary="{mixed}"')
            html = "<html><body>" + "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
            html += '<img src="cid:logo@acme" alt="logo"></body></html>'
            payload = (
                f'--{mixed}\nContent-Type: multipart/alternative; boundary="{alt}"\n\n'
                f"--{alt}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
                f'--{alt}\nContent-Type: multipart/related; boundary="{rel}"; type="text/html"\n\n'
                f"--{rel}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                f"{_qp(html)}\n--{rel}\nContent-Type: image/png\nContent-ID: <logo@acme>\n"
                f'Content-Disposition: inline; filename="logo.png"\nContent-Transfer-Encoding: base64\n\n'
                f"{_b64_lines(png)}\n--{rel}--\n\n"
                f'--{alt}--\n\n--{mixed}\nContent-Type: text/csv; name="numbers.csv"\n'
                f'Content-Disposition: attachment; filename="numbers.csv"\n\nregion,q3,q4\nNA,1.2,1.4\nEU,0.8,0.9\n'
                f"\n--{mixed}--\n"
            )
        elif what == "bad-encoded-word":
            bad = "=?x-mac-klingon?B?" + base64.b64encode(b"\xc0\xff" + subject.encode()).decode() + "?="
            lines = self._headers(index, ts, sender, bad + " =?utf-8?q?broken_=ZZ_word?=", extra=extra)
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = body
        else:  # garbage-date
            lines = self._headers(index, ts, sender, subject, extra=extra)
            junk_date = rng.choice(("yesterday", "Mon, 32 Foo 2024 25:61:00 +9999", "0", "2024-13-45T99:99:99"))
            lines = [f"Date: {junk_date}" if h.startswith("Date:") else h for h in lines]
            lines.append("Content-Type: text/plain; charset=utf-8")
            payload = body
        return f"odd:{what}", ts, self._finish(lines, payload)


def generate_samples(n: int, seed: int = 1) -> Iterator[Sample]:
    """``n`` generated messages with their intended kind and Date instant."""
    gen = _Generator(seed)
    makers = (gen.personal, gen.newsletter, gen.notification, gen.invoice, gen.calendar, gen.reply, gen.odd)
    choose = gen.rng.choices
    for index in range(n):
        maker = choose(makers, cum_weights=_CUM_WEIGHTS)[0]
        yield Sample(*maker(index))


def generate_labelled(n: int, seed: int = 1) -> Iterator[tuple[str, bytes]]:
    """``(kind, raw)`` pairs; ``kind`` is one of ``KINDS`` or ``"odd:<what>"``."""
    for sample in generate_samples(n, seed):
        yield sample.kind, sample.raw


def generate(n: int, seed: int = 1) -> Iterator[bytes]:
    """``n`` raw RFC 5322 messages (CRLF line endings); the same seed gives the same bytes."""
    for sample in generate_samples(n, seed):
        yield sample.raw


def write_maildir(path: str | os.PathLike[str], n: int, seed: int = 1) -> None:
    """Deliver ``n`` generated messages into ``path/new/`` (creating cur/, new/, tmp/).

    Each file is written in tmp/ and renamed into new/, as a Maildir delivery
    does; names are ``<date>.M<index>P<seed>Q<index>.corpus``, unique for a
    seed, and the file's mtime is the message's Date.
    """
    root = Path(path)
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for index, sample in enumerate(generate_samples(n, seed)):
        name = f"{sample.timestamp}.M{index:06d}P{seed}Q{index}.corpus"
        tmp = root / "tmp" / name
        with open(tmp, "wb") as fh:
            fh.write(sample.raw)
        os.utime(tmp, (sample.timestamp, sample.timestamp))
        os.replace(tmp, root / "new" / name)


_FROM_LINE = re.compile(rb"^(>*From )", re.M)


def write_mbox(path: str | os.PathLike[str], n: int, seed: int = 1) -> None:
    """Write ``n`` generated messages to an mboxrd file (LF line endings, ``>From`` quoting)."""
    with open(path, "wb") as fh:
        for sample in generate_samples(n, seed):
            stamp = datetime.fromtimestamp(sample.timestamp, UTC).strftime("%a %b %d %H:%M:%S %Y")
            fh.write(b"From MAILER-DAEMON " + stamp.encode() + b"\n")
            body = _FROM_LINE.sub(rb">\1", sample.raw.replace(b"\r\n", b"\n"))
            fh.write(body if body.endswith(b"\n") else body + b"\n")
            fh.write(b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a deterministic corpus of realistic mail.")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--maildir", metavar="DIR", help="deliver into DIR/new (Maildir)")
    target.add_argument("--mbox", metavar="FILE", help="write an mboxrd file")
    parser.add_argument("--count", type=int, default=1000, metavar="N", help="number of messages (default 1000)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    if args.maildir:
        write_maildir(args.maildir, args.count, args.seed)
        print(f"wrote {args.count} messages to {args.maildir}/new", file=sys.stderr)
    else:
        write_mbox(args.mbox, args.count, args.seed)
        print(f"wrote {args.count} messages to {args.mbox}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
