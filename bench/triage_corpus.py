"""The labelled evaluation corpus for the built-in triage: ``bench/triage/*.eml`` and ``labels.json``.

Deterministic: the same code always writes the same bytes (one seeded
``random.Random``, fixed dates), so the checked-in files can be compared with
a fresh run (``--check``; ``tests/test_triage.py`` does it too). Every message
has an entry in ``labels.json``: ``category``, ``known`` (whether its sender is
a past correspondent of the client, which ``bench/triage_eval.py`` turns into
the ``known_sender`` history), ``source`` (template or RFC section), ``split``
and, where the label needs a reason, ``note``.

The splits (856 messages):

* ``dev`` (584): synthetic mail for executives (Dana Whitfield at
  acme.example and three others) from templates with many phrasings, senders
  and business settings: plain text, HTML-only, multipart/alternative,
  attachments, quoted-printable and base64, replies with quoted text (Gmail,
  Outlook, Apple Mail, German Outlook), inline forwards, signatures; tricky
  negatives (a personal mail about an invoice, a newsletter about scheduling,
  a receipt from a person, a colleague's "can we meet Tuesday" against a
  stranger's "15 minutes to demo", a shipping notice with an order total, a
  read receipt about an invoice, a list post asking to meet); and public
  examples written out from the RFCs: RFC 5322 Appendix A (A.1.1 to A.6.3),
  the RFC 3464 section 10 DSNs, the RFC 6047 iMIP examples (with a reply and a
  cancel in the same style), an RFC 2369 list message, an RFC 3834
  auto-reply and the RFC 8098 MDN. The classifier was written first and then
  adjusted on this split, so its numbers here are optimistic.
* ``holdout-1`` (101), ``holdout-2`` (94), ``holdout-3`` (77): one message a
  line (``HOLDOUT``, ``HOLDOUT2``, ``HOLDOUT3``), each written after the
  classifier's previous adjustment and measured once before any further one.
  ``holdout-3`` was never adjusted on (two small fixes followed its first
  measurement: see the triage report), so it is the estimate to quote.

Labels follow the categories as ``mailflow/triage.py`` documents them (e.g.
any iMIP message is an ``invite``; mail with list headers is a
``newsletter`` even when it is a pitch). The texts are not the classifier's
unit tests (``tests/test_triage.py``).

    python bench/triage_corpus.py            # (re)write bench/triage/
    python bench/triage_corpus.py --check    # exit 1 if bench/triage/ differs from a fresh run
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import json
import quopri
import random
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "triage"
SEED = 20261201
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

# -- people and places ----------------------------------------------------------------

CLIENTS = [
    ("Dana Whitfield", "dana@acme.example", "Acme"),
    ("Morgan Reyes", "morgan@reyes-holdings.example", "Reyes Holdings"),
    ("Ari Cohen", "ari@tidewater.example", "Tidewater"),
    ("Lee Okafor", "lee@okafor-design.example", "Okafor Design"),
]
FIRST = [
    "Sam",
    "Priya",
    "Tom",
    "Hannah",
    "Luis",
    "Mei",
    "Jonas",
    "Grace",
    "Omar",
    "Elena",
    "Victor",
    "Chloe",
    "Raj",
    "Ingrid",
    "Kenji",
    "Sofia",
    "Marcus",
    "Aisha",
    "Daniel",
    "Fatima",
    "Noah",
    "Zoe",
    "Ravi",
    "Clara",
    "Ben",
    "Yuki",
    "Diego",
    "Nadia",
    "Felix",
    "Olga",
    "Arjun",
    "Maeve",
    "Theo",
    "Leila",
    "Hugo",
    "Anika",
]
LAST = [
    "Park",
    "Patel",
    "Becker",
    "Nguyen",
    "Ortega",
    "Chen",
    "Lindqvist",
    "Holt",
    "Haddad",
    "Rossi",
    "Marsh",
    "Dubois",
    "Shah",
    "Berg",
    "Tanaka",
    "Alvarez",
    "Wright",
    "Okoye",
    "Levin",
    "Kowalski",
    "Moreau",
    "Sato",
    "Brennan",
    "Silva",
    "Fischer",
    "Novak",
    "Hughes",
    "Osei",
    "Ramos",
    "Klein",
    "Walsh",
    "Iyer",
]
ACCENTED = [("José", "Núñez"), ("Zoë", "Åberg"), ("Jürgen", "Müller"), ("Anaïs", "Lefèvre"), ("Søren", "Dahl")]
PARTNER_DOMAINS = [
    "northwind.example",
    "globex.example",
    "initech.example",
    "fabrikam.example",
    "contoso.example",
    "harborvc.example",
    "lawfirm.example",
    "brightline.example",
    "summitlegal.example",
    "oceanic.example",
    "vandelay.example",
]
FREEMAIL = ["gmail.com", "outlook.com", "icloud.com", "proton.me", "yahoo.com", "fastmail.com"]
VENDOR_DOMAINS = [
    "pipelinepro.example",
    "growthstack.example",
    "leadforge.example",
    "outboundly.example",
    "scalewise.example",
    "closerhq.example",
    "revops-io.example",
    "dataharbor.example",
    "brandlift.example",
    "devshore.example",
    "talentbridge.example",
    "metricmind.example",
]
TOPICS = [
    "the Q1 budget",
    "the board deck",
    "the Globex renewal",
    "the office move",
    "the hiring plan",
    "the pricing review",
    "the audit timeline",
    "the Denver offsite",
    "the vendor contract",
    "the investor update",
    "the product roadmap",
    "the security review",
    "the podcast interview",
    "the customer escalation",
    "the partnership term sheet",
    "the annual kickoff",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TIMES = ["9am", "10:30", "11am", "noon", "1pm", "2:30pm", "3pm", "4pm", "4:15pm", "8:45am"]
MONTHS = [
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
]
SIGNOFFS = ["Best,", "Thanks,", "Cheers,", "Regards,", "Thanks!", "Best regards,", "Warmly,", "All the best,"]
SELLER_TITLES = ["Account Executive", "Head of Growth", "Founder & CEO", "Partnerships"]
PLANS = ["Pro plan (monthly)", "Team seats x 5", "Annual subscription", "Storage add-on"]
PRODIDS = [
    "-//Google Inc//Google Calendar 70.9054//EN",
    "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "-//Apple Inc.//macOS 14.5//EN",
]
MOBILE = ["Sent from my iPhone", "Sent from Outlook for Android", "Sent from my iPad", "Get Outlook for iOS"]


@dataclass
class Person:
    name: str
    email: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass
class Item:
    """One corpus message: its bytes and its label."""

    stem: str
    raw: bytes
    category: str
    known: bool
    source: str
    note: str = ""


@dataclass
class Part:
    headers: list[str]
    body: str


@dataclass
class Ctx:
    rng: random.Random
    when: datetime = START
    counter: int = 0
    used_people: set[str] = field(default_factory=set)

    def pick(self, seq: list[str] | tuple[str, ...]) -> str:
        return self.rng.choice(list(seq))

    def tick(self) -> datetime:
        self.when += timedelta(minutes=self.rng.randint(7, 400))
        return self.when

    def person(self, domain: str | None = None, accented: bool = False) -> Person:
        rng = self.rng
        for _ in range(200):
            if accented or rng.random() < 0.06:
                first, last = rng.choice(ACCENTED)
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
            dom = domain or rng.choice(PARTNER_DOMAINS + FREEMAIL[:2])
            ascii_first = first.encode("ascii", "ignore").decode().lower() or "x"
            ascii_last = last.encode("ascii", "ignore").decode().lower() or "y"
            style = rng.randrange(3)
            local = (f"{ascii_first}.{ascii_last}", f"{ascii_first[0]}{ascii_last}", ascii_first)[style]
            email = f"{local}@{dom}"
            if email not in self.used_people:
                self.used_people.add(email)
                return Person(f"{first} {last}", email)
        raise RuntimeError("ran out of people")

    def client(self) -> Person:
        name, email, _ = CLIENTS[0] if self.rng.random() < 0.7 else self.rng.choice(CLIENTS[1:])
        return Person(name, email)


def company_of(client: Person) -> str:
    for _name, email, company in CLIENTS:
        if email == client.email:
            return company
    return "your company"


# -- MIME writing ------------------------------------------------------------------------


def enc_words(text: str) -> str:
    if text.isascii():
        return text
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def addr(p: Person) -> str:
    name = p.name
    if not name:
        return p.email
    if name.isascii() and any(c in name for c in ',.;:()"'):
        name = '"' + name.replace('"', "") + '"'
    return f"{enc_words(name)} <{p.email}>"


def text_part(text: str, subtype: str = "plain", cte: str = "7bit", charset: str = "utf-8") -> Part:
    if cte == "7bit" and not text.isascii():
        cte = "quoted-printable"
    if cte == "quoted-printable":
        body = quopri.encodestring(text.encode(charset)).decode("ascii")
    elif cte == "base64":
        body = base64.encodebytes(text.encode(charset)).decode("ascii")
    else:
        body = text
    return Part([f'Content-Type: text/{subtype}; charset="{charset}"', f"Content-Transfer-Encoding: {cte}"], body)


def file_part(name: str, ctype: str, data: bytes, inline: bool = False) -> Part:
    disposition = "inline" if inline else "attachment"
    return Part(
        [
            f'Content-Type: {ctype}; name="{name}"',
            f'Content-Disposition: {disposition}; filename="{name}"',
            "Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(data).decode("ascii"),
    )


def multipart(subtype: str, parts: list[Part], boundary: str, params: str = "", preamble: str = "") -> Part:
    lines = [preamble] if preamble else []
    for part in parts:
        lines.append(f"--{boundary}")
        lines.extend(part.headers)
        lines.append("")
        lines.append(part.body.rstrip("\n"))
    lines.append(f"--{boundary}--")
    return Part([f'Content-Type: multipart/{subtype}; boundary="{boundary}"{params}'], "\n".join(lines) + "\n")


def html_of(text: str, style: str = "gmail") -> str:
    paras = [p.replace("\n", "<br>") for p in text.strip().split("\n\n")]
    if style == "outlook":
        inner = "".join(f'<p class="MsoNormal">{p}<o:p></o:p></p>' for p in paras)
        return (
            '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:Calibri}'
            f'</style></head><body lang="EN-US"><div class="WordSection1">{inner}</div></body></html>'
        )
    if style == "apple":
        inner = "".join(f"<div>{p}</div><div><br></div>" for p in paras)
        return (
            '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body '
            f'dir="auto">{inner}</body></html>'
        )
    inner = "".join(f"<div>{p}</div><div><br></div>" for p in paras)
    return f'<div dir="ltr">{inner}</div>'


def render(headers: list[str], part: Part) -> bytes:
    lines = [*headers, "MIME-Version: 1.0", *part.headers, "", part.body]
    text = "\n".join(lines)
    if not text.endswith("\n"):
        text += "\n"
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def render_raw(text: str) -> bytes:
    """A message written out as is (the RFC examples), with CRLF line ends."""
    return text.lstrip("\n").replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def pdf_bytes(lines: list[str]) -> bytes:
    stream = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
        + f"4 0 obj << /Length {len(stream)} >> stream\n{stream}\nendstream endobj\n".encode("latin-1", "replace")
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


class Builder:
    """Headers of one message, in the usual order."""

    def __init__(self, ctx: Ctx, sender: Person, to: Person | list[Person], subject: str) -> None:
        self.ctx = ctx
        self.sender = sender
        self.to = to if isinstance(to, list) else [to]
        self.subject = subject
        self.extra: list[str] = []
        self.cc: list[Person] = []
        self.when = ctx.tick()
        ctx.counter += 1
        self.msgid = f"<{ctx.rng.getrandbits(64):016x}.{ctx.counter}@{sender.domain}>"
        self.return_path: str | None = sender.email

    def headers(self) -> list[str]:
        rng = self.ctx.rng
        hop = f"mail-{rng.randrange(10, 99)}.{self.sender.domain}"
        lines = []
        if self.return_path is not None:
            lines.append(f"Return-Path: <{self.return_path}>")
        lines.append(
            f"Received: from {hop} ({hop} [203.0.113.{rng.randrange(1, 254)}])\n\tby mx.{self.to[0].domain} with ESMTPS"
            f" id {rng.getrandbits(40):010x}\n\tfor <{self.to[0].email}>; "
            f"{format_datetime(self.when + timedelta(seconds=5))}"
        )
        lines.append(f"Date: {format_datetime(self.when)}")
        lines.append(f"From: {addr(self.sender)}")
        lines.append("To: " + ", ".join(addr(p) for p in self.to))
        if self.cc:
            lines.append("Cc: " + ", ".join(addr(p) for p in self.cc))
        lines.append(f"Subject: {enc_words(self.subject)}")
        lines.append(f"Message-ID: {self.msgid}")
        lines.extend(self.extra)
        return lines


def sign(ctx: Ctx, p: Person, title: str | None = None, company: str | None = None) -> str:
    rng = ctx.rng
    style = rng.randrange(6)
    name = p.first if style < 2 else p.name
    off = ctx.pick(SIGNOFFS)
    if style == 0:
        return f"{off}\n{name}"
    if style == 1:
        return f"{off}\n{name}\n\n{ctx.pick(MOBILE)}"
    tail = "\n".join(x for x in (title, company) if x)
    if style == 2:
        phone = f"+1 (555) 01{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"
        return f"{off}\n{name}\n-- \n{p.name}\n{tail}\n{phone}".rstrip()
    if style == 3:
        return f"{off}\n\n{name}\n{tail}".rstrip()
    if style == 4:
        return f"{name}"
    return f"{off}\n{name}\n{tail}\n{p.domain}".rstrip()


def gmail_quote(ctx: Ctx, who: Person, when: datetime, text: str) -> str:
    stamp = when.strftime("%a, %b %-d, %Y at %-I:%M %p")
    quoted = "\n".join(("> " + line) if line else ">" for line in text.strip().splitlines())
    return f"On {stamp} {who.name} <{who.email}> wrote:\n{quoted}\n"


def outlook_quote(ctx: Ctx, who: Person, to: Person, when: datetime, subject: str, text: str) -> str:
    stamp = when.strftime("%A, %B %-d, %Y %-I:%M %p")
    return (
        f"________________________________\nFrom: {who.name} <{who.email}>\nSent: {stamp}\nTo: {to.name} <{to.email}>\n"
        f"Subject: {subject}\n\n{text.strip()}\n"
    )


def apple_quote(ctx: Ctx, who: Person, when: datetime, text: str) -> str:
    stamp = when.strftime("%b %-d, %Y, at %-I:%M %p")
    quoted = "\n".join(("> " + line) if line else ">" for line in text.strip().splitlines())
    return f"On {stamp}, {who.name} <{who.email}> wrote:\n\n{quoted}\n"


def german_outlook_quote(ctx: Ctx, who: Person, to: Person, when: datetime, subject: str, text: str) -> str:
    return (
        f"-----Ursprüngliche Nachricht-----\nVon: {who.name} <{who.email}>\nGesendet: "
        f"{when.strftime('%d.%m.%Y %H:%M')}\n"
        f"An: {to.name} <{to.email}>\nBetreff: {subject}\n\n{text.strip()}\n"
    )


def quote_any(ctx: Ctx, who: Person, to: Person, subject: str, text: str) -> str:
    when = ctx.when - timedelta(hours=ctx.rng.randint(2, 60))
    style = ctx.rng.randrange(3)
    if style == 0:
        return gmail_quote(ctx, who, when, text)
    if style == 1:
        return outlook_quote(ctx, who, to, when, subject, text)
    return apple_quote(ctx, who, when, text)


def forward_block(ctx: Ctx, who: Person, to: Person, subject: str, text: str) -> str:
    when = ctx.when - timedelta(hours=ctx.rng.randint(1, 90))
    style = ctx.rng.randrange(3)
    if style == 0:
        return (
            f"---------- Forwarded message ---------\nFrom: {who.name} <{who.email}>\n"
            f"Date: {when.strftime('%a, %b %-d, %Y at %-I:%M %p')}\nSubject: {subject}\nTo: "
            f"<{to.email}>\n\n{text.strip()}\n"
        )
    if style == 1:
        return (
            f"Begin forwarded message:\n\nFrom: {who.name} <{who.email}>\nSubject: {subject}\n"
            f"Date: {when.strftime('%B %-d, %Y at %-I:%M:%S %p')} EST\nTo: {to.name} <{to.email}>\n\n{text.strip()}\n"
        )
    return outlook_quote(ctx, who, to, when, subject, text)


def body_structure(ctx: Ctx, text: str, html_style: str | None = None, cte: str | None = None) -> Part:
    """A person's mail body: plain, or plain + HTML alternative, or HTML only."""
    rng = ctx.rng
    style = html_style or rng.choice(["gmail", "outlook", "apple"])
    roll = rng.random()
    if cte is None:
        cte = "quoted-printable" if rng.random() < 0.4 else "7bit"
    if roll < 0.40:
        return text_part(text, cte=cte)
    boundary = f"{rng.getrandbits(64):016x}{rng.getrandbits(32):08x}"
    if roll < 0.88:
        return multipart(
            "alternative",
            [text_part(text, cte=cte), text_part(html_of(text, style), "html", "quoted-printable")],
            f"000000000000{boundary}",
        )
    return text_part(html_of(text, style), "html", rng.choice(["quoted-printable", "base64"]))


# -- category generators -------------------------------------------------------------------
#
# Each returns a list of Items; a template is a function of (ctx, index) returning one Item.


def _item(ctx: Ctx, b: Builder, part: Part, category: str, known: bool, source: str, note: str = "") -> Item:
    return Item("", render(b.headers(), part), category, known, source, note)


# ---- personal ----


def personal_update(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    colleague = ctx.rng.random() < 0.5
    sender = ctx.person(client.domain if colleague else None)
    topic = ctx.pick(TOPICS)
    openers = [
        f"Quick update on {topic}: legal signed off this morning, so we're clear to send it out.",
        (
            f"I went through {topic} again last night. Two numbers in the appendix don't "
            "match the summary; I've flagged them in the doc."
        ),
        f"Heads up that {topic} slipped a little. Finance wants one more pass before anything goes external.",
        f"Thanks for the comments on {topic}. I folded most of them in; the ones I left out are listed at the bottom.",
        f"The draft of {topic} is in the shared folder now. It's rough in places but the structure is there.",
        f"Good news on {topic} - the other side accepted our redlines with one small change to clause 7.",
        f"Can you approve the PO for {topic}? It's sitting in your queue and procurement keeps pinging me.",
        f"Do you still have the signed copy of {topic}? I can only find the unsigned PDF.",
        f"Where did we land on {topic}? I want to make sure I'm telling the team the right thing.",
        f"Sharing the final version of {topic}. Nothing changed since yesterday except the cover page.",
    ]
    middles = [
        "No action needed from you unless you spot something off.",
        "If it helps, I can walk Sam through the changes so he can prep the summary for you.",
        "I'd rather we not circulate it until the numbers are final.",
        "Let me know if you'd like anything reworded before it goes out.",
        "The team has been great about turning comments around quickly.",
        "I've copied Sam so he has the latest version for your files.",
        "",
    ]
    subject = ctx.pick(
        [
            topic[4:].capitalize() if topic.startswith("the ") else topic,
            f"Re: {topic}",
            f"Update: {topic}",
            f"{topic} - quick note",
        ]
    )
    greeting = ctx.pick(["Hi " + client.first + ",", client.first + ",", "Hello " + client.first + ","])
    text = f"{greeting}\n\n{openers[i % len(openers)]}"
    middle = ctx.pick(middles)
    if middle:
        text += f"\n\n{middle}"
    text += "\n\n" + sign(
        ctx, sender, ctx.pick(["Director of Finance", "Ops Lead", "Chief of Staff", "Partner", None]), None
    )
    b = Builder(ctx, sender, client, subject)
    if ctx.rng.random() < 0.25:
        b.cc = [Person("Sam Rivera", "sam@rivera-va.example")]
    return _item(ctx, b, body_structure(ctx, text), "personal", True, "synthetic:personal-update")


def personal_family(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(ctx.pick(FREEMAIL))
    notes = [
        (
            "photos from the lake",
            (
                "Here are the photos from the lake - the one of the dog jumping off the "
                "dock is my favorite. Mom wants prints."
            ),
        ),
        (
            "happy birthday!!",
            (
                "Happy birthday! Hope the team at least got you a cake. Call Mom when you "
                "get a chance, she's been trying you."
            ),
        ),
        ("recipe", "Here's the lentil soup recipe you asked for. The trick is the lemon at the end, don't skip it."),
        (
            "the kids' recital",
            "The recital was lovely, Maya didn't miss a note. I recorded most of it, will send the video tonight.",
        ),
        (
            "book recommendation",
            "Finished the book you lent me - loved it. The ending made me cry on the train, which was embarrassing.",
        ),
        (
            "moving boxes",
            "We finally got the last boxes into the new place. The kitchen is still chaos but the view is worth it.",
        ),
        (
            "thank you",
            "Thank you so much for the flowers, they arrived this morning and they're gorgeous. You didn't have to!",
        ),
        (
            "demo day!",
            (
                "Demo day at the school was a blast - Leo's volcano actually erupted this "
                "time. He says thanks for the baking soda tips."
            ),
        ),
        (
            "school fundraiser",
            (
                "The school fundraiser raised more than last year, mostly thanks to the "
                "bake sale. Sending a huge thank you from the PTA."
            ),
        ),
        (
            "old photos",
            (
                "Dad found a box of old photos in the attic. There's one of you at six "
                "in a cowboy hat that needs to be framed."
            ),
        ),
    ]
    subject, line = notes[i % len(notes)]
    greeting = ctx.pick(["Hi!", "Hey you,", client.first + "!", "Hi " + client.first])
    text = f"{greeting}\n\n{line}\n\n{ctx.pick(['Love,', 'xx', 'Hugs,', ''])}\n{sender.first}"
    b = Builder(ctx, sender, client, subject)
    attach = ctx.rng.random() < 0.3
    part = body_structure(ctx, text, "apple")
    if attach:
        part = multipart(
            "mixed",
            [part, file_part("IMG_4471.jpg", "image/jpeg", ctx.rng.randbytes(900))],
            f"Apple-Mail-{ctx.rng.getrandbits(48):012X}",
        )
    return _item(ctx, b, part, "personal", True, "synthetic:personal-family")


def personal_reply_with_quoted_request(ctx: Ctx, i: int) -> Item:
    """A reply whose own words decide nothing; the quoted original asks to meet or pitches."""
    client = ctx.client()
    other = ctx.person()
    originals = [
        f"Could we find 30 minutes on {ctx.pick(WEEKDAYS)} to go over {ctx.pick(TOPICS)}?",
        f"Would {ctx.pick(WEEKDAYS)} at {ctx.pick(TIMES)} work for a call about {ctx.pick(TOPICS)}?",
        "Our platform helps companies like yours cut review time in half. Worth a quick chat next week?",
        f"Are you free {ctx.pick(WEEKDAYS)} morning for a coffee?",
    ]
    answers = [
        "Thanks - looping in Sam, who keeps my calendar.",
        "Got it, thank you. I'll get back to you once I've read the attachment.",
        "Appreciate you following through on this.",
        "Thanks! Sam from my office will be in touch.",
        "Received, thank you.",
    ]
    orig = originals[i % len(originals)]
    subj = f"Re: {ctx.pick(['Catching up', 'Next steps', 'Follow-up', 'Intro'])}"
    text = f"{ctx.pick(answers)}\n\n{client.first}\n\n" + quote_any(
        ctx, other, client, subj[4:], f"Hi {client.first},\n\n{orig}\n\n{other.first}"
    )
    b = Builder(ctx, client, other, subj)  # the client's own reply, seen in Sent or cc'd to the assistant
    b.to = [other]
    b.cc = [Person("Sam Rivera", "sam@rivera-va.example")]
    return _item(
        ctx,
        b,
        body_structure(ctx, text, cte="quoted-printable"),
        "personal",
        True,
        "synthetic:personal-reply-quoting",
        "only the quoted text asks to meet or pitches",
    )


def personal_tricky(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(client.domain if ctx.rng.random() < 0.5 else None)
    day = ctx.pick(WEEKDAYS)
    cases = [
        (
            "invoice question",
            (
                "Finance asked whether the invoice from Brightline was ever paid. I told "
                "them I'd check with you - do you remember approving it?"
            ),
        ),
        (
            "re: invoices",
            "I'll send the invoice for the workshop once the final headcount is in. Probably end of the month.",
        ),
        (
            "meeting notes",
            f"Meeting notes from {day} attached. The two decisions are at the top; everything else is background.",
        ),
        (
            "great to see you",
            f"It was great to see you at the dinner on {day}. I met him yesterday too - he's as sharp as you said.",
        ),
        (
            "thanks for meeting",
            f"Thanks for meeting with the team on {day}. They came away energized and with a clear list of next steps.",
        ),
        (
            "the Monday deck",
            f"The {day} deck is final. I added the churn slide you wanted and cut the appendix down to four pages.",
        ),
        (
            "dinner",
            (
                "Dinner came to $212 total with the tip. I put it on the corporate card; "
                "the receipt is in the expense folder."
            ),
        ),
        ("our call", f"Our call on {day} was useful. I'll write up what we agreed and send it round tomorrow."),
        (
            "calendar",
            "I noticed the board calendar for next year is out. The Q2 meeting clashes with spring break, FYI.",
        ),
        (
            "the schedule",
            (
                f"The conference schedule is out: your panel is on {day} at 2pm in the main "
                "hall. Nothing for you to do yet."
            ),
        ),
        (
            "demo feedback",
            "The demo for the customer went fine. They asked about pricing for the add-on; I said you'd follow up.",
        ),
        (
            "receipts",
            "Found the receipts from the Denver trip - scanning them now and will drop them in the expense folder.",
        ),
    ]
    subject, line = cases[i % len(cases)]
    text = f"Hi {client.first},\n\n{line}\n\n" + sign(ctx, sender)
    b = Builder(ctx, sender, client, subject)
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "personal",
        True,
        "synthetic:personal-tricky",
        "mentions an invoice, a day, a meeting or a total without being one",
    )


def personal_stranger(ctx: Ctx, i: int) -> Item:
    """A first-time sender who is neither selling nor asking to meet."""
    client = ctx.client()
    sender = ctx.person(ctx.pick([*FREEMAIL, "university.example", "citynews.example", "neighbors.example"]))
    lines = [
        (
            "I'm a second-year MBA student and I read your interview in the Journal. "
            "The part about hiring for curiosity stuck with me - thank you for saying "
            "it so plainly."
        ),
        (
            "I'm fact-checking a piece on regional logistics for the Courier. Could "
            "you confirm that your company moved its headquarters in 2019? A yes or "
            "no is plenty."
        ),
        (
            "I live two doors down and a parcel addressed to you was left on our porch. "
            "I've put it inside; come by whenever."
        ),
        (
            "Your talk at the founders' forum was the best of the day. I've shared "
            "the slides with my team and we're trying the weekly review idea."
        ),
        "I think you dropped a scarf at the gala on Saturday - grey, with a green stripe. The front desk has it.",
        (
            "I found your old article on negotiating leases and it saved me a lot of "
            "grief this month. Just wanted to say thanks."
        ),
        (
            "We were in the same cohort at the leadership program years ago. I've just "
            "moved to Chicago and saw your name in the news - congratulations on the "
            "new role."
        ),
        (
            "The alumni office asked me to collect a short quote from former scholarship "
            "recipients for the annual report. Two sentences would be wonderful, no "
            "pressure."
        ),
    ]
    off = ctx.pick(["Kind regards,", "Best wishes,", "Thank you,"])
    text = f"Dear {client.name.split()[0]},\n\n{lines[i % len(lines)]}\n\n{off}\n{sender.name}"
    b = Builder(
        ctx,
        sender,
        client,
        ctx.pick(["Thank you", "A quick note", "Hello from a reader", "Question", "Your parcel", "Hello"]),
    )
    return _item(ctx, b, body_structure(ctx, text), "personal", False, "synthetic:personal-stranger")


def personal_forwarded_newsletter(ctx: Ctx, i: int) -> Item:
    """A colleague forwards a newsletter or an article; the forwarded text has list-style content."""
    client = ctx.client()
    sender = ctx.person(client.domain)
    notes = [
        "Thought you'd find this interesting.",
        "FYI - see the second item.",
        "This is the piece I mentioned at lunch.",
        "Worth a read when you have a moment.",
    ]
    article = (
        "THE OPERATOR'S WEEKLY\n\nThree ways to protect your calendar next week\n\n1. "
        "Block Tuesday mornings for deep work.\n"
        "2. Ask every meeting request for an agenda.\n3. Book a demo of our scheduling assistant today!\n\n"
        "You are receiving this because you subscribed. Unsubscribe: https://weekly.example/u/8812"
    )
    newsletter = Person("The Operator's Weekly", "hello@weekly.example")
    text = f"{ctx.pick(notes)}\n\n{sender.first}\n\n" + forward_block(
        ctx, newsletter, sender, "Three ways to protect your calendar", article
    )
    b = Builder(ctx, sender, client, "Fwd: Three ways to protect your calendar")
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "personal",
        True,
        "synthetic:personal-forward",
        "a colleague forwarding; the forwarded newsletter asks nothing of the client",
    )


def personal_known_vendor_pitch(ctx: Ctx, i: int) -> Item:
    """A past correspondent (an account manager) with sales language: never cold outreach."""
    client = ctx.client()
    sender = ctx.person(ctx.pick(VENDOR_DOMAINS))
    text = (
        f"Hi {client.first},\n\nGood to hear from your team last quarter. Quick "
        "note that our platform now helps companies like yours "
        "reconcile vendor statements automatically - it's included in your current plan, no change in pricing.\n\n"
        f"The release notes are on our site if you want details.\n\n{sender.first}\nAccount Manager"
    )
    b = Builder(ctx, sender, client, ctx.pick(["New in your plan", "A feature you already have", "Quick product note"]))
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "personal",
        True,
        "synthetic:personal-known-vendor",
        "a past correspondent: never cold_outreach",
    )


def personal_foreign(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(ctx.pick(["gmx.example", "orange.example", "telefonica.example"]), accented=True)
    texts = [
        (
            "Unterlagen",
            (
                f"Hallo {client.first},\n\nanbei die Unterlagen für das Projekt. Die Zahlen "
                f"im Anhang sind noch vorläufig.\n\nViele Grüße\n{sender.first}"
            ),
        ),
        (
            "Compte rendu",
            (
                f"Bonjour {client.first},\n\nvoici le compte rendu de la réunion d'hier. "
                f"Rien d'urgent, juste pour archive.\n\nBien à vous,\n{sender.first}"
            ),
        ),
        (
            "Documentos",
            (
                f"Hola {client.first},\n\nte envío los documentos que me pediste. La versión "
                f"final llegará la semana que viene.\n\nUn saludo,\n{sender.first}"
            ),
        ),
        (
            "Glückwunsch",
            (
                f"Liebe {client.first},\n\nherzlichen Glückwunsch zur neuen Stelle! Ich "
                f"freue mich sehr für dich.\n\nAlles Liebe\n{sender.first}"
            ),
        ),
    ]
    subject, text = texts[i % len(texts)]
    b = Builder(ctx, sender, client, subject)
    return _item(
        ctx, b, body_structure(ctx, text, cte="quoted-printable"), "personal", True, "synthetic:personal-foreign"
    )


# ---- scheduling ----


def sched_colleague(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(client.domain if ctx.rng.random() < 0.6 else None)
    topic = ctx.pick(TOPICS)
    day, time, day2 = ctx.pick(WEEKDAYS), ctx.pick(TIMES), ctx.pick(WEEKDAYS)
    asks = [
        f"Can we meet {day} to go through {topic}? Half an hour should be plenty.",
        f"Could you do {day} at {time} for a quick call on {topic}?",
        f"Do you have time {day} afternoon? I'd like to walk you through {topic} before it goes to the board.",
        f"Are you free on {day} or {day2} for 30 minutes? I want your read on {topic}.",
        f"Would {day} at {time} work to sync on {topic}? Happy to come to your office.",
        f"Let's find a time next week to talk about {topic} - what does your {day} look like?",
        f"I'd like to set up a call with you and legal about {topic}. Is {day} morning possible?",
        f"When would be a good time this week to review {topic}? I can do any afternoon except {day}.",
        f"Can I grab 20 minutes with you tomorrow about {topic}? Any time after {time} works for me.",
        f"Could we schedule a meeting {day} to close out {topic}? I'll send an agenda beforehand.",
        f"Do you want to grab lunch {day} and talk through {topic}?",
        f"How about {day} at {time} for the {topic[4:] if topic.startswith('the ') else topic} review?",
        f"Is there a good time on {day} for a 15-minute check-in on {topic}?",
        f"Any chance you're around {day} for a quick chat about {topic}?",
        f"Could you spare half an hour {day} to look at {topic} together?",
        f"Let me know what your week looks like - I'd love 30 minutes on {topic} before {day}.",
    ]
    subject = ctx.pick(
        [
            f"{day}?",
            f"Time to talk about {topic}",
            "Quick sync",
            f"{topic} - 30 min?",
            "Meeting request",
            f"Re: {topic}",
            "Call this week",
        ]
    )
    text = f"Hi {client.first},\n\n{asks[i % len(asks)]}\n\n" + sign(
        ctx, sender, ctx.pick(["VP Sales", "General Counsel", "Controller", None])
    )
    b = Builder(ctx, sender, client, subject)
    return _item(ctx, b, body_structure(ctx, text), "scheduling", True, "synthetic:scheduling-colleague")


def sched_reschedule(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person()
    day, day2, time = ctx.pick(WEEKDAYS), ctx.pick(WEEKDAYS), ctx.pick(TIMES)
    asks = [
        f"Something came up - can we push our {day} call to {day2}? Same time if that works.",
        f"Would you mind if we moved tomorrow's meeting to {time}? My flight lands later than planned.",
        f"I need to reschedule our {day} catch-up. Could {day2} morning work instead?",
        f"Apologies, I have to postpone our lunch on {day}. Are you free the following week?",
        f"Can we shift the 1:1 from {day} to {day2} at {time}? The board prep ran long.",
        f"Could we bring our {day} meeting forward to {time}? I have to leave early for the airport.",
    ]
    text = f"Hi {client.first},\n\n{asks[i % len(asks)]}\n\nSorry for the shuffle,\n{sender.first}"
    b = Builder(
        ctx, sender, client, ctx.pick(["Reschedule?", f"Our {day} call", "Change of plan", "Moving our meeting"])
    )
    return _item(ctx, b, body_structure(ctx, text), "scheduling", True, "synthetic:scheduling-reschedule")


def sched_reply_times(ctx: Ctx, i: int) -> Item:
    """A reply proposing or confirming times, with the thread quoted below."""
    client = ctx.client()
    sender = ctx.person()
    day, day2, time = ctx.pick(WEEKDAYS), ctx.pick(WEEKDAYS), ctx.pick(TIMES)
    own = [
        f"{day} at {time} works for me. Shall I send the invite?",
        f"I can do {day} afternoon or {day2} before noon - whichever suits you.",
        f"{day2} is better for me. How about {time}?",
        f"Either {day} at {time} or {day2} at 10 would be fine on my side.",
        f"Happy to. Does {day} at {time} work for you?",
    ]
    quoted = (
        f"Hi {sender.first},\n\nGood to meet you at the forum. Would you have time "
        f"for a call next week?\n\n{client.first}"
    )
    subj = "Re: Call next week"
    text = f"Hi {client.first},\n\n{own[i % len(own)]}\n\n{sender.first}\n\n" + quote_any(
        ctx, client, sender, subj[4:], quoted
    )
    b = Builder(ctx, sender, client, subj)
    b.extra = [f"In-Reply-To: <thread.{i}@{client.domain}>", f"References: <thread.{i}@{client.domain}>"]
    return _item(ctx, b, body_structure(ctx, text), "scheduling", True, "synthetic:scheduling-reply")


def sched_stranger(ctx: Ctx, i: int) -> Item:
    """A first-time sender asking to meet, without a sales pitch."""
    client = ctx.client()
    sender = ctx.person(ctx.pick([*FREEMAIL, "university.example", "dailynews.example", "cityhall.example"]))
    day = ctx.pick(WEEKDAYS)
    asks = [
        (
            "I'm writing a profile of women founders in logistics for the Daily News. "
            f"Would you have 20 minutes for a phone interview {day} or early next week?"
        ),
        (
            "I'm a PhD student studying supply chain resilience. Could we meet for "
            "coffee next week? I'd value your perspective for one chapter."
        ),
        (
            "I run the parents' committee at Lincoln Elementary. Could we set up a "
            "short call this week about the career day?"
        ),
        (
            "I'm organizing the regional CFO roundtable in March. Would you be available "
            f"for a 15-minute call on {day} to talk about speaking?"
        ),
        (
            f"My name is {sender.first}; Helen Park suggested I reach out about the "
            f"board seat. Are you free for a coffee {day} morning?"
        ),
        "I'm the new liaison at City Hall for small businesses. Could we find a time next week to walk your site?",
    ]
    text = f"Dear {client.name.split()[0]},\n\n{asks[i % len(asks)]}\n\nThank you for considering it,\n{sender.name}"
    b = Builder(
        ctx,
        sender,
        client,
        ctx.pick(
            ["Interview request", "Coffee?", "Request for a short call", "Introduction via Helen Park", "Quick call?"]
        ),
    )
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "scheduling",
        False,
        "synthetic:scheduling-stranger",
        "a stranger asking to meet without a pitch",
    )


def sched_social(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(ctx.pick(FREEMAIL))
    day = ctx.pick(WEEKDAYS)
    asks = [
        (f"dinner {day}?", f"Are you around for dinner {day}? We're thinking the Thai place at 7."),
        ("coffee soon?", f"It's been ages. Coffee {day} morning? I'm near your office after 9."),
        ("tennis", f"Court's booked for Saturday at 10 - are you in? Let me know by {day}."),
        ("drinks", f"Drinks after work {day}? A few of us from the old team are getting together."),
        ("lunch next week", "Let's do lunch next week! Pick a day and I'll make it work."),
        ("catch up", "Free for a call tonight or tomorrow? I have news and I'd rather tell you than write it."),
    ]
    subject, line = asks[i % len(asks)]
    text = f"{ctx.pick(['Hey!', 'Hi ' + client.first + '!', client.first + ' -'])}\n\n{line}\n\n{sender.first}"
    b = Builder(ctx, sender, client, subject)
    return _item(ctx, b, body_structure(ctx, text, "apple"), "scheduling", True, "synthetic:scheduling-social")


def sched_foreign(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(ctx.pick(["partner.de.example", "conseil.fr.example", "socios.es.example"]), accented=True)
    texts = [
        (
            "Termin nächste Woche",
            (
                f"Hallo {client.first},\n\nkönnten wir uns nächste Woche kurz treffen, um "
                "den Vertrag zu besprechen? Dienstag oder Mittwoch Nachmittag würde mir "
                f"gut passen.\n\nViele Grüße\n{sender.first}"
            ),
        ),
        (
            "Gespräch",
            (
                f"Guten Tag {client.name},\n\nhätten Sie am Donnerstag um 14 Uhr Zeit für "
                f"ein kurzes Telefonat?\n\nMit freundlichen Grüßen\n{sender.name}"
            ),
        ),
        (
            "Rendez-vous",
            (
                f"Bonjour {client.first},\n\nseriez-vous disponible jeudi prochain pour "
                f"un déjeuner ? Nous pourrions parler du partenariat.\n\nCordialement,\n{sender.name}"
            ),
        ),
        (
            "Appel",
            (
                "Bonjour,\n\npourrions-nous caler un appel demain matin, vers 10h ? Je "
                f"voudrais vous présenter le planning.\n\nMerci,\n{sender.first}"
            ),
        ),
        (
            "Reunión",
            (
                f"Hola {client.first},\n\n¿podemos reunirnos el martes por la tarde para "
                f"revisar el presupuesto? Avísame si te viene bien.\n\nSaludos,\n{sender.first}"
            ),
        ),
        (
            "Llamada",
            (
                "Buenos días,\n\n¿tendría unos minutos mañana para una llamada rápida? "
                f"Me gustaría comentarle la propuesta.\n\nUn saludo,\n{sender.name}"
            ),
        ),
    ]
    subject, text = texts[i % len(texts)]
    b = Builder(ctx, sender, client, subject)
    return _item(
        ctx, b, body_structure(ctx, text, cte="quoted-printable"), "scheduling", True, "synthetic:scheduling-foreign"
    )


def sched_delegated(ctx: Ctx, i: int) -> Item:
    """The client asks the assistant to set something up, sometimes forwarding the request."""
    client = ctx.client()
    assistant = Person("Sam Rivera", "sam@rivera-va.example")
    other = ctx.person()
    day = ctx.pick(WEEKDAYS)
    if i % 2 == 0:
        text = (
            f"Sam - can you find an hour with {other.name} next week? Mornings are best; "
            f"avoid {day}.\n\n{client.first}\n\n"
        ) + forward_block(
            ctx,
            other,
            client,
            "Catching up",
            (f"Hi {client.first}, it would be great to catch up on the pilot. Let me know when suits.\n{other.first}"),
        )
        subject = "Fwd: Catching up"
    else:
        text = (
            f"Sam,\n\nPlease set up a 30-minute call with the Globex team on {day} or "
            f"the day after. Legal should join.\n\nThanks,\n{client.first}"
        )
        subject = "Globex call"
    b = Builder(ctx, client, assistant, subject)
    return _item(ctx, b, body_structure(ctx, text), "scheduling", True, "synthetic:scheduling-delegated")


def sched_known_vendor(ctx: Ctx, i: int) -> Item:
    """A known account manager asking for the quarterly review: scheduling, not a pitch."""
    client = ctx.client()
    sender = ctx.person(ctx.pick(VENDOR_DOMAINS))
    day = ctx.pick(WEEKDAYS)
    text = (
        f"Hi {client.first},\n\nIt's time for our quarterly business review. Could we book 45 minutes on {day} or "
        f"the following {ctx.pick(WEEKDAYS)}? I'll bring the usage report and the "
        f"renewal timeline.\n\nBest,\n{sender.first}"
    )
    b = Builder(ctx, sender, client, "Quarterly review")
    return _item(ctx, b, body_structure(ctx, text), "scheduling", True, "synthetic:scheduling-known-vendor")


# ---- cold outreach ----

PRODUCTS = [
    ("PipelinePro", "an AI sales assistant", "book more qualified meetings"),
    ("GrowthStack", "a revenue analytics platform", "spot churn before it happens"),
    ("LeadForge", "B2B lead generation", "fill your pipeline with decision-makers"),
    ("Outboundly", "outbound email automation", "triple reply rates"),
    ("ScaleWise", "fractional CFO services", "close the books in half the time"),
    ("BrandLift", "a creative agency", "refresh your brand in six weeks"),
    ("DevShore", "offshore development teams", "ship features 40% cheaper"),
    ("TalentBridge", "a recruiting firm", "hire senior engineers in 30 days"),
    ("MetricMind", "a BI dashboard tool", "give every manager live KPIs"),
    ("DataHarbor", "a data enrichment API", "clean up your CRM"),
]


def cold_pitch(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    company = company_of(client)
    name, what, benefit = PRODUCTS[i % len(PRODUCTS)]
    domain = name.lower() + ".example"
    sender = ctx.person(domain)
    day = ctx.pick(WEEKDAYS)
    openers = [
        f"I came across {company} on LinkedIn and noticed you're hiring across operations.",
        f"Congrats on the recent funding round - exciting times at {company}!",
        f"I'll keep this short. I lead partnerships at {name}, {what}.",
        (
            "Hope this email finds you well. I'm reaching out because teams like yours "
            "often struggle with manual reporting."
        ),
        f"I noticed {company} just opened a second office, so I thought this might be timely.",
        "We work with over 300 companies in your space, including two of your competitors.",
        f"Quick question - who handles vendor decisions for finance tooling at {company}?",
        "I saw your post about scaling the ops team and it resonated.",
    ]
    values = [
        f"Our platform helps companies like yours {benefit}, usually within the first month.",
        f"{name} is {what} that lets teams {benefit} without adding headcount.",
        f"We help founders {benefit} - one client saw a 3x lift in a single quarter.",
        f"Clients typically {benefit}; I'd love to show you how in a quick demo.",
        f"We've helped similar firms {benefit}, and I think there's a fit for {company}.",
    ]
    asks = [
        f"Would you be open to a 15-minute call {day}?",
        "Are you free for a quick chat next week? Here's my calendar: https://calendly.com/"
        + sender.email.split("@")[0],
        f"Do you have 15 minutes on {day} to see a demo?",
        "Is this a priority for you this quarter? If not, who would be the right person to talk to?",
        "Worth a conversation? I can work around your schedule.",
        f"Can I get 10 minutes of your time {day} or {ctx.pick(WEEKDAYS)}?",
        "If it makes sense, book a slot on my calendar here: https://meet." + domain + "/" + sender.first.lower(),
    ]
    footers = [
        "",
        "",
        "P.S. If you'd rather not hear from me, just reply 'no thanks' and I'll stop.",
        f"\n{name} | 500 Market St, San Francisco\nUnsubscribe: https://{domain}/optout?e={client.email}",
        "If you're not the right person, I'd appreciate a pointer to who is.",
    ]
    text = (
        f"Hi {client.first},\n\n{openers[i % len(openers)]} {values[(i // 2) % len(values)]}\n\n"
        f"{asks[(i // 3) % len(asks)]}"
        f"\n\nBest,\n{sender.name}\n{ctx.pick(SELLER_TITLES)}, "
        f"{name}\n{ctx.pick(footers)}"
    )
    subject = ctx.pick(
        [
            f"Idea for {company}",
            f"{company} + {name}",
            "Quick question",
            f"{benefit.capitalize()}?",
            f"Helping {company} {benefit}",
            "15 minutes next week?",
            f"Re: {company}",
            f"{client.first}, quick one",
        ]
    )
    b = Builder(ctx, sender, client, subject)
    b.extra = [ctx.pick(["X-Mailer: Microsoft Outlook 16.0", "X-Mailer: Gmail", "X-Mailer: Superhuman"])]
    return _item(ctx, b, body_structure(ctx, text), "cold_outreach", False, "synthetic:cold-pitch")


def cold_followup(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    name, what, benefit = PRODUCTS[(i + 3) % len(PRODUCTS)]
    sender = ctx.person(name.lower() + ".example")
    bumps = [
        f"Just following up on my last email - did you have a chance to look at how {name} could help?",
        f"Bumping this to the top of your inbox in case it got buried. Still happy to show you {what}.",
        f"Circling back on my note from last week. Would a short call {ctx.pick(WEEKDAYS)} work?",
        f"I know you're busy, so I'll keep this brief: is improving how you {benefit} on your radar this quarter?",
        f"Did you get my previous message? I'd hate for you to miss how teams {benefit}.",
        "Not sure if you saw my last note. Should I reach out to someone else on your team instead?",
        "I haven't heard back, so I'll assume the timing isn't right. If that changes, I'm one reply away.",
    ]
    original = (
        f"Hi {client.first},\n\nI'm reaching out from {name}. We help teams {benefit}.\n\nOpen "
        f"to a quick call?\n\n{sender.first}"
    )
    text = f"Hi {client.first},\n\n{bumps[i % len(bumps)]}\n\n{sender.first}\n\n" + quote_any(
        ctx, sender, client, "Quick idea", original
    )
    b = Builder(
        ctx,
        sender,
        client,
        ctx.pick(["Re: Quick idea", "Following up", "Re: Quick question", "Last try", "Any thoughts?"]),
    )
    return _item(ctx, b, body_structure(ctx, text), "cold_outreach", False, "synthetic:cold-followup")


def cold_services(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(
        ctx.pick(
            [
                "rankup-seo.example",
                "pixelcraft.example",
                "codenest.example",
                "bookkeepingpros.example",
                "eventsponsor.example",
            ]
        )
    )
    company = company_of(client)
    pitches = [
        (
            f"I ran a quick audit of {company}'s website and found 14 issues hurting "
            "your Google ranking. Our SEO services have helped dozens of businesses "
            "reach page one. Want me to send the full report for free?"
        ),
        (
            "We're a web design agency that builds fast, beautiful sites for businesses "
            f"like yours. Would you like a free mockup of a new homepage for {company}?"
        ),
        (
            "We provide dedicated offshore developers at $25/hour with a two-week free "
            "trial. Many startups use us to extend their teams. Can I send you a few "
            "profiles?"
        ),
        (
            "Our outsourced bookkeeping team handles month-end close for 200+ small "
            f"businesses. We'd love to offer {company} a free consultation."
        ),
        (
            "We're putting together sponsorship packages for the Future of Work Summit "
            f"and thought {company} would be a great fit. Packages start at $5,000; "
            "I'd love to walk you through the options."
        ),
        (
            "I help executives like you get featured in Forbes and Inc. I have two "
            "spots open this month - would you like details?"
        ),
        (
            "We generate qualified leads for B2B companies on a pay-per-meeting basis. "
            "No retainer, you only pay for meetings that show up."
        ),
    ]
    title = ctx.pick(["Business Development", "Founder", "Client Success"])
    text = f"Hello {client.first},\n\n{pitches[i % len(pitches)]}\n\nRegards,\n{sender.name}\n{title}"
    if i % 3 == 0:
        text += "\n\nTo stop receiving emails from us, reply with REMOVE."
    b = Builder(
        ctx,
        sender,
        client,
        ctx.pick(
            [
                "Partnership opportunity",
                f"{company} website",
                "Free audit",
                "Quick proposal",
                "Sponsorship",
                "Collaboration?",
            ]
        ),
    )
    return _item(ctx, b, body_structure(ctx, text), "cold_outreach", False, "synthetic:cold-services")


def cold_subtle(ctx: Ctx, i: int) -> Item:
    """Pitches with few of the usual phrases (some will be missed: that is measured, not tuned away)."""
    client = ctx.client()
    sender = ctx.person(ctx.pick(["quietlabs.example", "northstar-ai.example", "kiln.example", "fathom-hq.example"]))
    pitches = [
        (
            "Saw your talk at SaaStr - the bit about hiring slowly. We're building "
            "tooling for exactly that problem and have a few design partners. Curious "
            "if it's something you think about?"
        ),
        (
            "We just launched a calmer alternative to Slack for leadership teams. Early "
            "customers include a few names you'd know. I'd be glad to set you up with "
            "an account."
        ),
        (
            "Your team's job posts mention you're evaluating BI tools. We make one. "
            "Our pricing is a flat fee per company, which tends to go down well with "
            "CFOs."
        ),
        (
            "I'm the founder of Kiln, a procurement tool for mid-size companies. We're "
            "offering three months free to the first ten companies in your region."
        ),
        (
            "Reaching out since you lead operations at a growing company. Our software "
            "automates the monthly vendor reconciliation - it takes about a day to "
            "set up."
        ),
        (
            "A mutual connection mentioned you're expanding to Europe. We handle payroll "
            "and compliance in 30 countries and can get you live in two weeks."
        ),
    ]
    text = f"Hi {client.first},\n\n{pitches[i % len(pitches)]}\n\n{sender.first}"
    b = Builder(
        ctx, sender, client, ctx.pick(["Hello", "Your SaaStr talk", "Quick intro", "For your team", "Europe expansion"])
    )
    return _item(
        ctx, b, body_structure(ctx, text), "cold_outreach", False, "synthetic:cold-subtle", "few usual sales phrases"
    )


def cold_foreign(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person(ctx.pick(["vertrieb.de.example", "ventes.fr.example", "ventas.es.example"]), accented=True)
    texts = [
        (
            "Kurze Frage",
            (
                f"Hallo {client.first},\n\nunsere Plattform hilft Unternehmen wie Ihrem, "
                "die Buchhaltung zu automatisieren. Hätten Sie nächste Woche 15 Minuten "
                f"Zeit für eine kurze Demo?\n\nBeste Grüße\n{sender.name}"
            ),
        ),
        (
            "Proposition",
            (
                f"Bonjour {client.first},\n\nnotre solution aide les entreprises comme la "
                "vôtre à réduire leurs coûts logistiques de 20 %. Seriez-vous disponible "
                f"pour une démo de 15 minutes mardi ?\n\nCordialement,\n{sender.name}"
            ),
        ),
        (
            "Propuesta",
            (
                f"Hola {client.first},\n\nnuestra plataforma ayuda a empresas como la suya "
                f"a duplicar sus ventas. ¿Tiene 15 minutos esta semana para una demo?\n\nSaludos,\n{sender.name}"
            ),
        ),
    ]
    subject, text = texts[i % len(texts)]
    b = Builder(ctx, sender, client, subject)
    return _item(
        ctx, b, body_structure(ctx, text, cte="quoted-printable"), "cold_outreach", False, "synthetic:cold-foreign"
    )


# ---- receipts ----

MERCHANTS = [
    ("Northpeak Cloud", "billing@northpeak.example"),
    ("Figtree Design", "invoices@figtree.example"),
    ("Pine Books", "orders@pinebooks.example"),
    ("Harbor Coffee Co", "receipts@harborcoffee.example"),
    ("Skyline Air", "no-reply@skylineair.example"),
    ("Metro Rides", "noreply@metrorides.example"),
    ("Summit Legal LLP", "accounts@summitlegal.example"),
    ("Clearwater Catering", "office@clearwater.example"),
    ("Keystone IT", "ar@keystone-it.example"),
    ("Vela Hotels", "folio@velahotels.example"),
    ("Quill Docs", "support@quilldocs.example"),
    ("Orbit Print Co.", "ar@orbitprint.example"),
]


def money(ctx: Ctx, low: int = 8, high: int = 4000, symbol: str = "$") -> str:
    value = ctx.rng.randint(low * 100, high * 100) / 100
    return f"{symbol}{value:,.2f}"


def receipt_saas(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    merchant, email = MERCHANTS[i % len(MERCHANTS)]
    sender = Person(merchant, email)
    number = f"{ctx.rng.randint(1000, 9999)}-{ctx.rng.randint(1000, 9999)}"
    amount = money(ctx, 9, 900)
    subject = ctx.pick(
        [
            f"Your receipt from {merchant} #{number}",
            f"Receipt for your payment to {merchant}",
            f"{merchant}: payment received",
            f"Your {merchant} receipt [#{number}]",
            f"Payment confirmation - {merchant}",
            "Thanks for your payment",
        ]
    )
    text = (
        f"{merchant}\n\nReceipt #{number}\n\nAmount paid: {amount}\nDate paid: {ctx.pick(MONTHS)} "
        f"{ctx.rng.randint(1, 28)}, 2026\n"
        f"Payment method: Visa - 4242\n\nSummary\n{ctx.pick(PLANS)} "
        f"   {amount}\n"
        f"Amount paid    {amount}\n\nIf you have any questions, contact us at {email}.\n"
    )
    html = (
        f'<html><body style="font-family:Helvetica"><table width="100%"><tr><td><h1>{merchant}</h1></td></tr>'
        f"<tr><td>Receipt #{number}</td></tr><tr><td>Amount paid</td><td>{amount}</td></tr>"
        f"<tr><td>Payment method</td><td>Visa &middot; 4242</td></tr></table></body></html>"
    )
    b = Builder(ctx, sender, client, subject)
    b.extra = ["Auto-Submitted: auto-generated"] if i % 3 == 0 else []
    if i % 4 == 1:
        b.extra.append(f"List-Unsubscribe: <mailto:unsubscribe@{sender.domain}>")
    part = multipart(
        "alternative",
        [text_part(text), text_part(html, "html", "quoted-printable")],
        f"----=_Part_{ctx.rng.getrandbits(40)}",
    )
    return _item(ctx, b, part, "receipt", False, "synthetic:receipt-saas")


def receipt_invoice_pdf(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    merchant, email = MERCHANTS[(i + 5) % len(MERCHANTS)]
    sender = Person(f"{merchant} Accounts", email)
    number = ctx.rng.randint(1000, 99999)
    amount = money(ctx, 200, 25000)
    subject = ctx.pick(
        [
            f"Invoice #{number} from {merchant}",
            f"INV-{number}",
            f"{merchant} - invoice {number} for {ctx.pick(MONTHS)}",
            "New invoice available",
            f"Your {ctx.pick(MONTHS)} invoice",
            f"Documents from {merchant}",
        ]
    )
    text = (
        f"Dear {client.first},\n\nPlease find attached invoice {number} for services rendered in {ctx.pick(MONTHS)}.\n"
        f"Payment is due within 30 days.\n\nKind regards,\nAccounts Receivable\n{merchant}\n"
    )
    fname = ctx.pick(
        [
            f"invoice-{number}.pdf",
            f"Invoice_{number}.pdf",
            f"INV{number}.pdf",
            f"{merchant.split()[0]}_Invoice_{number}.pdf",
        ]
    )
    pdf = pdf_bytes([merchant, f"Invoice {number}", f"Total due {amount}"])
    part = multipart(
        "mixed",
        [body_structure(ctx, text), file_part(fname, "application/pdf", pdf)],
        f"_mixed_{ctx.rng.getrandbits(48):012x}",
    )
    b = Builder(ctx, sender, client, subject)
    return _item(ctx, b, part, "receipt", True, "synthetic:receipt-invoice-pdf")


def receipt_order(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    shops = [
        ("Pine Books", "orders@pinebooks.example"),
        ("Kettle & Co", "hello@kettle.example"),
        ("Outfitters", "orders@outfitters.example"),
        ("DeskWorks", "noreply@deskworks.example"),
    ]
    shop, email = shops[i % len(shops)]
    sender = Person(shop, email)
    order = f"{ctx.rng.randint(100, 999)}-{ctx.rng.randint(1000000, 9999999)}"
    sub, ship, tax = ctx.rng.randint(20, 400), ctx.rng.choice([0, 5, 9]), ctx.rng.randint(1, 30)
    subject = ctx.pick(
        [
            f"Order confirmation #{order}",
            f"Your {shop} order #{order}",
            "Thanks for your order!",
            f"We've received your order {order}",
            "Order received",
        ]
    )
    rows = "".join(
        f"<tr><td>{item}</td><td>1</td><td>${price}.00</td></tr>"
        for item, price in (("Standing desk mat", sub // 2), ("Cable organizer", sub - sub // 2))
    )
    html = (
        f"<html><head><style>td{{padding:4px}}</style></head><body><h2>Thanks for "
        f"shopping with {shop}!</h2><p>Order number: {order}</p>"
        f"<table>{rows}<tr><td>Subtotal</td><td></td><td>${sub}.00</td></tr><tr><td>Shipping</td><td></td><td>${ship}.00</td></tr>"
        f"<tr><td>Tax</td><td></td><td>${tax}.00</td></tr>"
        f"<tr><td><b>Total</b></td><td></td><td><b>${sub + ship + tax}.00</b></td></tr></table>"
        f"<p>We'll email you when it ships.</p></body></html>"
    )
    b = Builder(ctx, sender, client, subject)
    if i % 2 == 0:
        b.extra = [f"List-Unsubscribe: <https://{sender.domain}/unsubscribe>", "Feedback-ID: orders:ses"]
    return _item(
        ctx, b, text_part(html, "html", "quoted-printable"), "receipt", False, "synthetic:receipt-order", "HTML only"
    )


def receipt_trip(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    kinds = [
        (
            Person("Metro Rides", "noreply@metrorides.example"),
            f"Your {ctx.pick(WEEKDAYS)} evening trip with Metro Rides",
            "Thanks for riding",
        ),
        (
            Person("Skyline Air", "no-reply@skylineair.example"),
            "Your e-ticket receipt - flight SK 482",
            "Your booking is confirmed",
        ),
        (
            Person("Vela Hotels", "folio@velahotels.example"),
            "Your folio from Vela Hotels Denver",
            "Thank you for staying with us",
        ),
        (
            Person("ParkEasy", "noreply@parkeasy.example"),
            "Thanks for parking with ParkEasy",
            "Here's your parking summary",
        ),
    ]
    sender, subject, hello = kinds[i % len(kinds)]
    base = ctx.rng.randint(12, 900)
    fees = ctx.rng.randint(2, 60)
    text = (
        f"{hello}, {client.first}.\n\n{ctx.pick(['Fare', 'Base fare', 'Room (2 nights)', 'Parking'])}: ${base}.00\n"
        f"{ctx.pick(['Service fee', 'Taxes and fees', 'City tax', 'Booking fee'])}: "
        f"${fees}.00\nTotal: ${base + fees}.00\n"
        f"Charged to Mastercard ending in {ctx.rng.randint(1000, 9999)}\n\nQuestions? Reply to this email.\n"
    )
    b = Builder(ctx, sender, client, subject)
    if i % 2 == 1:
        b.extra = [f"List-Unsubscribe: <https://{sender.domain}/prefs>"]
    return _item(
        ctx,
        b,
        body_structure(ctx, text, cte="quoted-printable"),
        "receipt",
        False,
        "synthetic:receipt-trip",
        "the subject does not say receipt",
    )


def receipt_statement(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    senders = [
        Person("Harbor Card", "statements@harborcard.example"),
        Person("CityPower", "billing@citypower.example"),
        Person("Acme Cloud Billing", "billing@acmecloud.example"),
        Person("FiberNet", "noreply@fibernet.example"),
    ]
    sender = senders[i % len(senders)]
    month = ctx.pick(MONTHS)
    subject = ctx.pick(
        [
            f"Your {month} statement is ready",
            f"Your {sender.name} bill for {month}",
            f"{month} billing statement",
            "Your bill is available",
        ]
    )
    text = (
        f"Hello {client.first},\n\nYour {month} statement is now available.\n\nStatement "
        f"balance: {money(ctx, 40, 3000)}\n"
        f"Minimum payment due: {money(ctx, 25, 40)}\nPayment due date: {month} {ctx.rng.randint(5, 28)}\n\nView "
        f"it online at https://{sender.domain}/statements\n"
    )
    b = Builder(ctx, sender, client, subject)
    b.extra = ["Auto-Submitted: auto-generated"] if i % 2 else []
    return _item(ctx, b, body_structure(ctx, text), "receipt", False, "synthetic:receipt-statement")


def receipt_person(ctx: Ctx, i: int) -> Item:
    """A receipt or an invoice written by a person."""
    client = ctx.client()
    sender = ctx.person(ctx.pick([*FREEMAIL, "freelance.example"]))
    month = ctx.pick(MONTHS)
    cases = [
        (
            f"Invoice for {month} consulting",
            (
                f"Hi {client.first},\n\nAttached is my invoice for {month}. Hours are itemized "
                f"on the second page.\n\nThanks,\n{sender.first}"
            ),
            True,
        ),
        (
            f"Rent receipt - {month}",
            (
                f"Hi {client.first},\n\nThis confirms I received your rent for {month}.\n\nAmount "
                f"received: $2,450.00\nPaid by bank transfer on {month} 1. Thank you!\n\n{sender.first}"
            ),
            False,
        ),
        (
            "Receipt for the deposit",
            (
                "Hello,\n\nReceipt for the deposit on the venue:\n\nDeposit paid: $1,200.00\nBalance "
                f"due: $3,600.00 (due two weeks before the event)\n\nBest,\n{sender.name}"
            ),
            False,
        ),
        (
            f"{month} tutoring",
            (
                f"Hi {client.first},\n\nHere's the invoice for {month}'s sessions.\n\n8 "
                f"sessions x $75\nTotal due: $600.00\nPayment by Zelle or check is fine.\n\n{sender.first}"
            ),
            False,
        ),
    ]
    subject, text, pdf = cases[i % len(cases)]
    part = body_structure(ctx, text)
    if pdf:
        part = multipart(
            "mixed",
            [part, file_part(f"Invoice-{month[:3]}-2026.pdf", "application/pdf", pdf_bytes(["Invoice"]))],
            f"b1_{ctx.rng.getrandbits(48):012x}",
        )
    b = Builder(ctx, sender, client, subject)
    return _item(ctx, b, part, "receipt", True, "synthetic:receipt-person", "a receipt written by a person")


def receipt_forwarded(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    assistant = Person("Sam Rivera", "sam@rivera-va.example")
    merchant, email = MERCHANTS[(i + 2) % len(MERCHANTS)]
    inner = (
        f"{merchant}\n\nReceipt #{ctx.rng.randint(10000, 99999)}\nSubtotal: $84.00\nTax: "
        "$7.14\nTotal: $91.14\nPaid with Amex ending 3005\n"
    )
    note = ctx.pick(["For expenses, please.", "Sam - can you file this?", "Receipt for the client dinner.", "fyi"])
    subject = ctx.pick(
        [f"Fwd: Your receipt from {merchant}", "Fwd: Receipt", f"FW: {merchant} receipt", "Fwd: Thanks for your visit"]
    )
    text = f"{note}\n\n{client.first}\n\n" + forward_block(
        ctx, Person(merchant, email), client, subject.split(": ", 1)[1], inner
    )
    b = Builder(ctx, client, assistant, subject)
    return _item(ctx, b, body_structure(ctx, text), "receipt", True, "synthetic:receipt-forwarded")


def receipt_foreign(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    cases = [
        (
            Person("Druckhaus Berg", "rechnung@druckhaus-berg.example"),
            "Ihre Rechnung Nr. 2026-0417",
            (
                "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Rechnung.\n\nRechnungsbetrag: "
                "1.240,00 EUR\nZahlbar innerhalb von 14 Tagen.\n\nMit freundlichen Grüßen\nDruckhaus "
                "Berg"
            ),
        ),
        (
            Person("Atelier Lune", "facturation@atelierlune.example"),
            "Votre facture F-2026-118",
            (
                "Bonjour,\n\nVeuillez trouver ci-joint votre facture.\n\nMontant TTC : "
                "860,00 €\n\nCordialement,\nAtelier Lune"
            ),
        ),
        (
            Person("Imprenta Sol", "facturas@imprentasol.example"),
            "Factura 2026/552",
            (
                "Estimado cliente,\n\nle adjuntamos la factura correspondiente a su pedido.\n\nImporte "
                "total: 415,00 €\n\nAtentamente,\nImprenta Sol"
            ),
        ),
        (
            Person("Bahn Reisen", "buchung@bahnreisen.example"),
            "Buchungsbestätigung und Quittung",
            "Vielen Dank für Ihre Buchung.\n\nGesamtbetrag: 129,90 EUR\nBezahlt mit Kreditkarte.\n\nIhr Reiseteam",
        ),
    ]
    sender, subject, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    return _item(
        ctx, b, body_structure(ctx, text, cte="quoted-printable"), "receipt", False, "synthetic:receipt-foreign"
    )


def receipt_misc(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    cases = [
        (
            Person("Quill Docs", "billing@quilldocs.example"),
            "Your subscription has been renewed",
            (
                f"Your Quill Docs Business plan renewed today.\n\nAmount charged: {money(ctx, 90, 900)}\nNext "
                "renewal: one year from today.\n"
            ),
        ),
        (
            Person("City Food Bank", "donations@cityfoodbank.example"),
            "Thank you for your donation",
            (
                "Thank you for your gift of $250.00 to the City Food Bank. This letter "
                "is your receipt for tax purposes; no goods or services were provided.\n"
            ),
        ),
        (
            Person("Northpeak Cloud", "billing@northpeak.example"),
            "Refund processed",
            "We've refunded $48.00 to your Visa ending in 4242. It can take 5-10 days to appear.\n",
        ),
        (
            Person("Harbor Coffee Co", "receipts@harborcoffee.example"),
            "Your Harbor Coffee receipt",
            "Flat white  $4.75\nAlmond croissant  $3.95\nTotal  $8.70\nThanks for stopping by!\n",
        ),
        (
            Person("Keystone IT", "ar@keystone-it.example"),
            "We received your payment",
            f"Thank you! We received your payment of {money(ctx, 300, 9000)} for invoice 55120.\n",
        ),
    ]
    sender, subject, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    return _item(ctx, b, body_structure(ctx, text), "receipt", False, "synthetic:receipt-misc")


# ---- newsletters ----

PUBLICATIONS = [
    ("The Operator's Digest", "hello@operatorsdigest.example", "digest"),
    ("Morning Markets", "crew@morningmarkets.example", "markets"),
    ("SaaS Weekly", "news@saasweekly.example", "saas"),
    ("Leadership Letters", "letters@leadletters.example", "lead"),
    ("The Finance Memo", "memo@financememo.example", "finance"),
    ("Calendar Zen", "tips@calendarzen.example", "zen"),
    ("Deal Desk", "deals@dealdesk.example", "deals"),
    ("Priya's Notebook", "priya@substack-like.example", "notebook"),
]


def newsletter_editorial(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    name, email, slug = PUBLICATIONS[i % len(PUBLICATIONS)]
    sender = Person(name, email)
    stories = [
        (
            "How to protect your Tuesday mornings",
            (
                "Block the time, decline anything without an agenda, and schedule a meeting "
                "with yourself. Readers told us it works."
            ),
        ),
        (
            "Are you free next week? Why that question costs you hours",
            "Every 'quick call' has a price. This week we look at teams that replaced them with written updates.",
        ),
        (
            "The 15-minute meeting is back",
            "Short stand-ups are returning at large companies. We asked five COOs how they run theirs.",
        ),
        (
            "Markets close higher on Friday",
            (
                "Stocks rose for a third day as investors weighed the rate decision. Here's "
                "what it means for your portfolio."
            ),
        ),
        (
            "Our platform helps teams like yours - a reader's rant",
            "A reader explains why vendor emails all sound the same, and what good ones do differently.",
        ),
        ("This week in finance ops", "Close faster, audit cleaner: three teams share their month-end checklists."),
        (
            "Five deals worth watching",
            "From a logistics roll-up to a quiet fintech raise, here are the deals our desk is tracking.",
        ),
        (
            "Notes on hiring slowly",
            "I've been thinking about why the best hires take the longest. A few half-formed ideas.",
        ),
    ]
    title, lead = stories[i % len(stories)]
    token = f"{ctx.rng.getrandbits(64):016x}"
    text = (
        f"{name.upper()}\nIssue {ctx.rng.randint(40, 300)}\n\n{title}\n\n{lead}\n\nRead "
        f"more: https://{sender.domain}/p/{token[:8]}\n\n"
        f"In other news: our next live Q&A is Thursday at 1pm ET. Register at https://{sender.domain}/live\n\n--\n"
        f"You're receiving this because you subscribed to {name}.\nUnsubscribe: https://{sender.domain}/u/{token}\n"
    )
    html = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>.wrap{{max-width:600px}}</style></head><body><div '
        'class="wrap">'
        f'<h1>{title}</h1><p>{lead}</p><p><a href="https://{sender.domain}/p/{token[:8]}">Read more</a></p>'
        f'<p style="font-size:11px">Unsubscribe: https://{sender.domain}/u/{token}</p></div></body></html>'
    )
    b = Builder(ctx, sender, client, f"{title}")
    b.extra = [
        f"List-Unsubscribe: <https://{sender.domain}/u/{token}>, <mailto:unsubscribe+{token}@{sender.domain}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]
    if i % 3 == 0:
        b.extra.append(f"List-Id: {name} <{slug}.{sender.domain}>")
    if i % 4 == 0:
        b.extra.append("Precedence: bulk")
    part = multipart(
        "alternative",
        [text_part(text, cte="quoted-printable"), text_part(html, "html", "quoted-printable")],
        f"=_nl_{token}",
    )
    return _item(ctx, b, part, "newsletter", False, "synthetic:newsletter-editorial")


def newsletter_promo(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    shops = [
        ("Outfitters", "deals@outfitters.example"),
        ("Pine Books", "news@pinebooks.example"),
        ("Skyline Air", "offers@skylineair.example"),
        ("DeskWorks", "hello@deskworks.example"),
        ("Vela Hotels", "offers@velahotels.example"),
    ]
    shop, email = shops[i % len(shops)]
    sender = Person(shop, email)
    promos = [
        (
            "Your exclusive 30% off ends tonight",
            "Take 30% off everything. Order total over $100? Shipping is on us. Use code AUTUMN30.",
        ),
        (
            "Fares from $89 - book by Friday",
            "Fly to 40 cities from $89 one way. Taxes included. Limited seats on Tuesday and Wednesday departures.",
        ),
        ("New arrivals you'll love", "Fresh picks for your desk, from $19.99. Free returns for 60 days."),
        (
            "A little thank-you: $20 off your next order",
            "Because you're one of our best customers, here's $20 off any order of $80 or more.",
        ),
        (
            "Weekend getaway: 2 nights from $199",
            "Book a weekend at any Vela hotel and save. Total price shown includes taxes and fees.",
        ),
    ]
    subject, line = promos[i % len(promos)]
    html = (
        f'<html><body><table width="600"><tr><td><img src="https://{sender.domain}/hero.jpg" alt="{shop}"></td></tr>'
        f'<tr><td><h1>{subject}</h1><p>{line}</p><a href="https://{sender.domain}/shop">Shop now</a></td></tr>'
        f'<tr><td style="font-size:10px">You are receiving this email because you signed up at {sender.domain}. '
        f'<a href="https://{sender.domain}/unsubscribe">Unsubscribe</a></td></tr></table></body></html>'
    )
    b = Builder(ctx, sender, client, subject)
    b.extra = [
        f"List-Unsubscribe: <https://{sender.domain}/unsubscribe?u={ctx.rng.getrandbits(32)}>",
        f"X-Campaign: {ctx.rng.getrandbits(32)}",
    ]
    if i % 2:
        b.extra.append(f"Feedback-ID: {ctx.rng.randint(1, 99)}:promo:mailer")
    return _item(
        ctx,
        b,
        text_part(html, "html", "quoted-printable"),
        "newsletter",
        False,
        "synthetic:newsletter-promo",
        "prices and order totals in a promotion",
    )


def newsletter_list_post(ctx: Ctx, i: int) -> Item:
    """A person's post to a mailing list: list mail is newsletter/bulk by the documented rule."""
    ctx.client()
    sender = ctx.person()
    lists = [
        ("founders-circle", "groups.example"),
        ("cfo-roundtable", "lists.finance.example"),
        ("ops-leaders", "googlegroups.example"),
    ]
    lname, ldom = lists[i % len(lists)]
    posts = [
        (
            "Anyone free Thursday for a dinner?",
            (
                "A few of us will be in Austin next week. Anyone free Thursday evening "
                f"for dinner? Reply off-list.\n\n{sender.first}"
            ),
        ),
        (
            "Recommendations for a fractional CFO?",
            "We're looking for a fractional CFO for about 10 hours a month. Any recommendations welcome.\n",
        ),
        (
            "Meetup next Tuesday",
            (
                "Reminder that the monthly meetup is next Tuesday at 6pm at the usual place. "
                "Can we get a headcount by Monday?\n"
            ),
        ),
        (
            "Q: vendor payment terms",
            "How are people handling net-60 requests from large customers? Curious what's normal now.\n",
        ),
    ]
    subject, text = posts[i % len(posts)]
    b = Builder(ctx, sender, Person(lname, f"{lname}@{ldom}"), f"[{lname}] {subject}")
    b.extra = [
        f"List-Id: <{lname}.{ldom}>",
        f"List-Post: <mailto:{lname}@{ldom}>",
        f"List-Unsubscribe: <mailto:{lname}+unsubscribe@{ldom}>",
        "Precedence: list",
        f"Sender: {lname}@{ldom}",
    ]
    return _item(
        ctx,
        b,
        text_part(text + f"\n--\nYou received this message because you are subscribed to {lname}.\n"),
        "newsletter",
        False,
        "synthetic:newsletter-list-post",
        "list mail, even when a person asks to meet",
    )


def newsletter_product(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    senders = [
        Person("Quill Docs", "product@quilldocs.example"),
        Person("Northpeak Cloud", "news@northpeak.example"),
        Person("MetricMind", "updates@metricmind.example"),
    ]
    sender = senders[i % len(senders)]
    text = (
        f"What's new in {sender.name} this month\n\n- Faster search\n- Shared folders for teams\n- A new mobile app\n\n"
        "Want a tour? Book a demo with our team - sessions every Tuesday and Thursday.\n\n"
        f"Manage your email preferences: https://{sender.domain}/prefs\n"
    )
    b = Builder(
        ctx, sender, client, ctx.pick([f"New in {sender.name}", "Product update: November", "Three new features"])
    )
    b.extra = (
        [f"List-Unsubscribe: <https://{sender.domain}/prefs>"]
        if i % 2 == 0
        else ["Precedence: bulk", f"Feedback-ID: product:{sender.domain}"]
    )
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "newsletter",
        False,
        "synthetic:newsletter-product",
        "a demo call to action in bulk mail",
    )


def newsletter_cold_bulk(ctx: Ctx, i: int) -> Item:
    """A sequenced sales mail sent with list headers: bulk mail, by the documented rule."""
    client = ctx.client()
    sender = ctx.person("campaigns.leadforge.example")
    text = (
        f"Hi {client.first},\n\nOur platform helps companies like yours book 30% "
        "more meetings. Do you have 15 minutes on Thursday?\n\n"
        f"{sender.first}\n\nUnsubscribe: https://leadforge.example/u/{ctx.rng.getrandbits(32)}\n"
    )
    b = Builder(ctx, sender, client, f"{client.first}, quick question")
    b.extra = ["List-Unsubscribe: <https://leadforge.example/u>", "X-Mailer: Lemlist"]
    return _item(
        ctx,
        b,
        text_part(text),
        "newsletter",
        False,
        "synthetic:newsletter-bulk-pitch",
        "a pitch with list headers is bulk mail",
    )


def newsletter_foreign(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    cases = [
        (
            Person("Handelsblatt Morgen", "newsletter@hb-morgen.example"),
            "Der Morgen: Märkte, Köpfe, Termine",
            (
                "Guten Morgen! Heute: Zinsentscheid, Quartalszahlen und drei Termine für "
                "Ihren Kalender.\n\nAbmelden: https://hb-morgen.example/abmelden"
            ),
        ),
        (
            Person("Les Échos du Matin", "lettre@echos-matin.example"),
            "La lettre du matin",
            (
                "Bonjour ! Au programme : les marchés, la réunion de la BCE jeudi, et nos "
                "conseils pour la semaine.\n\nSe désinscrire : https://echos-matin.example/desinscription"
            ),
        ),
    ]
    sender, subject, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    b.extra = [f"List-Unsubscribe: <https://{sender.domain}/u>", f"List-Id: <morgen.{sender.domain}>"]
    return _item(
        ctx, b, body_structure(ctx, text, cte="quoted-printable"), "newsletter", False, "synthetic:newsletter-foreign"
    )


# ---- notifications ----


def notif_github(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    repo = ctx.pick(["acme/website", "acme/api", "acme/mobile", "acme/infra"])
    num = ctx.rng.randint(100, 3000)
    actor = ctx.pick(FIRST).lower() + ctx.pick(LAST).lower()
    kinds = [
        (
            "review_requested",
            f"[{repo}] Add retry to webhook sender (PR #{num})",
            f"@{actor} requested your review on: {repo}#{num} Add retry to webhook sender.",
        ),
        (
            "comment",
            f"Re: [{repo}] Flaky test on Tuesday builds (Issue #{num})",
            (
                f"{actor} left a comment:\n\nCan we meet halfway here? The test fails every "
                "Tuesday at 3am UTC because of the cron job."
            ),
        ),
        (
            "ci_activity",
            f"[{repo}] Run failed: CI - main ({ctx.rng.getrandbits(28):07x})",
            "Run failed for main. 3 jobs failed, 12 passed.",
        ),
        (
            "mention",
            f"Re: [{repo}] Invoice export is off by one (PR #{num})",
            (
                f"@{client.email.split('@')[0]} could you take a look? The invoice total "
                "rounding is wrong on the last line."
            ),
        ),
        (
            "security_alert",
            f"[{repo}] Dependabot alert: 2 vulnerabilities",
            "Dependabot found 2 vulnerabilities in your dependencies.",
        ),
    ]
    reason, subject, text = kinds[i % len(kinds)]
    sender = Person(actor, "notifications@github.com")
    b = Builder(ctx, sender, Person(repo, f"{repo.split('/')[1]}@noreply.github.com"), subject)
    b.extra = [
        f"Reply-To: {repo} <reply+{ctx.rng.getrandbits(64):016X}@reply.github.com>",
        f"List-ID: {repo} <{repo.split('/')[1]}.{repo.split('/')[0]}.github.com>",
        f"List-Unsubscribe: <mailto:unsub+{ctx.rng.getrandbits(32)}@reply.github.com>",
        f"X-GitHub-Reason: {reason}",
        f"X-GitHub-Sender: {actor}",
        "X-Auto-Response-Suppress: All",
    ]
    full = text + (
        f"\n\n--\nReply to this email directly or view it on GitHub:\nhttps://github.com/{repo}/pull/{num}\nYou "
        f"are receiving this because {reason.replace('_', ' ')}.\n"
    )
    part = multipart(
        "alternative",
        [text_part(full), text_part(html_of(full), "html", "quoted-printable")],
        f"--==_mimepart_{ctx.rng.getrandbits(48):012x}",
    )
    return _item(ctx, b, part, "notification", False, "synthetic:notification-github")


def notif_tools(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    cases = [
        (
            Person("Jira", "jira@acme.atlassian.example"),
            f"[JIRA] (OPS-{ctx.rng.randint(10, 999)}) Migrate billing reports",
            [
                "Auto-Submitted: auto-generated",
                f"X-JIRA-FingerPrint: {ctx.rng.getrandbits(64):016x}",
                "Precedence: bulk",
            ],
            "Tom Becker updated OPS-412:\nStatus: In Progress -> Done\n",
        ),
        (
            Person("GitLab", "gitlab@gitlab.acme.example"),
            "acme/data | Pipeline #55102 has failed for main",
            ["X-GitLab-Project: data", "X-GitLab-Pipeline-Id: 55102"],
            "Pipeline #55102 triggered by a scheduled run has failed.\nJob: test:integration\n",
        ),
        (
            Person("Slack", "feedback@slack.example"),
            "You have 4 new messages in #leadership",
            ["Auto-Submitted: auto-generated"],
            "Hi Dana, you have unread messages from Tom, Priya and 2 others.\n",
        ),
        (
            Person("Google Docs", "comments-noreply@docs.google.example"),
            "Q1 budget - 3 new comments",
            [],
            'Priya Patel commented on Q1 budget:\n"Can we meet the Friday deadline if finance slips?"\n',
        ),
        (
            Person("Zendesk", "support@acme.zendesk.example"),
            f"[Acme] Ticket #{ctx.rng.randint(1000, 9999)} has been updated",
            ["X-Auto-Response-Suppress: OOF, AutoReply", "Auto-Submitted: auto-generated"],
            "A reply was added to your request. Reply above this line to comment.\n",
        ),
        (
            Person("PagerDuty", "no-reply@pagerduty.example"),
            "[Triggered] High error rate on api-gateway",
            ["X-PagerDuty-Incident: P12AB9"],
            "Incident triggered at 03:14 UTC. Urgency: high.\n",
        ),
        (
            Person("Datadog", "alerts@datadoghq.example"),
            "[Warn] Disk usage on db-2 at 85%",
            [],
            "Monitor triggered. Disk usage on db-2 is 85% (threshold 80%).\n",
        ),
        (
            Person("DocuSign", "dse@docusign.example"),
            "Completed: Please DocuSign: Globex MSA",
            [],
            "All parties have completed the envelope. You can download the documents below.\n",
        ),
        (
            Person("Asana", "no-reply@asana.example"),
            "Tom assigned you a task: Review vendor list",
            [],
            "Due Thursday. Project: Vendor consolidation.\n",
        ),
        (
            Person("Expensify", "concierge@expensify.example"),
            "Expense report #4411 approved",
            ["Auto-Submitted: auto-generated"],
            "Your report 'Denver offsite' was approved and will be reimbursed.\n",
        ),
    ]
    sender, subject, extra, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    b.extra = list(extra)
    note = "no machine header, a person-like sender address" if sender.email.startswith("dse@") else ""
    return _item(
        ctx,
        b,
        body_structure(ctx, text + "\nThis is an automated message.\n"),
        "notification",
        False,
        "synthetic:notification-tools",
        note,
    )


def notif_account(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    cases = [
        (
            Person("CloudMail Accounts", "no-reply@accounts.cloudmail.example"),
            "Security alert: new sign-in on Windows",
            (
                "We noticed a new sign-in to your account from Windows in Denver, CO. If "
                "this was you, you don't need to do anything."
            ),
        ),
        (
            Person("Northpeak Cloud", "noreply@northpeak.example"),
            "Reset your password",
            "Someone requested a password reset for your account. This link expires in 30 minutes.",
        ),
        (
            Person("FirstBank Alerts", "alerts@firstbank.example"),
            "Alert: a payment of $1,250.00 was made from your account",
            "A payment of $1,250.00 to CITYPOWER was made from checking account ending 0114.",
        ),
        (
            Person("Shop.example Orders", "no-reply@shop.example"),
            f"Your order #SH-{ctx.rng.randint(10000, 99999)} has shipped",
            "Good news - it's on the way.\n\nOrder total: $64.20\nTracking number: 1Z999AA10123456784",
        ),
        (
            Person("ParcelPoint", "tracking@parcelpoint.example"),
            "Your package was delivered",
            "Delivered at 2:41pm, front door. Photo attached in the app.",
        ),
        (
            Person("Quill Docs", "billing@quilldocs.example"),
            "Payment failed: update your card",
            (
                "We couldn't charge your card ending 4242 for the Business plan. Please "
                "update your billing details to avoid interruption."
            ),
        ),
        (
            Person("Your verification code", "verify@auth.example"),
            "Your code is 482913",
            "Use 482913 to sign in. It expires in 10 minutes.",
        ),
        (
            Person("Zoom", "no-reply@zoom.example"),
            "Cloud recording is now available",
            "Your cloud recording of 'Board prep' is ready to view.",
        ),
    ]
    sender, subject, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    if i % 3 == 0:
        b.extra = ["Auto-Submitted: auto-generated"]
    note = (
        "a shipping notice with an order total"
        if "shipped" in subject
        else "a failed payment"
        if "failed" in subject
        else ""
    )
    return _item(
        ctx,
        b,
        body_structure(ctx, text + "\n\nPlease do not reply to this email."),
        "notification",
        False,
        "synthetic:notification-account",
        note,
    )


def notif_calendar(ctx: Ctx, i: int) -> Item:
    """Calendar reminders and booking-tool notices: no text/calendar part, so not invites."""
    client = ctx.client()
    day, time = ctx.pick(WEEKDAYS), ctx.pick(TIMES)
    cases = [
        (
            Person("Google Calendar", "calendar-notification@google.example"),
            f"Notification: Board prep @ {day} {time} (EST)",
            f"Reminder: Board prep\nWhen: {day} {time}\nJoining: meet.example/abc-defg-hij",
        ),
        (
            Person("Calendly", "notifications@calendly.example"),
            "New Event: Jo Park - 30 Minute Meeting",
            (
                "A new event has been scheduled.\n\nEvent type: 30 Minute Meeting\nInvitee: "
                f"Jo Park\nDate/time: {day} {time}"
            ),
        ),
        (
            Person("Microsoft Outlook", "no-reply@microsoft.example"),
            "Reminder: Budget review starts in 15 minutes",
            f"Budget review\n{day} {time}\nLocation: Teams",
        ),
        (
            Person("Doodle", "mailer@doodle.example"),
            "Priya Patel voted on 'Offsite dates'",
            "3 of 5 people have voted. Thursday is currently the most popular option.",
        ),
    ]
    sender, subject, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    b.extra = ["Auto-Submitted: auto-generated"] if i % 2 == 0 else []
    return _item(
        ctx,
        b,
        body_structure(ctx, text),
        "notification",
        False,
        "synthetic:notification-calendar",
        "mentions days and times; sent by a machine",
    )


def notif_bounce(ctx: Ctx, i: int) -> Item:
    """Delivery status notifications in the forms Postfix, Exchange and Gmail send."""
    client = ctx.client()
    rcpt = ctx.person()
    orig_subject = ctx.pick(["Invoice #2231 for October", "Can we meet Tuesday?", "Board deck", "Your receipt"])
    boundary = f"{ctx.rng.getrandbits(40):010X}.{ctx.rng.randint(1000000000, 1999999999)}/mx.{client.domain}"
    styles = [
        (Person("Mail Delivery System", f"MAILER-DAEMON@mx.{client.domain}"), "Undelivered Mail Returned to Sender"),
        (Person("Microsoft Outlook", f"postmaster@{client.domain}"), f"Undeliverable: {orig_subject}"),
        (
            Person("Mail Delivery Subsystem", "mailer-daemon@googlemail.example"),
            "Delivery Status Notification (Failure)",
        ),
    ]
    sender, subject = styles[i % len(styles)]
    human = text_part(
        f"This is the mail system at host mx.{client.domain}.\n\nI'm sorry to have "
        "to inform you that your message could not\nbe delivered to one or more "
        f"recipients.\n\n<{rcpt.email}>: host mx.{rcpt.domain} said: 550 5.1.1 User "
        "unknown\n"
    )
    status = Part(
        ["Content-Type: message/delivery-status"],
        (
            f"Reporting-MTA: dns; mx.{client.domain}\n\nFinal-Recipient: rfc822; {rcpt.email}\nOriginal-Recipient: "
            f"rfc822;{rcpt.email}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; "
            "550 5.1.1 User unknown\n"
        ),
    )
    original = Part(
        ["Content-Type: text/rfc822-headers"],
        f"From: {addr(client)}\nTo: {addr(rcpt)}\nSubject: {orig_subject}\nDate: {format_datetime(ctx.when)}\n",
    )
    part = multipart("report", [human, status, original], boundary, '; report-type="delivery-status"')
    b = Builder(ctx, sender, client, subject)
    b.return_path = ""
    return Item(
        "",
        render(b.headers(), part),
        "notification",
        False,
        "synthetic:notification-bounce",
        "a bounce of a message about an invoice or a meeting"
        if "Invoice" in orig_subject or "meet" in orig_subject
        else "",
    )


def notif_autoreply(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    sender = ctx.person()
    day = ctx.pick(WEEKDAYS)
    cases = [
        (
            f"Automatic reply: {ctx.pick(TOPICS)}",
            ["X-Auto-Response-Suppress: All", "Auto-Submitted: auto-replied"],
            (
                f"I'm out of the office until {day} with limited access to email. For urgent "
                "matters please contact my colleague Tom."
            ),
        ),
        (
            "Out of Office: Re: Can we meet next week?",
            [],
            (
                f"Thank you for your email. I am travelling and will be back on {day}. Could "
                "we find a time after that? My assistant can help with scheduling."
            ),
        ),
        (
            f"Re: {ctx.pick(TOPICS)}",
            ["Auto-Submitted: auto-replied"],
            "I'm on parental leave until March. Your message will not be forwarded.",
        ),
        (
            "Abwesenheitsnotiz: Rechnung 2026-0417",
            ["Auto-Submitted: auto-replied"],
            f"Vielen Dank für Ihre Nachricht. Ich bin bis {day} nicht im Büro.",
        ),
        (
            "Réponse automatique : Facture F-2026-118",
            ["X-Autoreply: yes"],
            "Je suis absent jusqu'au lundi 12. Pour toute urgence, contactez l'accueil.",
        ),
    ]
    subject, extra, text = cases[i % len(cases)]
    b = Builder(ctx, sender, client, subject)
    b.extra = list(extra)
    if i % 2 == 0:
        b.return_path = ""
    raw = render(b.headers(), body_structure(ctx, text))
    return Item(
        "",
        raw,
        "notification",
        False,
        "synthetic:notification-autoreply",
        "an auto-reply (some ask about times, some quote an invoice)",
    )


def notif_read_receipt(ctx: Ctx, i: int) -> Item:
    """RFC 8098 disposition notifications: "read receipts" are notifications, not receipts."""
    client = ctx.client()
    sender = ctx.person()
    orig = ctx.pick(["Invoice #2231 for October", "Signed contract", "Your receipt"])
    boundary = f"RR{ctx.rng.getrandbits(48):012x}"
    human = text_part(
        f"Your message\n\n  To: {sender.name}\n  Subject: {orig}\n\nwas read on {format_datetime(ctx.when)}.\n"
    )
    mdn = Part(
        ["Content-Type: message/disposition-notification"],
        (
            f"Reporting-UA: {sender.domain}; Microsoft Outlook 16.0\nFinal-Recipient: "
            f"rfc822;{sender.email}\nOriginal-Message-ID: <orig.{i}@{client.domain}>\nDisposition: "
            "manual-action/MDN-sent-manually; displayed\n"
        ),
    )
    part = multipart("report", [human, mdn], boundary, '; report-type="disposition-notification"')
    b = Builder(ctx, sender, client, f"Read: {orig}")
    return _item(ctx, b, part, "notification", False, "synthetic:notification-mdn", "a read receipt about an invoice")


# ---- invites ----


def ics(
    ctx: Ctx,
    method: str,
    organizer: Person,
    attendee: Person,
    summary: str,
    status: str = "CONFIRMED",
    partstat: str = "NEEDS-ACTION",
    seq: int = 0,
) -> str:
    start = ctx.when + timedelta(days=ctx.rng.randint(1, 20))
    start = start.replace(minute=0, second=0)
    end = start + timedelta(minutes=ctx.rng.choice([30, 45, 60]))
    fmt = "%Y%m%dT%H%M%SZ"
    uid = f"{ctx.rng.getrandbits(64):016x}@{organizer.domain}"
    return (
        f"BEGIN:VCALENDAR\nPRODID:{ctx.pick(PRODIDS)}\n"
        f"VERSION:2.0\nCALSCALE:GREGORIAN\nMETHOD:{method}\nBEGIN:VEVENT\nDTSTART:{start.strftime(fmt)}\nDTEND:{end.strftime(fmt)}\n"
        f"DTSTAMP:{ctx.when.strftime(fmt)}\nORGANIZER;CN={organizer.name}:mailto:{organizer.email}\nUID:{uid}\n"
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE;CN={attendee.name}:mailto:{attendee.email}\n"
        f"SEQUENCE:{seq}\nSTATUS:{status}\nSUMMARY:{summary}\nLOCATION:https://meet.example/{ctx.rng.getrandbits(32):08x}\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )


def invite_request(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    organizer = ctx.person()
    topic = ctx.pick(TOPICS)
    summary = (
        (topic[4:] if topic.startswith("the ") else topic).capitalize()
        + " "
        + ctx.pick(["sync", "review", "kickoff", "walkthrough"])
    )
    style = i % 3
    cal = ics(ctx, "REQUEST", organizer, client, summary)
    text = (
        f"You have been invited to the following event.\n\n{summary}\nWhen: {ctx.pick(WEEKDAYS)} "
        f"{ctx.pick(TIMES)}\nOrganizer: {organizer.name}\n\nJoin: https://meet.example/abc\n"
    )
    cal_part = Part(
        ['Content-Type: text/calendar; charset="UTF-8"; method=REQUEST', "Content-Transfer-Encoding: 7bit"], cal
    )
    if style == 0:  # Google: alternative with the calendar, plus an .ics attachment
        alt = multipart(
            "alternative",
            [text_part(text), text_part(html_of(text), "html", "quoted-printable"), cal_part],
            f"alt_{ctx.rng.getrandbits(48):012x}",
        )
        part = multipart(
            "mixed",
            [alt, file_part("invite.ics", "application/ics", cal.encode())],
            f"mix_{ctx.rng.getrandbits(48):012x}",
        )
        subject = f"Invitation: {summary} @ {ctx.pick(WEEKDAYS)} {ctx.pick(TIMES)} ({client.email})"
    elif style == 1:  # Outlook
        part = multipart(
            "alternative",
            [text_part(text), text_part(html_of(text, "outlook"), "html", "quoted-printable"), cal_part],
            f"_000_{ctx.rng.getrandbits(64):016X}_",
        )
        subject = summary
    else:  # Apple: the calendar as an inline attachment
        cal_file = Part(
            [
                'Content-Type: text/calendar; charset="utf-8"; method=REQUEST; name="invite.ics"',
                'Content-Disposition: attachment; filename="invite.ics"',
                "Content-Transfer-Encoding: base64",
            ],
            base64.encodebytes(cal.encode()).decode(),
        )
        part = multipart("mixed", [text_part(text), cal_file], f"Apple-Mail={ctx.rng.getrandbits(48):012X}")
        subject = f"Invitation: {summary}"
    b = Builder(ctx, organizer, client, subject)
    return _item(ctx, b, part, "invite", True, "synthetic:invite-request")


def invite_other_methods(ctx: Ctx, i: int) -> Item:
    client = ctx.client()
    other = ctx.person()
    summary = ctx.pick(["Board prep", "Budget review", "Vendor call", "Offsite planning"])
    cases = [
        (
            "CANCEL",
            f"Canceled event: {summary}",
            other,
            client,
            "CANCELLED",
            "NEEDS-ACTION",
            "This event has been canceled.",
        ),
        (
            "REPLY",
            f"Accepted: {summary}",
            other,
            client,
            "CONFIRMED",
            "ACCEPTED",
            f"{other.name} has accepted this invitation.",
        ),
        (
            "REPLY",
            f"Declined: {summary}",
            other,
            client,
            "CONFIRMED",
            "DECLINED",
            f"{other.name} has declined this invitation.",
        ),
        (
            "REQUEST",
            f"Updated invitation: {summary}",
            other,
            client,
            "CONFIRMED",
            "NEEDS-ACTION",
            "This event has been changed: the time moved to Thursday.",
        ),
        (
            "COUNTER",
            f"New time proposed: {summary}",
            other,
            client,
            "CONFIRMED",
            "TENTATIVE",
            f"{other.name} proposed a new time.",
        ),
    ]
    method, subject, sender, to, status, partstat, text = cases[i % len(cases)]
    organizer = client if method in ("REPLY", "COUNTER") else other
    attendee = other if method in ("REPLY", "COUNTER") else client
    cal = ics(ctx, method, organizer, attendee, summary, status, partstat, seq=1 if method != "REPLY" else 0)
    cal_part = Part(
        [f'Content-Type: text/calendar; charset="UTF-8"; method={method}', "Content-Transfer-Encoding: 7bit"], cal
    )
    part = multipart("alternative", [text_part(text), cal_part], f"cal_{ctx.rng.getrandbits(48):012x}")
    b = Builder(ctx, sender, to, subject)
    return _item(ctx, b, part, "invite", True, f"synthetic:invite-{method.lower()}", "any iMIP message is an invite")


def invite_from_system(ctx: Ctx, i: int) -> Item:
    """An invitation sent by a system or with list headers: the calendar part decides."""
    client = ctx.client()
    sender = ctx.pick(
        [
            Person("Webinars", "no-reply@webinars.example"),
            Person("Google Calendar", "calendar-notification@google.example"),
        ]
    )
    cal = ics(ctx, "REQUEST", Person("Events team", "events@webinars.example"), client, "Finance ops webinar")
    cal_part = Part(
        ['Content-Type: text/calendar; charset="UTF-8"; method=REQUEST', "Content-Transfer-Encoding: 7bit"], cal
    )
    part = multipart(
        "alternative",
        [text_part("You're registered. Add the session to your calendar.\n"), cal_part],
        f"sys_{ctx.rng.getrandbits(48):012x}",
    )
    b = Builder(ctx, sender, client, "Invitation: Finance ops webinar")
    if i % 2 == 0:
        b.extra = ["List-Unsubscribe: <https://webinars.example/u>", "Auto-Submitted: auto-generated"]
    return _item(
        ctx, b, part, "invite", False, "synthetic:invite-system", "a calendar part wins over machine and list headers"
    )


# -- RFC examples, written out from the documents ----------------------------------------

RFC5322 = {
    "A.1.1": """
From: John Doe <jdoe@machine.example>
To: Mary Smith <mary@example.net>
Subject: Saying Hello
Date: Fri, 21 Nov 1997 09:55:06 -0600
Message-ID: <1234@local.machine.example>

This is a message just to say hello.
So, "Hello".
""",
    "A.1.2": """
From: "Joe Q. Public" <john.q.public@example.com>
To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>
Cc: <boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>
Date: Tue, 1 Jul 2003 10:52:37 +0200
Message-ID: <5678.21-Nov-1997@example.com>

Hi everyone.
""",
    "A.1.3": """
From: Pete <pete@silly.example>
To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
Cc: Undisclosed recipients:;
Date: Thu, 13 Feb 1969 23:32:54 -0330
Message-ID: <testabcd.1234@silly.example>

Testing.
""",
    "A.2-a": """
From: Mary Smith <mary@example.net>
To: John Doe <jdoe@machine.example>
Reply-To: "Mary Smith: Personal Account" <smith@home.example>
Subject: Re: Saying Hello
Date: Fri, 21 Nov 1997 10:01:10 -0600
Message-ID: <3456@example.net>
In-Reply-To: <1234@local.machine.example>
References: <1234@local.machine.example>

This is a reply to your hello.
""",
    "A.2-b": """
To: "Mary Smith: Personal Account" <smith@home.example>
From: John Doe <jdoe@machine.example>
Subject: Re: Saying Hello
Date: Fri, 21 Nov 1997 11:00:00 -0600
Message-ID: <abcd.1234@local.machine.test>
In-Reply-To: <3456@example.net>
References: <1234@local.machine.example> <3456@example.net>

This is a reply to your reply.
""",
    "A.3": """
Resent-From: Mary Smith <mary@example.net>
Resent-To: Jane Brown <j-brown@other.example>
Resent-Date: Mon, 24 Nov 1997 14:22:01 -0800
Resent-Message-ID: <78910@example.net>
From: John Doe <jdoe@machine.example>
To: Mary Smith <mary@example.net>
Subject: Saying Hello
Date: Fri, 21 Nov 1997 09:55:06 -0600
Message-ID: <1234@local.machine.example>

This is a message just to say hello.
So, "Hello".
""",
    "A.4": """
Received: from x.y.test
   by example.net
   via TCP
   with ESMTP
   id ABC12345
   for <mary@example.net>;  21 Nov 1997 10:05:43 -0600
Received: from node.example by x.y.test; 21 Nov 1997 10:01:22 -0600
From: John Doe <jdoe@node.example>
To: Mary Smith <mary@example.net>
Subject: Saying Hello
Date: Fri, 21 Nov 1997 09:55:06 -0600
Message-ID: <1234@local.node.example>

This is a message just to say hello.
So, "Hello".
""",
    "A.5": """
From: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>
To:A Group(Some people)
     :Chris Jones <c@(Chris's host.)public.example>,
         joe@example.org,
  John <jdoe@one.test> (my dear friend); (the end of the group)
Cc:(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;
Date: Thu,
      13
        Feb
          1969
      23:32
               -0330 (Newfoundland Time)
Message-ID:              <testabcd.1234@silly.test>

Testing.
""",
    "A.6.1": """
From: Joe Q. Public <john.q.public@example.com>
To: Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example
Date: Tue, 1 Jul 2003 10:52:37 +0200
Message-ID: <5678.21-Nov-1997@example.com>

Hi everyone.
""",
    "A.6.2": """
From: John Doe <jdoe@machine.example>
To: Mary Smith <mary@example.net>
Subject: Saying Hello
Date: 21 Nov 97 09:55:06 GMT
Message-ID: <1234@local.machine.example>

This is a message just to say hello.
So, "Hello".
""",
    "A.6.3": """
From  : John Doe <jdoe@machine(comment).  example>
To    : Mary Smith
\x20\x20
          <mary@example.net>
Subject     : Saying Hello
Date  : Fri, 21 Nov 1997 09(comment):   55  :  06 -0600
Message-ID  : <1234   @   local(blah)  .machine .example>

This is a message just to say hello.
So, "Hello".
""",
}

RFC3464 = {
    "10.1": """
Date: Thu, 7 Jul 1994 17:16:05 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Message-Id: <199407072116.RAA14128@CS.UTK.EDU>
Subject: Returned mail: Cannot send message for 5 days
To: <owner-info-mime@cs.utk.edu>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="RAA14128.773615765/CS.UTK.EDU"

--RAA14128.773615765/CS.UTK.EDU

   The original message was received at Sat, 2 Jul 1994 17:10:28 -0400
   from root@localhost

      ----- The following addresses had delivery problems -----
<louisl@larry.slip.umd.edu>  (unrecoverable error)

      ----- Transcript of session follows -----
<louisl@larry.slip.umd.edu>... Deferred: Connection timed out
      with larry.slip.umd.edu.
Message could not be delivered for 5 days
Message will be deleted from queue

--RAA14128.773615765/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;louisl@larry.slip.umd.edu
Final-Recipient: rfc822;louisl@larry.slip.umd.edu
Action: failed
Status: 4.0.0
Diagnostic-Code: smtp; 426 connection timed out
Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400

--RAA14128.773615765/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]

--RAA14128.773615765/CS.UTK.EDU--
""",
    "10.2": """
Date: Fri, 8 Jul 1994 09:21:47 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Subject: Returned mail: User unknown
To: <owner-ietf-mta@cs.utk.edu>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="JAA13167.773673707/CS.UTK.EDU"

--JAA13167.773673707/CS.UTK.EDU
content-type: text/plain; charset=us-ascii

   ----- The following addresses had delivery problems -----
<arathib@vnet.ibm.com>  (unrecoverable error)
<wsnell@sdcc13.ucsd.edu>  (unrecoverable error)

--JAA13167.773673707/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;arathib@vnet.ibm.com
Final-Recipient: rfc822;arathib@vnet.ibm.com
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp;  550 'arathib@vnet.IBM.COM' is not a
    registered gateway user
Remote-MTA: dns; vnet.ibm.com

Original-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Final-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Action: delayed
Status: 4.0.0 (hpnjld.njd.jp.com: host name lookup failure)

Original-Recipient: rfc822;wsnell@sdcc13.ucsd.edu
Final-Recipient: rfc822;wsnell@sdcc13.ucsd.edu
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 user unknown
Remote-MTA: dns; sdcc13.ucsd.edu

--JAA13167.773673707/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]

--JAA13167.773673707/CS.UTK.EDU--
""",
    "10.3": """
Date: Sun, 10 Jul 1994 20:42:19 -0400
From: Postmaster <postmaster@cs.utk.edu>
Subject: Delayed mail: still trying to deliver
To: <keith@cs.utk.edu>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="UAA09411.773890000/cs.utk.edu"

--UAA09411.773890000/cs.utk.edu

Your message has not been delivered yet. The mail system will keep
trying for another four days.

--UAA09411.773890000/cs.utk.edu
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Final-Recipient: rfc822;nobody@example.org
Action: delayed
Status: 4.4.1
Will-Retry-Until: Thu, 14 Jul 1994 20:42:19 -0400

--UAA09411.773890000/cs.utk.edu--
""",
}

RFC6047 = {
    "4.1": """
From: sman@example.net
To: stevesil@example.com
Subject: Phone Conference
Mime-Version: 1.0
Date: Wed, 07 May 2008 21:30:25 +0400
Message-ID: <4821E731.5040506@laptop1.example.com>
Content-Type: text/calendar; method=REQUEST; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

BEGIN:VCALENDAR
PRODID:-//Example/ExampleCalendarClient//EN
METHOD:REQUEST
VERSION:2.0
BEGIN:VEVENT
ORGANIZER:mailto:man@example.com
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:man@example.com
ATTENDEE;RSVP=YES;CUTYPE=INDIVIDUAL:mailto:stevesil@example.com
DTSTAMP:19970611T190000Z
DTSTART:19970701T210000Z
DTEND:19970701T230000Z
SUMMARY:Phone Conference
DESCRIPTION:Please review the attached document.
UID:calsvr.example.com-873970198738777
ATTACH:ftp://ftp.example.com/pub/docs/foo.doc
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR
""",
    "4.2": """
From: foo1@example.com
To: foo2@example.com
Subject: Conference Call
Mime-Version: 1.0
Date: Wed, 07 May 2008 21:30:25 +0400
Message-ID: <4821E731.5040506@laptop1.example.com>
Content-Type: multipart/alternative;boundary="01BD3665.3AF0D360"

--01BD3665.3AF0D360
Content-Type: text/plain;charset=us-ascii
Content-Transfer-Encoding: 7bit

This is an alternative representation of a TEXT/CALENDAR MIME Object

When: 7/1/1997 10:00PM PDT- 7/1/97 10:30 PM PDT
Where:
Organizer: foo1@example.com
Summary: Let's discuss the attached document

--01BD3665.3AF0D360
Content-Type:text/calendar; method=REQUEST; charset=US-ASCII
Content-Transfer-Encoding: 7bit
Content-Disposition: attachment; filename="event.ics"

BEGIN:VCALENDAR
PRODID:-//Example/ExampleCalendarClient//EN
METHOD:REQUEST
VERSION:2.0
BEGIN:VEVENT
ORGANIZER:foo1@example.com
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:foo1@example.com
ATTENDEE;RSVP=YES;CUTYPE=INDIVIDUAL:mailto:foo2@example.com
DTSTAMP:19970611T190000Z
DTSTART:19970701T210000Z
DTEND:19970701T230000Z
SUMMARY:Let's discuss the attached document
UID:calsvr.example.com-873970198738777-8aa
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR

--01BD3665.3AF0D360--
""",
    "4.3-reply": """
From: stevesil@example.com
To: sman@example.net
Subject: Accepted: Phone Conference
Mime-Version: 1.0
Date: Wed, 07 May 2008 22:05:10 +0400
Message-ID: <4821E731.5040507@laptop2.example.com>
Content-Type: text/calendar; method=REPLY; charset=UTF-8

BEGIN:VCALENDAR
PRODID:-//Example/ExampleCalendarClient//EN
METHOD:REPLY
VERSION:2.0
BEGIN:VEVENT
ORGANIZER:mailto:man@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:stevesil@example.com
DTSTAMP:19970611T193000Z
UID:calsvr.example.com-873970198738777
SEQUENCE:0
REQUEST-STATUS:2.0;Success
END:VEVENT
END:VCALENDAR
""",
    "4.4-cancel": """
From: sman@example.net
To: stevesil@example.com
Subject: Cancelled: Phone Conference
Mime-Version: 1.0
Date: Thu, 08 May 2008 09:12:44 +0400
Message-ID: <4821E731.5040508@laptop1.example.com>
Content-Type: text/calendar; method=CANCEL; charset=UTF-8

BEGIN:VCALENDAR
PRODID:-//Example/ExampleCalendarClient//EN
METHOD:CANCEL
VERSION:2.0
BEGIN:VEVENT
ORGANIZER:mailto:man@example.com
ATTENDEE:mailto:stevesil@example.com
DTSTAMP:19970613T190000Z
UID:calsvr.example.com-873970198738777
SEQUENCE:1
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
""",
}

OTHER_RFC = {
    "rfc2369": (
        """
From: Dee Martin <dee@list-member.example>
To: ietf-announce@list.example
Subject: [announce] Draft minutes from the interim meeting
Date: Tue, 14 Mar 2000 16:20:06 -0500
Message-ID: <20000314.162006@list-member.example>
List-Help: <mailto:list@host.com?subject=help> (List Instructions)
List-Unsubscribe: <mailto:list@host.com?subject=unsubscribe>
List-Subscribe: <mailto:list-request@host.com?subject=subscribe>
List-Post: <mailto:list@host.com>
List-Owner: <mailto:listmom@host.com> (Contact Person for Help)
List-Archive: <mailto:archive@host.com?subject=index%20list>

The draft minutes from the interim meeting are now available in the
archive. Comments to the list, please, by Friday.
""",
        "newsletter",
        "the List-* header examples of RFC 2369 section 3",
    ),
    "rfc3834": (
        """
From: Keith Moore <moore@example.com>
To: Ned Freed <ned@example.org>
Subject: Auto: Re: The Auto-Submitted header
Date: Mon, 5 Jul 2004 10:30:00 -0400
Message-ID: <auto.20040705103000@example.com>
In-Reply-To: <20040705.1425@example.org>
References: <20040705.1425@example.org>
Auto-Submitted: auto-replied

I am away from my mail until July 12 and will answer your message when
I return.
""",
        "notification",
        "an automatic response as RFC 3834 sections 3.1.7 and 5 describe it",
    ),
    "rfc8098": (
        """
Date: Wed, 20 Sep 1995 00:19:00 (EDT) -0400
From: Joe Recipient <Joe_Recipient@example.com>
Message-Id: <199509200019.12345@example.com>
Subject: Disposition notification
To: Jane Sender <Jane_Sender@example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification;
    boundary="RAA14128.773615765/example.com"

--RAA14128.773615765/example.com

The message sent on 1995 Sep 19 at 13:30:00 (EDT) -0400 to Joe
Recipient <Joe_Recipient@example.com> with subject "First draft of
report" has been displayed.
This is no guarantee that the message has been read or understood.

--RAA14128.773615765/example.com
content-type: message/disposition-notification

Reporting-UA: joes-pc.cs.example.com; Foomail 97.1
Original-Recipient: rfc822;Joe_Recipient@example.com
Final-Recipient: rfc822;Joe_Recipient@example.com
Original-Message-ID: <199509192301.23456@example.org>
Disposition: manual-action/MDN-sent-manually; displayed

--RAA14128.773615765/example.com
content-type: message/rfc822

[original message optionally goes here]

--RAA14128.773615765/example.com--
""",
        "notification",
        "the MDN example of RFC 8098 section 9",
    ),
}


def rfc_items() -> Iterator[Item]:
    for section, text in RFC5322.items():
        yield Item(
            f"rfc5322-{section.lower().replace('.', '-')}",
            render_raw(text),
            "personal",
            section.startswith("A.2"),
            f"rfc5322:{section}",
            "RFC 5322 Appendix A example",
        )
    for section, text in RFC3464.items():
        yield Item(
            f"rfc3464-{section.replace('.', '-')}",
            render_raw(text),
            "notification",
            False,
            f"rfc3464:{section}",
            "RFC 3464 section 10 example DSN",
        )
    for section, text in RFC6047.items():
        note = (
            "RFC 6047 section 4 example"
            if section[0] == "4" and "-" not in section
            else "an iMIP reply/cancel in the style of RFC 6047 section 4 / RFC 5546"
        )
        yield Item(
            f"rfc6047-{section.replace('.', '-')}", render_raw(text), "invite", False, f"rfc6047:{section}", note
        )
    for name, (text, category, note) in OTHER_RFC.items():
        yield Item(name, render_raw(text), category, False, f"{name}:example", note)


# -- the held-out split --------------------------------------------------------------------
#
# Written after the classifier had been adjusted on the messages above, and evaluated
# once: its numbers say how the classifier does on phrasings it was not adjusted to.
# One message per line: (category, known, sender kind, subject, body, options).
# Sender kinds: "colleague" (at the client's domain), "partner", "friend", "stranger",
# "vendor:<Name>:<address>" (a fixed sender); options: "html" (HTML only), "alt"
# (plain + HTML), "pdf:<name>", "ics:<METHOD>", "report", and "h:<Header>: <value>".

HOLDOUT: list[tuple[str, bool, str, str, str, tuple[str, ...]]] = [
    # personal
    (
        "personal",
        True,
        "colleague",
        "Re: hiring plan",
        "I talked to Marcus; he's fine with the revised offer. We'll send it Monday.",
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "Grandma's 90th",
        "Grandma's 90th is on the 14th! We're keeping it small, just family at the house.",
        ("alt",),
    ),
    (
        "personal",
        True,
        "friend",
        "the deck",
        "The contractor finished the deck and it looks amazing. Photos below, more on the weekend.",
        ("html",),
    ),
    (
        "personal",
        True,
        "colleague",
        "Signature needed",
        "Can you sign page 3 of the lease amendment and send it back to me? I'll courier the originals.",
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Thank you",
        "Thanks again for covering for me at the offsite. I owe you one - next dinner is on me.",
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Small favor",
        "Quick favor: could you introduce me to Helen Park? No rush at all, whenever it's convenient.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Tomorrow",
        "Our flight got in late, so I'll be in the office around 11 tomorrow. Nothing urgent on my side.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Q3 numbers",
        "The Q3 numbers look solid - revenue up 12%, churn flat, cash better than plan. Deck attached.",
        ("pdf:Q3-review.pdf",),
    ),
    (
        "personal",
        True,
        "colleague",
        "Fwd: Signed lease",
        (
            "Forwarding the signed lease for your records.\n\n---------- Forwarded "
            "message ---------\nFrom: Landlord <office@harborprops.example>\nSubject: "
            "Signed lease\n\nPlease find the countersigned lease attached."
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "fotos",
        "Hola! Ya tengo las fotos de la boda, te las mando esta noche. Salieron preciosas.",
        (),
    ),
    (
        "personal",
        False,
        "stranger",
        "Press release figure",
        (
            "I'm a reporter at the Ledger. Could you confirm the headcount figure in "
            "yesterday's press release? I want to get it right."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "PO number",
        "I've asked accounting to re-issue the invoice with the new PO number. You should see it by Thursday.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Client demo",
        "The demo went well; the client wants pricing for the add-on by Friday. I'll draft something.",
        (),
    ),
    (
        "personal",
        False,
        "colleague",
        "Denver budget",
        "Quick question - do we still have budget for the Denver trip, or should I hold off booking?",
        (),
    ),
    (
        "personal",
        False,
        "stranger",
        "Your 2019 talk",
        (
            "Quick question about your 2019 talk on supply chains - do you still have "
            "the slides somewhere? I'd love to reread them."
        ),
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Re: contract",
        (
            "Looks good to me. I made two small edits in section 4; everything else "
            "can stay.\n\nOn Tue, Nov 10, 2026 at 4:12 PM Dana Whitfield <dana@acme.example> "
            "wrote:\n> Can we get this signed by Friday?\n> Dana"
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "dinner receipt",
        "Last night was so fun. I covered it - $160 all in - send me your half whenever.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Notes from the call",
        (
            "Notes from this morning's call with Globex are in the folder. Action items: "
            "legal review, updated pricing, intro to their CFO."
        ),
        (),
    ),
    # scheduling
    ("scheduling", True, "colleague", "Still on?", "Are we still on for Thursday? I have the room booked from 2.", ()),
    ("scheduling", True, "partner", "Quick call", "Could we hop on the phone later today? 10 minutes max.", ()),
    ("scheduling", True, "friend", "in town", "I'm in town the week of the 20th - lunch?", ()),
    (
        "scheduling",
        True,
        "partner",
        "Contract",
        "Would you have a window on Monday to go over the contract? I can come to you.",
        ("alt",),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Handover",
        "Let's pencil in Friday 9:30 for the handover. I'll bring the checklist.",
        (),
    ),
    ("scheduling", True, "colleague", "4pm?", "Can you make a 4pm call tomorrow with the auditors?", ()),
    (
        "scheduling",
        True,
        "partner",
        "Before the board meeting",
        "I'd like to get 30 minutes on your calendar before the board meeting, ideally early next week.",
        ("html",),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "chat?",
        "Free to chat this afternoon? Five minutes, it's about the offer letter.",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Tuesday",
        "Happy to come by your office Tuesday if that's easier than a call - just say when.",
        (),
    ),
    ("scheduling", True, "partner", "Re: catch-up", "Shall we say 2pm Wednesday? I'll send a dial-in.", ()),
    (
        "scheduling",
        True,
        "partner",
        "Anruf",
        "Guten Tag, passt Ihnen Montag um 10 Uhr für einen kurzen Anruf? Viele Grüße",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Se voir ?",
        "Bonjour, est-ce qu'on peut se voir la semaine prochaine pour faire le point ? Bonne journée",
        (),
    ),
    ("scheduling", True, "friend", "café", "¿Te viene bien el jueves a las 5 para un café?", ()),
    (
        "scheduling",
        False,
        "stranger",
        "Advice",
        (
            "I'm moving to Boston in January and would love 20 minutes of your advice "
            "on the local market. Could we talk sometime next week?"
        ),
        (),
    ),
    ("scheduling", True, "colleague", "Running late", "Running late - can we start at 3:15 instead of 3?", ()),
    (
        "scheduling",
        True,
        "colleague",
        "Budget review",
        "Could we set up time next week to review the budget? Tuesday or Wednesday would be ideal.",
        ("html",),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "45 min with Luis",
        "Sam, please find 45 minutes with Luis this week. He's flexible except Friday.",
        (),
    ),
    ("scheduling", True, "partner", "Re: Meeting", "Thursday works. 11?", ()),
    # cold outreach
    (
        "cold_outreach",
        False,
        "vendor:Jake Moss:jake@vendrix.example",
        "AP automation",
        (
            "Hi Dana, I'm Jake from Vendrix. We help finance teams automate accounts "
            "payable end to end. Do you have 15 min this week?"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Alma Ruiz:alma@syncfield.example",
        "Salesforce",
        "Noticed you're using Salesforce - we built an integration that saves reps 5 hours a week. Open to a demo?",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Tim Ng:tim@payrollpath.example",
        "Payroll this year?",
        (
            "Is Acme evaluating new payroll providers this year? We'd love to earn "
            "your business and can beat your current rate."
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Nora Beck:nora@officeaudit.example",
        "Complimentary audit",
        (
            "Hi Dana, reaching out to see if you'd be interested in a complimentary "
            "workspace audit. Most offices save 15% on facilities."
        ),
        ("alt",),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Omar Ali:omar@supportai.example",
        "Your competitors",
        (
            "Your competitors are already using AI for customer support. Let's talk "
            "about how we can help you catch up - I have time Thursday."
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Jake Moss:jake2@vendrix.example",
        "Re: AP automation",
        "Following up - wanted to make sure this didn't slip through the cracks. Any interest?",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Lia Chen:lia@itdirect.example",
        "IT purchasing",
        (
            "Do you handle IT purchasing at Acme? If not, could you forward this to "
            "whoever does? We resell laptops at 12% under list."
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ben Ford:ben@crmly.example",
        "20% off",
        "We're offering a 20% discount for new customers who sign before Friday. Happy to send a quote.",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Jake Lund:jake@outreachly.example",
        "Time to connect",
        "Hi Dana, grab a time here if you're curious how we double reply rates: https://cal.example/jake-lund",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ivy Shaw:ivy@brightpath.example",
        "Introducing Brightpath",
        (
            "I'd like to introduce Brightpath, the all-in-one HR platform trusted by "
            "2,000 companies. Can I send over a short video?"
        ),
        ("html",),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Kai Roth:kai@futuresummit.example",
        "Speaking slot",
        (
            "We'd love to have you speak at the Future Ops Summit. Sponsorship packages "
            "are also available - I can share the deck."
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Max Poe:max@scaleout.example",
        "Loved your post",
        "Loved your recent post! I help SaaS founders scale their outbound. Would it be crazy to set up a quick call?",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Eva Lind:eva@sdrhire.example",
        "SDR hiring",
        "Saw that Acme is hiring SDRs. We place top sales talent in 2 weeks. Worth a chat?",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Jan Weber:jan@ablaufwerk.example",
        "Kurze Demo",
        "Guten Tag, darf ich Ihnen in 15 Minuten zeigen, wie unsere Software Ihre Abläufe vereinfacht?",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ray Cole:ray@leadloop.example",
        "Idea",
        "We help B2B teams book 20 more meetings a month.\n\nP.S. Not interested? Reply 'no' and I won't follow up.",
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ana Pike:ana@cloudtrim.example",
        "Cloud costs",
        "We've worked with teams at Stripe and Notion to cut cloud costs by 30%. Could I show you how on a short call?",
        (),
    ),
    # receipts
    (
        "receipt",
        False,
        "vendor:Apple:no_reply@email.apple.example",
        "Your receipt from Apple.",
        "Apple ID: dana@acme.example\nBilled to Visa .... 4242\niCloud+ 200GB  $2.99\nTOTAL  $2.99",
        ("html", "h:List-Unsubscribe: <https://apple.example/u>"),
    ),
    (
        "receipt",
        False,
        "vendor:Ledgerly:ar@ledgerly.example",
        "Payment of $1,200.00 received - Invoice 8812",
        "Thank you, we've applied your payment to invoice 8812.",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Lyft:no-reply@lyftmail.example",
        "Your ride with Carlos on Tuesday",
        "Thanks for riding with Carlos!\n\nLyft fare (4.2mi, 14m)  $12.40\nTip  $1.85\nTotal  $14.25\nVisa *4242",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Amazon.com:auto-confirm@amazon.example",
        'Your Amazon.com order of "Desk lamp".',
        (
            "Thanks for your order, Dana!\n\nOrder #112-5541234-1123321\nItem Subtotal: "
            "$34.99\nTax: $2.80\nOrder Total: $37.79"
        ),
        ("html",),
    ),
    (
        "receipt",
        False,
        "vendor:Blue Bottle:receipts@bluebottle.example",
        "Thanks! Here's your receipt",
        "Blue Bottle Coffee - Hayes Valley\nNew Orleans Iced  $6.00\nTax  $0.52\nTotal  $6.52",
        (),
    ),
    (
        "receipt",
        True,
        "vendor:Maya Holt:maya.holt@gmail.com",
        "Invoice 014 - website work, November",
        "Hi Dana, invoice 014 for the November website work is attached. Thanks as always!\nMaya",
        ("pdf:Invoice-014.pdf",),
    ),
    (
        "receipt",
        False,
        "vendor:The Marlow:frontdesk@themarlow.example",
        "Your stay at The Marlow",
        (
            "Thank you for staying with us.\n\nRoom charges  $540.00\nTaxes  $72.40\nTotal "
            "charges  $612.40\nPayments  -$612.40\nBalance  $0.00"
        ),
        ("pdf:Folio-44120.pdf",),
    ),
    (
        "receipt",
        False,
        "vendor:Doctors Without Borders:donations@msf.example",
        "Receipt for your donation",
        "Thank you for your gift of $100.00 on November 3. Please keep this receipt for your tax records.",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Stripe:receipts+acct@stripe.example",
        "Your payment to Figma",
        "Amount paid  $45.00\nDate paid  Nov 2, 2026\nPayment method  Mastercard - 5454",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Zalando:service@zalando.example",
        "Ihre Bestellung bei Zalando",
        (
            "Vielen Dank für Ihre Bestellung!\n\nWintermantel  79,95 €\nVersand  0,00 "
            "€\nGesamtsumme  79,95 € (inkl. MwSt.)"
        ),
        ("html",),
    ),
    (
        "receipt",
        False,
        "vendor:Chase:no.reply.alerts@chase.example",
        "Your statement is available",
        "Your October statement for your account ending in 1234 is now available online.",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:PG&E:customerservice@pge.example",
        "Your PG&E bill is ready",
        "Amount due: $143.22\nDue date: Dec 1",
        (),
    ),
    (
        "receipt",
        True,
        "colleague",
        "Expense reimbursement paid",
        (
            "Your reimbursement for the Denver trip was paid today.\n\nAmount paid: "
            "$312.50\nPaid to: checking account ending 0114"
        ),
        (),
    ),
    (
        "receipt",
        True,
        "colleague",
        "Fwd: Your Uber Eats order",
        (
            "For the team lunch.\n\nBegin forwarded message:\n\nFrom: Uber Eats <noreply@uber.example>\nSubject: "
            "Your Uber Eats order\n\nSubtotal $86.00\nDelivery fee $2.99\nTotal $97.15\nVisa "
            "4242"
        ),
        (),
    ),
    # newsletters
    (
        "newsletter",
        False,
        "vendor:Ben Thompson:ben@stratechery.example",
        "The meeting that should have been an email",
        (
            "Next week I'll look at why calendars fill up. Can we meet less? Probably. "
            "Subscribers can reply to this email."
        ),
        ("h:List-Unsubscribe: <https://stratechery.example/u>", "h:List-Id: <daily.stratechery.example>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Outfitters:deals@outfitters.example",
        "Black Friday: 40% off sitewide",
        "Everything 40% off. Free shipping on orders over $75. Ends Sunday at midnight.",
        ("html", "h:List-Unsubscribe: <https://outfitters.example/u>", "h:X-Campaign: bf2026"),
    ),
    (
        "newsletter",
        False,
        "vendor:OpsCon:hello@opscon.example",
        "Early-bird tickets end Friday",
        "Book now and save $300 on your OpsCon pass. Sessions on planning, hiring and scheduling.",
        ("alt", "h:List-Unsubscribe: <mailto:u@opscon.example>"),
    ),
    (
        "newsletter",
        False,
        "vendor:ProNet:updates@pronet.example",
        "Your weekly network update",
        "5 people viewed your profile. Priya Patel started a new role. See who's hiring.",
        ("html", "h:List-Unsubscribe: <https://pronet.example/u>", "h:Feedback-ID: weekly:pronet"),
    ),
    (
        "newsletter",
        False,
        "vendor:People Ops Weekly:events@peopleops.example",
        "Webinar: better 1:1s, Tuesday 2pm ET",
        "Join us Tuesday at 2pm ET for a 45-minute session on running better 1:1s. Register now.",
        ("h:List-Unsubscribe: <https://peopleops.example/u>",),
    ),
    (
        "newsletter",
        False,
        "vendor:Clean Water Fund:give@cleanwater.example",
        "Your gift can double today",
        "A donor will match every gift today. $50 provides clean water for a family for a year.",
        ("html", "h:List-Unsubscribe: <https://cleanwater.example/u>", "h:Precedence: bulk"),
    ),
    (
        "newsletter",
        False,
        "vendor:Quill Docs:updates@quilldocs.example",
        "November product roundup",
        "Shared templates, faster exports and a new admin console. Book a walkthrough with our team.",
        ("alt", "h:List-Unsubscribe: <https://quilldocs.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:board-l:board-l@lists.acme.example",
        "[board-l] Minutes from Tuesday's meeting",
        "Attached are the draft minutes. Please send corrections by Friday.",
        (
            "h:List-Id: <board-l.lists.acme.example>",
            "h:List-Post: <mailto:board-l@lists.acme.example>",
            "h:Precedence: list",
        ),
    ),
    (
        "newsletter",
        False,
        "vendor:Le Brief:lettre@lebrief.example",
        "Le brief du lundi",
        "Cette semaine : les marchés, trois rendez-vous à ne pas manquer et un portrait.",
        ("h:List-Unsubscribe: <https://lebrief.example/u>",),
    ),
    (
        "newsletter",
        False,
        "vendor:Food Bank:news@cityfoodbank.example",
        "Your 2026 impact report",
        "Thanks to you, we served 1.2 million meals this year. Here's what your support made possible.",
        ("html", "h:Precedence: bulk"),
    ),
    (
        "newsletter",
        False,
        "vendor:Kettle & Co:hello@kettle.example",
        "Order now: the holiday gift guide",
        "Gifts from $29. Order by Dec 15 for delivery before the holidays.",
        ("html", "h:List-Unsubscribe: <https://kettle.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Negotiation Notes:hi@negotiationnotes.example",
        "Can we meet in the middle?",
        "This week: why splitting the difference rarely works, and what to do on Monday instead.",
        ("h:List-Unsubscribe: <https://negotiationnotes.example/u>",),
    ),
    (
        "newsletter",
        False,
        "vendor:DeskWorks:hello@deskworks.example",
        "Your cart misses you - 10% off",
        "Still thinking it over? Take 10% off your cart today.",
        ("html", "h:List-Unsubscribe: <https://deskworks.example/u>"),
    ),
    # notifications
    (
        "notification",
        False,
        "vendor:octocat:notifications@github.com",
        "Re: [acme/api] Merge retry logic (PR #512)",
        "Merged #512 into main.",
        ("h:X-GitHub-Reason: author", "h:List-ID: acme/api <api.acme.github.com>"),
    ),
    (
        "notification",
        False,
        "vendor:Linear:notifications@linear.example",
        "ENG-231 was assigned to you",
        "Tom assigned ENG-231 'Fix invoice export' to you. Due Friday.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Notion:notify@notion.example",
        "Priya mentioned you in Q1 plan",
        "Priya Patel mentioned you: '@Dana can we meet Thursday to finalize?'",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Zoom:no-reply@zoom.example",
        "Your meeting is starting in 10 minutes",
        "Board prep starts at 3:00 PM. Join from your browser or the app.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Microsoft Outlook:postmaster@acme.example",
        "Undeliverable: Lunch Friday?",
        "Delivery has failed to these recipients or groups: tom@oldcompany.example",
        (),
    ),
    (
        "notification",
        False,
        "partner",
        "Automatic reply: Invoice 8812",
        "Thank you for your message. I am out of the office until Monday, November 23.",
        ("h:Auto-Submitted: auto-replied", "h:X-Auto-Response-Suppress: All"),
    ),
    (
        "notification",
        False,
        "vendor:AWS Budgets:no-reply-aws@amazon.example",
        "AWS Budgets: monthly budget exceeded",
        "Your budget 'prod' has exceeded 100% of $5,000.00. Actual spend: $5,212.40.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Google Workspace:workspace-noreply@google.example",
        "Your storage is almost full",
        "You've used 95% of your storage. Free up space or buy more.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Acme Security:security@acme.example",
        "New login to your account from Chrome on Mac",
        "If this was you, no action is needed.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:PhoneLine:voicemail@phoneline.example",
        "New voicemail from (555) 012-3344",
        "You have a new 42-second voicemail. Listen in the app.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Smile Dental:reminders@smiledental.example",
        "Reminder: dental appointment tomorrow at 9:00am",
        "Please arrive 10 minutes early. Reply C to confirm.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Kettle & Co:shipment-tracking@kettle.example",
        "Out for delivery: your order from Kettle & Co",
        "Your package is out for delivery and should arrive today by 8pm.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Workday:workday@acme.example",
        "Your time off request was approved",
        "Your request for Dec 22 - Dec 26 was approved by Tom Becker.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Jenkins:jenkins@ci.acme.example",
        "Build #442 FAILED: api-nightly",
        "Build #442 of api-nightly failed at stage 'integration'. Changes: 3 commits.",
        (),
    ),
    # invites
    (
        "invite",
        True,
        "partner",
        "Weekly vendor sync",
        "Microsoft Teams meeting. Join on your computer or mobile app.",
        ("ics:REQUEST",),
    ),
    (
        "invite",
        True,
        "partner",
        "Zoom: contract review",
        "Join Zoom Meeting https://zoom.example/j/123",
        ("ics:REQUEST", "alt"),
    ),
    (
        "invite",
        True,
        "colleague",
        "Updated invitation with note: Board prep",
        "The room changed to 4B.",
        ("ics:REQUEST",),
    ),
    (
        "invite",
        True,
        "colleague",
        "Canceled: Weekly sync",
        "This meeting has been canceled for the holidays.",
        ("ics:CANCEL",),
    ),
    ("invite", True, "partner", "Tentative: Contract review", "Tentatively accepted.", ("ics:REPLY",)),
    (
        "invite",
        False,
        "vendor:Calendly:no-reply@calendly.example",
        "Invitation: Dana Whitfield and Jo Park",
        "A new meeting has been booked.",
        ("ics:REQUEST",),
    ),
    (
        "invite",
        False,
        "vendor:TicketHub:tickets@tickethub.example",
        "Your tickets: City Symphony, Saturday",
        "Add the concert to your calendar.",
        ("ics:PUBLISH", "h:List-Unsubscribe: <https://tickethub.example/u>"),
    ),
    ("invite", True, "friend", "Dinner at ours", "Sent from iCloud Calendar.", ("ics:REQUEST",)),
]


# The second held-out split: written after the classifier had been adjusted on the first
# one too, and evaluated once. Same line format as HOLDOUT.

HOLDOUT2: list[tuple[str, bool, str, str, str, tuple[str, ...]]] = [
    # personal
    (
        "personal",
        True,
        "colleague",
        "Offsite venue",
        (
            "The venue in Sonoma confirmed our dates. They need the final headcount "
            "two weeks before, so I'll chase the team on Monday.\n\nThe deposit is "
            "already paid from the events budget."
        ),
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Re: term sheet",
        (
            "We're fine with the board composition. The liquidation preference is the "
            "one open point - our counsel will send language tomorrow.\n\nOn Wed, Nov "
            "18, 2026 at 8:03 AM Dana Whitfield <dana@acme.example> wrote:\n> Where "
            "did you land on the board seats? Can we talk Friday?"
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "lake house",
        "We're at the lake house until Sunday. The kids caught their first fish and now refuse to eat anything else.",
        ("html",),
    ),
    (
        "personal",
        True,
        "colleague",
        "Approval",
        "Could you approve Marta's promotion in the HR system? It's the last step before payroll closes on the 25th.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Heads up",
        (
            "Heads up: the Globex CFO is leaving at the end of the month. Their new "
            "CFO starts in January and we should expect a review of the contract."
        ),
        (),
    ),
    (
        "personal",
        False,
        "stranger",
        "Scholarship thank-you",
        (
            "I received the Whitfield scholarship this year and wanted to thank you "
            "personally. It means I can finish my degree without working nights."
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "re: book club",
        "Book club picked your suggestion for January! Fair warning, Linda already says she hates the title.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Invoice approvals",
        (
            "Accounting flagged three invoices over $10k waiting for your approval "
            "in the portal. Nothing is late yet, but the oldest is due on the 30th."
        ),
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Great meeting you",
        (
            "Great meeting you yesterday at the dinner. I sent the article I mentioned "
            "- the one about port congestion - to your assistant."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Re: pricing",
        (
            "Agree with Tom. We should hold the price for existing customers and raise "
            "it only for new logos.\n\n-----Original Message-----\nFrom: Tom Becker "
            "<tom.becker@acme.example>\nSent: Tuesday, November 17, 2026 6:40 PM\nSubject: "
            "pricing\n\nCan we discuss pricing on Thursday at 10?"
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "Fwd: Flight deals to Lisbon",
        (
            "Look at these prices!! We should go in the spring.\n\n---------- Forwarded "
            "message ---------\nFrom: Skyline Air <offers@skylineair.example>\nSubject: "
            "Flight deals to Lisbon\n\nFly to Lisbon from $329 round trip. Book by "
            "Friday."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Board dinner",
        "The board dinner is confirmed for the 9th at Lucca. I've seated you between Helen and Robert as you asked.",
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Intro: Priya <> Dana",
        (
            "Dana, meet Priya - she runs finance at Northwind and is thinking through "
            "the same ERP migration. Priya, Dana is the person I mentioned. I'll let "
            "you two take it from here."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "the schedule",
        "The conference schedule moved our panel to Wednesday afternoon. No action needed, just so you know.",
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "Merci !",
        "Merci pour le dîner de samedi, c'était parfait. On vous invite la prochaine fois !",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Customer quote",
        (
            "The customer quote for the renewal is $184,000 for three years. I think "
            "that's fair given the discount last year."
        ),
        (),
    ),
    (
        "personal",
        False,
        "stranger",
        "Found your badge",
        "I found your conference badge on the shuttle this morning. I left it with the registration desk.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Re: demo",
        "Nice work on the demo today. The client asked for a follow-up proposal; I'll draft it and share by Monday.",
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Contract signed",
        "The contract is signed on our side. Please countersign when you can; DocuSign should have sent you a link.",
        (),
    ),
    # scheduling
    (
        "scheduling",
        True,
        "colleague",
        "Your time Thursday",
        "Do you have a free hour on Thursday? The auditors want to walk through the revenue recognition memo with you.",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Catch-up",
        (
            "It's been a while! Would love to grab a coffee when you're next in New "
            "York - are you around the first week of December?"
        ),
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "1:1 next week",
        "Can we move our 1:1 next week to Wednesday? I'm out Monday and Tuesday.",
        (),
    ),
    (
        "scheduling",
        True,
        "friend",
        "dinner?",
        "Dinner at ours on Saturday? Around 7, bring nothing but yourselves.",
        ("html",),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Call about the merger",
        (
            "Could we get on the phone tomorrow morning? There's a development on the "
            "merger I'd rather not put in writing."
        ),
        (),
    ),
    (
        "scheduling",
        False,
        "stranger",
        "Career advice",
        (
            "I'm a recent graduate interested in operations roles. Would you be willing "
            "to meet for 20 minutes sometime in the next few weeks? I'm happy to work "
            "around your schedule."
        ),
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Re: offsite planning",
        "Monday at 2 or Tuesday at 11 - which is better for you?",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Dates for the review",
        (
            "Here are three options for the quarterly review: Dec 2 at 10am, Dec 3 "
            "at 2pm, or Dec 4 at 9am. Let me know which one suits."
        ),
        (),
    ),
    ("scheduling", True, "colleague", "today", "Got 5 minutes today? Need a quick decision on the hire.", ()),
    (
        "scheduling",
        True,
        "partner",
        "Lunch",
        "We should get lunch soon - next Tuesday or Thursday work on my side.",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Besprechung",
        "Hallo Dana, wäre nächster Dienstag um 15 Uhr für ein Treffen in Ordnung? Viele Grüße",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Rendez-vous jeudi",
        "Bonjour, je vous propose jeudi à 11h pour faire le point. Cela vous convient-il ?",
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Rescheduling",
        "I have to cancel today's 4pm, sorry - can we do the same time tomorrow instead?",
        (),
    ),
    ("scheduling", True, "colleague", "Zoom?", "Zoom at 9 tomorrow to prep for the board? Should take 20 minutes.", ()),
    (
        "scheduling",
        True,
        "partner",
        "Site visit",
        "We'd like to visit your Denver warehouse the week of December 7. Which days would work for your team?",
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Fwd: Meeting request",
        (
            "Sam - can you sort out a time for this? Any afternoon next week is fine.\n\n---------- "
            "Forwarded message ---------\nFrom: Luis Ortega <l.ortega@board.example>\nSubject: "
            "Meeting request\n\nDana, could we meet before the December board meeting?"
        ),
        (),
    ),
    ("scheduling", True, "friend", "walk?", "Walk tomorrow morning before work? 7:30 at the park gate.", ()),
    (
        "scheduling",
        True,
        "partner",
        "Re: Next steps",
        "Sounds good. Are you free for a call at 3pm tomorrow to go through the redlines?",
        (),
    ),
    # cold outreach
    (
        "cold_outreach",
        False,
        "vendor:Ethan Cole:ethan@clearledger.example",
        "Closing the books at Acme",
        (
            "Hi Dana,\n\nI lead partnerships at ClearLedger. Finance teams at companies "
            "like Globex and Initech use us to close the books in five days instead "
            "of fifteen.\n\nWould a 20-minute walkthrough next week be useful? Happy "
            "to send a short video first if that's easier.\n\nEthan Cole\nHead of Partnerships, "
            "ClearLedger"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Sara Lin:sara@hirewell.example",
        "Engineering hiring",
        (
            "Hi Dana,\n\nCongrats on the Series B! Scaling engineering after a raise "
            "is hard - we've placed 400+ senior engineers at high-growth startups, "
            "with a 90-day guarantee.\n\nIs hiring a priority for you this quarter? "
            "If not, who would be the best person to speak to?\n\nSara"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Tom Reid:tom@greenfleet.example",
        "EV fleet for Acme",
        (
            "Hello Dana,\n\nAcme's delivery vans could save an average of $6,000 per "
            "vehicle per year by switching to electric. We manage the whole transition, "
            "from financing to charging.\n\nCould I send over a one-page savings estimate?\n\nBest,\nTom "
            "Reid\nGreenFleet"
        ),
        ("alt",),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Lena Voss:lena@dataguard.example",
        "SOC 2 in 6 weeks",
        (
            "Hi Dana,\n\nGetting SOC 2 usually takes six months. Our compliance platform "
            "gets teams there in six weeks, and we include the auditor.\n\nOpen to "
            "a quick chat on Thursday or Friday?\n\nLena"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Mark Hale:mark@officeplants.example",
        "Plants for your office",
        (
            "Hi there,\n\nWe provide and maintain office plants for businesses across "
            "Denver. Studies show plants improve productivity by 15%.\n\nWould you "
            "like a free consultation for your new office?\n\nMark"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Priti Rao:priti@insightpanel.example",
        "Paid research study",
        (
            "Hi Dana,\n\nWe're running a paid research study with operations executives "
            "($400 for a 45-minute interview). Your background looks like a great fit.\n\nIf "
            "you're interested, you can pick a time here: https://insightpanel.example/book\n\nPriti"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Greg Tan:greg@shipfast.example",
        "Re: shipping costs",
        (
            "Hi Dana,\n\nJust bumping this up in case it got lost. We've cut shipping "
            "costs for 200+ e-commerce brands by an average of 18%.\n\nWorth 15 minutes?\n\nGreg"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Olivia West:olivia@eventsplus.example",
        "Holiday party 2026",
        (
            "Hi Dana,\n\nStill planning your holiday party? Our team organizes corporate "
            "events from 20 to 2,000 guests, with venues, catering and entertainment "
            "in one package.\n\nI'd be happy to put together a proposal - when's a "
            "good time for a quick call?\n\nOlivia\nEvents Plus"
        ),
        ("html",),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Raj Mehta:raj@cloudcost.example",
        "Your AWS bill",
        (
            "Dana, most companies overpay for AWS by 30%. We'll audit your account "
            "for free and only charge if we find savings.\n\nReply YES and I'll send "
            "details.\n\nRaj"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Hanna Berg:hanna@translateit.example",
        "Translation services",
        (
            "Hello,\n\nWe are a translation agency specializing in legal and financial "
            "documents, with certified translators in 40 languages.\n\nPlease let me "
            "know if you ever need a quote.\n\nKind regards,\nHanna Berg"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Dev Patel:dev@aiwriter.example",
        "AI for your team",
        (
            "Hi Dana, I saw Acme is growing the support team. Our AI assistant answers "
            "60% of tickets automatically and plugs into Zendesk in a day.\n\nCan I "
            "show you a 10-minute demo?\n\nDev"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Lucía Gómez:lucia@ventasplus.example",
        "Propuesta para Acme",
        (
            "Hola Dana,\n\nayudamos a empresas de logística a reducir sus costes un "
            "20 %. ¿Le parece bien una llamada de 15 minutos el martes?\n\nUn saludo,\nLucía"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Nick Shaw:nick@podbooker.example",
        "Podcast guest spots",
        (
            "Hi Dana,\n\nI book executives as guests on top business podcasts. Clients "
            "get an average of 4 bookings a month, which is a great way to build your "
            "personal brand.\n\nShould I send over our current list of shows?\n\nNick"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Amy Fox:amy@benefitsco.example",
        "Benefits renewal",
        (
            "Hi Dana,\n\nWith open enrollment around the corner, I wanted to share "
            "how we've helped companies your size save 12% on health benefits without "
            "cutting coverage.\n\nDo you have time for a brief intro call this week?\n\nAmy "
            "Fox\nBenefitsCo"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Leo Park:leo@badgesystems.example",
        "Last note",
        (
            "Hi Dana,\n\nI've reached out a few times about visitor management for "
            "your offices. I'll close your file for now - if it becomes a priority, "
            "my door is open.\n\nLeo"
        ),
        (),
    ),
    # receipts
    (
        "receipt",
        False,
        "vendor:Notion:team@mail.notion.example",
        "Your Notion receipt",
        "Plus plan - annual\nAmount: $96.00\nPaid with Visa ending in 4242\nReceipt number 2211-4490",
        ("html", "h:List-Unsubscribe: <https://notion.example/u>"),
    ),
    (
        "receipt",
        False,
        "vendor:Delta:deltaairlines@t.delta.example",
        "Your trip confirmation and receipt",
        "Confirmation #GH7K2L\nSEA - JFK, Dec 3\nFare: $412.00\nTaxes and fees: $58.30\nTotal: $470.30",
        ("html", "h:List-Unsubscribe: <https://delta.example/u>"),
    ),
    (
        "receipt",
        False,
        "vendor:Gusto:no-reply@gusto.example",
        "Payroll processed for Acme",
        (
            "Payroll for Nov 16 - Nov 30 has been processed.\n\nTotal debit: $184,220.14 "
            "from account ending 0114\nEmployees paid: 62"
        ),
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Square:receipts@squareup.example",
        "Receipt from Corner Bakery",
        "Corner Bakery\n2 x Sourdough loaf $16.00\nTax $1.28\nTotal $17.28\nCard: Amex 1001",
        (),
    ),
    (
        "receipt",
        True,
        "vendor:Clara Moreau:clara@moreau-design.example",
        "Facture novembre",
        "Bonjour Dana,\n\nvous trouverez ci-joint la facture pour le mois de novembre.\n\nBien cordialement,\nClara",
        ("pdf:Facture-2026-11.pdf",),
    ),
    (
        "receipt",
        False,
        "vendor:Comcast:online.communications@alerts.comcast.example",
        "Your bill for November is ready",
        "Your monthly bill of $129.99 is ready. Autopay will charge your card on Dec 1.",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:DocuPrint:billing@docuprint.example",
        "Invoice 5573 - payment due Dec 15",
        (
            "Hi,\n\nAttached is invoice 5573 for the November print run.\n\nAmount "
            "due: $2,340.00\nDue date: Dec 15\n\nThank you,\nDocuPrint billing"
        ),
        ("pdf:5573.pdf",),
    ),
    (
        "receipt",
        True,
        "friend",
        "Camp deposit",
        (
            "Hi Dana, got the deposit for camp - thanks!\n\nReceived: $300.00 (check "
            "#1142)\nBalance due: $900.00 by March 1"
        ),
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Etsy:transaction@etsy.example",
        "You made a purchase on Etsy",
        "Order #2944112\nHandmade ceramic mug x2  $48.00\nShipping  $6.50\nOrder total  $54.50",
        ("html",),
    ),
    (
        "receipt",
        False,
        "vendor:State Parking:noreply@stateparking.example",
        "Parking session ended",
        "Zone 4412, 2h 10m\nTotal charged: $8.75 to card ending 4242",
        (),
    ),
    (
        "receipt",
        True,
        "colleague",
        "Fwd: Hotel folio",
        (
            "Please add to the Denver trip.\n\n---------- Forwarded message ---------\nFrom: "
            "Vela Hotels <folio@velahotels.example>\nSubject: Your folio\n\nRoom 2 "
            "nights $398.00\nCity tax $41.79\nTotal $439.79\nPaid: Visa 4242"
        ),
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Wise:noreply@wise.example",
        "You sent 2,000 EUR to Atelier Lune",
        "Your transfer is complete.\n\nYou sent: 2,161.40 USD\nFee: 9.12 USD\nAtelier Lune received: 2,000.00 EUR",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:IRS Direct Pay:directpay@irs.example",
        "Payment confirmation",
        "Your payment of $12,500.00 was scheduled. Confirmation number: 4411-2231-0090.",
        (),
    ),
    # newsletters
    (
        "newsletter",
        False,
        "vendor:Morning Brew:crew@morningbrew.example",
        "Markets: rates steady, retail stumbles",
        (
            "Good morning. The Fed held rates steady, and two big retailers cut their "
            "forecasts. Plus: can AI schedule your meetings for you?"
        ),
        (
            "html",
            "h:List-Unsubscribe: <https://morningbrew.example/u>",
            "h:List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ),
    ),
    (
        "newsletter",
        False,
        "vendor:HBR:emailteam@hbr.example",
        "The Management Tip of the Day",
        "Before you schedule another recurring meeting, ask whether a written update would do. Try it for two weeks.",
        ("h:List-Unsubscribe: <mailto:unsub@hbr.example>", "h:Precedence: bulk"),
    ),
    (
        "newsletter",
        False,
        "vendor:Airline Miles:news@skylinemiles.example",
        "Your November miles statement",
        "You have 42,110 miles. Earn double miles on flights to Europe booked before Dec 15.",
        ("html", "h:List-Unsubscribe: <https://skylinemiles.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:REI Co-op:rei@notices.rei.example",
        "Member deals: up to 50% off",
        "Up to 50% off tents, jackets and more. Members save an extra 10% through Sunday.",
        ("html", "h:List-Unsubscribe: <https://rei.example/u>", "h:Feedback-ID: deals:rei"),
    ),
    (
        "newsletter",
        False,
        "vendor:Founders Forum:hello@foundersforum.example",
        "Invitation: Founders Forum dinner, Dec 10",
        "Join 40 founders for dinner on December 10 in Denver. Seats are limited - RSVP by Friday.",
        ("h:List-Unsubscribe: <https://foundersforum.example/u>",),
    ),
    (
        "newsletter",
        False,
        "vendor:ops-leaders:ops-leaders@googlegroups.example",
        "Re: [ops-leaders] Anyone using Ramp?",
        "We switched last year and love it. Happy to chat if anyone wants details - grab me at the meetup Thursday.",
        (
            "h:List-Id: <ops-leaders.googlegroups.example>",
            "h:List-Post: <mailto:ops-leaders@googlegroups.example>",
            "h:Precedence: list",
        ),
    ),
    (
        "newsletter",
        False,
        "vendor:Acme Cloud:news@acmecloud.example",
        "Introducing Acme Cloud Insights",
        "Our new analytics dashboard helps teams like yours cut cloud spend. Book a demo to see it in action.",
        ("alt", "h:List-Unsubscribe: <https://acmecloud.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:City Arts:events@cityarts.example",
        "This weekend at City Arts",
        "Saturday: open studios from 10am. Sunday: jazz brunch at noon. Tickets from $15.",
        ("html", "h:Precedence: bulk"),
    ),
    (
        "newsletter",
        False,
        "vendor:The Information:newsletter@theinformation.example",
        "Your weekly briefing",
        "This week: inside a fintech's failed merger, and why CFOs are rethinking payment terms.",
        ("h:List-Unsubscribe: <https://theinformation.example/u>", "h:List-Id: <weekly.theinformation.example>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Kettle & Co:orders-news@kettle.example",
        "Your order helps plant trees",
        "Every order this month plants a tree. Shop the winter collection - free shipping over $50.",
        ("html", "h:List-Unsubscribe: <https://kettle.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Alumni Office:alumni@university.example",
        "Alumni news: November",
        "Reunion dates are set for June. Nominate a classmate for the alumni award by December 1.",
        ("h:List-Unsubscribe: <mailto:alumni-off@university.example>",),
    ),
    # notifications
    (
        "notification",
        False,
        "vendor:GitHub:noreply@github.com",
        "[GitHub] A third-party OAuth application has been added to your account",
        (
            "A third-party OAuth application (Quill Docs) with read:user scope was "
            "recently authorized to access your account."
        ),
        (),
    ),
    (
        "notification",
        False,
        "vendor:Confluence:confluence@acme.atlassian.example",
        "Priya Patel shared 'Q1 plan' with you",
        "Priya Patel shared a page with you: Q1 plan. View page.",
        ("h:Auto-Submitted: auto-generated",),
    ),
    (
        "notification",
        False,
        "vendor:Google Calendar:calendar-notification@google.example",
        "Updated event: Board prep (moved to Thursday)",
        "This event has been changed: Board prep, Thursday 3pm - 4pm.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Mail Delivery Subsystem:mailer-daemon@googlemail.example",
        "Delivery Status Notification (Delay)",
        (
            "Delivery to the following recipient has been delayed: lee@slowhost.example. "
            "Message will be retried for 2 more day(s)."
        ),
        (),
    ),
    (
        "notification",
        False,
        "partner",
        "Out of office",
        (
            "Thanks for your email. I'm on annual leave until 4 January with no access "
            "to email. For anything urgent contact Helen."
        ),
        ("h:Auto-Submitted: auto-replied",),
    ),
    (
        "notification",
        False,
        "vendor:1Password:support@1password.example",
        "New sign-in to your 1Password account",
        "A new device signed in to your account from Denver, CO.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:FedEx:trackingupdates@fedex.example",
        "Your package is on its way",
        "Scheduled delivery: Thursday by end of day. Tracking number 7749 1234 5566.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Dropbox:no-reply@dropbox.example",
        "Priya shared 'Board deck v4' with you",
        "Priya Patel shared a file with you. Open in Dropbox.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Slack:notification@slack.example",
        "[Acme] New message from Tom Becker",
        "Tom Becker: can you look at the pricing doc before Thursday?",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Datadog:monitor@datadoghq.example",
        "[Recovered] API latency p99 back to normal",
        "The monitor recovered at 04:12 UTC.",
        ("h:X-Auto-Response-Suppress: All",),
    ),
    (
        "notification",
        False,
        "vendor:Ring:no-reply@ring.example",
        "Motion detected at Front Door",
        "Motion was detected at 2:14 PM.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Bank of the West:online@bankwest.example",
        "Your password was changed",
        "Your online banking password was changed. If you didn't do this, call us.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Greenhouse:no-reply@greenhouse.example",
        "Interview scheduled: Priya Shah for Ops Manager",
        "An interview has been scheduled for Thursday, Dec 3 at 10:00 AM.",
        (),
    ),
    # invites
    (
        "invite",
        True,
        "colleague",
        "Invitation: Q1 planning @ Mon Dec 7, 10am - 12pm",
        "Join with Google Meet.",
        ("ics:REQUEST", "alt"),
    ),
    ("invite", True, "partner", "Globex / Acme quarterly", "Please join the quarterly review.", ("ics:REQUEST",)),
    ("invite", True, "colleague", "Declined: Budget review", "Declined - I'm travelling that week.", ("ics:REPLY",)),
    ("invite", True, "partner", "Cancelled: Site visit", "We need to postpone the site visit.", ("ics:CANCEL",)),
    (
        "invite",
        False,
        "vendor:Eventbrite:noreply@eventbrite.example",
        "Your ticket for Ops Summit",
        "Your order is confirmed. Add the event to your calendar.",
        ("ics:PUBLISH", "h:List-Unsubscribe: <https://eventbrite.example/u>"),
    ),
]


# The third held-out split: written after every adjustment, evaluated once, never adjusted
# on. Its numbers are the ones to quote. Same line format as HOLDOUT.

HOLDOUT3: list[tuple[str, bool, str, str, str, tuple[str, ...]]] = [
    # personal
    (
        "personal",
        True,
        "colleague",
        "Re: Q4 forecast",
        (
            "I reran the forecast with the new churn assumption. We're still above "
            "plan, just by less. Updated sheet is in the drive."
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "sunday",
        "Such a nice Sunday. The kids haven't stopped talking about the boat.",
        ("html",),
    ),
    (
        "personal",
        True,
        "partner",
        "Signed NDA",
        "Attached is the countersigned NDA. Our diligence team will reach out to yours directly.",
        ("pdf:NDA-signed.pdf",),
    ),
    (
        "personal",
        False,
        "stranger",
        "Your keynote",
        (
            "Your keynote at the logistics summit changed how I think about inventory. "
            "Thank you for sharing the numbers so openly."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "travel policy",
        (
            "Reminder that the new travel policy kicks in on the 1st: economy for flights "
            "under four hours, no exceptions without your sign-off."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Re: vendor shortlist",
        (
            "Of the three vendors, I'd drop the cheapest one - their references were "
            "weak. Happy with either of the other two.\n\nOn Thu, Nov 19, 2026 at 2:15 "
            "PM Dana Whitfield <dana@acme.example> wrote:\n> Which vendor should we "
            "pick? Can we decide by Monday?"
        ),
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "recipe!",
        "Finally wrote down the curry recipe. The secret is toasting the spices first. Enjoy!",
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Congratulations",
        (
            "Congratulations on the acquisition - it's a great outcome for the whole "
            "team. Let's celebrate properly when things calm down."
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "expense question",
        (
            "Is the client dinner on the 12th billable to Globex or internal? Finance "
            "needs to know for the invoice they're preparing."
        ),
        (),
    ),
    (
        "personal",
        False,
        "stranger",
        "Lost and found",
        (
            "Hello, this is the front desk at the Marlow. We found a laptop charger "
            "in your room after checkout. Shall we post it to you?"
        ),
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Fwd: industry report",
        (
            "The section on pricing is worth five minutes.\n\n---------- Forwarded "
            "message ---------\nFrom: Research Weekly <team@researchweekly.example>\nSubject: "
            "industry report\n\nOur annual logistics report is out. Download it free. "
            "Unsubscribe anytime."
        ),
        (),
    ),
    (
        "personal",
        True,
        "partner",
        "Re: our partnership",
        "We're excited to keep building this with you. Our platform team will share the integration roadmap next week.",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Holiday coverage",
        "I'll be out Dec 24 - Jan 2. Tom is covering for me; he has access to everything.",
        (),
    ),
    (
        "personal",
        True,
        "friend",
        "photos",
        "Ich habe die Fotos vom Wochenende hochgeladen. Das Wetter war ja traumhaft!",
        (),
    ),
    (
        "personal",
        True,
        "colleague",
        "Contract totals",
        "For the record, the contract totals $420,000 over three years, billed quarterly. Legal has the final copy.",
        (),
    ),
    # scheduling
    (
        "scheduling",
        True,
        "colleague",
        "Prep for Globex",
        "Could we carve out 30 minutes tomorrow to prep for the Globex call?",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Next week",
        "I'll be in Denver Tuesday and Wednesday next week. Any chance we could meet in person?",
        (),
    ),
    ("scheduling", True, "friend", "brunch", "Brunch on Sunday? The new place on 5th opens at 10.", ()),
    (
        "scheduling",
        True,
        "colleague",
        "Re: interview panel",
        "Can you join the interview panel on Thursday at 1pm? It's the final round for the ops role.",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Quarterly check-in",
        "It's time for our quarterly check-in. Would the week of Dec 14 work for you? I'm flexible on the day.",
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "quick one",
        "Have you got ten minutes after the all-hands? Want to run something by you.",
        (),
    ),
    (
        "scheduling",
        False,
        "stranger",
        "Informational interview",
        (
            "I'm transitioning into operations and admire your path. If you have 15 "
            "minutes in the coming weeks, I'd be grateful for a short call."
        ),
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Re: proposal",
        "Thanks for the proposal. Could we discuss it live on Friday? Morning is best for me.",
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Moving the board prep",
        "The board prep needs to move - is Wednesday at 4 any good for you?",
        (),
    ),
    (
        "scheduling",
        True,
        "partner",
        "Termin",
        "Guten Tag, könnten wir am Freitag um 10 Uhr telefonieren? Beste Grüße",
        (),
    ),
    (
        "scheduling",
        True,
        "friend",
        "¿Comemos?",
        "¿Comemos juntos el viernes? Conozco un sitio nuevo cerca de tu oficina.",
        (),
    ),
    (
        "scheduling",
        True,
        "colleague",
        "Fwd: Coffee?",
        (
            "Sam, please set this up - I'm free Thursday after 3.\n\n---------- Forwarded "
            "message ---------\nFrom: Grace Holt <grace@northwind.example>\nSubject: "
            "Coffee?\n\nDana, would love to grab coffee before the holidays."
        ),
        (),
    ),
    ("scheduling", True, "partner", "Re: Re: call", "Perfect - let's lock in 10am Thursday. I'll send the invite.", ()),
    ("scheduling", True, "colleague", "Tomorrow", "Can we push tomorrow's standup to 10? The train is delayed.", ()),
    (
        "scheduling",
        True,
        "partner",
        "Working session",
        "Would you be up for a working session on the pricing model sometime this week? Two hours should cover it.",
        (),
    ),
    # cold outreach
    (
        "cold_outreach",
        False,
        "vendor:Jordan Blake:jordan@rocketreach-pro.example",
        "Acme's outbound",
        (
            "Hi Dana,\n\nI noticed Acme is expanding into the Midwest. Our outbound "
            "service books qualified meetings with logistics buyers - clients average "
            "12 new opportunities a month.\n\nWould you be open to a short call next "
            "week?\n\nJordan Blake\nAccount Executive"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Mia Torres:mia@spendwise.example",
        "Cutting SaaS spend",
        (
            "Hi Dana, companies your size typically waste 25% of their software budget "
            "on unused licenses. SpendWise finds and cancels them automatically.\n\nCan "
            "I show you what we'd find at Acme in a 15-minute screen share?\n\nMia"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Paul Grant:paul@grantlaw-marketing.example",
        "Legal marketing",
        (
            "Hello,\n\nWe help law firms and corporate legal teams generate more inbound "
            "leads through targeted content. We'd love to send you a few examples of "
            "our work.\n\nBest regards,\nPaul Grant"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Chen Wu:chen@factorylink.example",
        "Manufacturing partner",
        (
            "Dear Dana,\n\nWe are a contract manufacturer in Shenzhen with 15 years "
            "of experience producing packaging for global brands. We offer competitive "
            "prices and low minimum orders.\n\nMay I send our catalogue?\n\nChen Wu\nSales "
            "Manager"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Zoe Hart:zoe@boardroomcoach.example",
        "Executive coaching",
        (
            "Hi Dana,\n\nI coach first-time CEOs through their first board year. Most "
            "of my clients come to me when board meetings start to feel like exams.\n\nIf "
            "that resonates, I'd be glad to offer a free 30-minute session.\n\nZoe"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Sam Ortiz:sam@rampup-sales.example",
        "Re: Acme sales team",
        (
            "Hi Dana, circling back - did my last message reach you? We train SDR teams "
            "to double their meeting rate in 60 days.\n\nSam"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Rita Kim:rita@wellnessatwork.example",
        "Employee wellness",
        (
            "Hi Dana,\n\nBurnout costs companies like yours thousands per employee "
            "each year. Our wellness program cuts sick days by 20%.\n\nWould you like "
            "a brochure?\n\nRita Kim\nWellness at Work"
        ),
        ("html",),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ben Adler:ben@logoforge.example",
        "Your logo",
        (
            "Hi! I'm a designer and I think Acme's logo could be more memorable. I've "
            "attached two quick concepts - if you like them, I'd be happy to discuss "
            "a full rebrand."
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Ivan Petrov:ivan@devteam-now.example",
        "Dedicated developers",
        (
            "Hello Dana,\n\nNeed to scale your engineering team fast? We provide vetted "
            "senior developers from Eastern Europe at half the US cost, ready to start "
            "in one week.\n\nBest,\nIvan"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Laura Chen:laura@expoworld.example",
        "Booth at LogiExpo",
        (
            "Hi Dana,\n\nA few booths remain at LogiExpo 2027, where 8,000 logistics "
            "buyers will meet in March. Early exhibitors get premium placement at no "
            "extra cost.\n\nShall I reserve one for Acme?\n\nLaura"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Marc Dubois:marc@ventes-pro.example",
        "Partenariat",
        (
            "Bonjour Dana,\n\nnous aidons les entreprises logistiques à réduire leurs "
            "délais de livraison de 30 %. Auriez-vous 15 minutes cette semaine pour "
            "en discuter ?\n\nCordialement,\nMarc"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Tess Ng:tess@reviewboost.example",
        "More 5-star reviews",
        (
            "Hi Dana, we help businesses get more 5-star Google reviews on autopilot. "
            "Want me to send a free report on Acme's current rating?"
        ),
        (),
    ),
    (
        "cold_outreach",
        False,
        "vendor:Owen Shaw:owen@fleetcam.example",
        "Quick question",
        (
            "Hi Dana, quick question - how are you tracking driver safety across your "
            "fleet today? We've helped 300+ fleets cut accidents by 40%."
        ),
        (),
    ),
    # receipts
    (
        "receipt",
        False,
        "vendor:Spotify:no-reply@spotify.example",
        "Your Spotify Premium receipt",
        "Premium Family\nTotal $16.99\nPaid with PayPal",
        ("html", "h:List-Unsubscribe: <https://spotify.example/u>"),
    ),
    (
        "receipt",
        False,
        "vendor:Hertz:reservations@hertz.example",
        "Your Hertz rental receipt",
        "Rental agreement 884123\nDays: 3\nTime and mileage $201.00\nTaxes $28.14\nTotal charges $229.14",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Costco:orders@costco.example",
        "Your Costco.com order has been placed",
        "Order number 1200339123\nSubtotal $142.88\nTax $11.43\nTotal $154.31",
        ("html",),
    ),
    (
        "receipt",
        True,
        "vendor:Ines Duarte:ines@duarte-translations.example",
        "Invoice for the contract translation",
        (
            "Hi Dana, please find my invoice for the Portuguese contract translation "
            "attached. Payment within 30 days is fine.\n\nIdeally by bank transfer.\nInês"
        ),
        ("pdf:Duarte-2026-031.pdf",),
    ),
    (
        "receipt",
        False,
        "vendor:City Water:billing@citywater.example",
        "Your water bill is ready",
        "Billing period: Oct 1 - Oct 31\nAmount due: $64.18\nDue date: Nov 25",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:United:receipts@united.example",
        "eTicket Itinerary and Receipt for Confirmation JX3K9P",
        "Airfare: $388.00\nTaxes and fees: $52.40\nTotal: $440.40\nForm of payment: Visa ending 4242",
        ("html", "h:List-Unsubscribe: <https://united.example/u>"),
    ),
    (
        "receipt",
        False,
        "vendor:Venmo:venmo@venmo.example",
        "You paid Maria Ferro $42.00",
        "You paid Maria Ferro $42.00 for 'book club snacks'.\nPayment ID 3991123",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:OpenTable:noreply@opentable.example",
        "Thanks for dining at Lucca",
        "Your bill at Lucca:\nFood and drinks $186.00\nTip $37.20\nTotal paid $223.20 with Amex 1001",
        (),
    ),
    (
        "receipt",
        True,
        "colleague",
        "Fwd: Receipt for the conference tickets",
        (
            "For the conference budget.\n\n---------- Forwarded message ---------\nFrom: "
            "OpsCon <tickets@opscon.example>\nSubject: Receipt for the conference tickets\n\n2 "
            "x Full pass $1,798.00\nTotal $1,798.00"
        ),
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Telekom:rechnung@telekom.example",
        "Ihre Telekom Rechnung für November",
        "Rechnungsbetrag: 49,95 EUR\nDer Betrag wird am 5. Dezember abgebucht.",
        (),
    ),
    (
        "receipt",
        False,
        "vendor:Adobe:mail@mail.adobe.example",
        "Your Adobe order confirmation",
        "Order number AD-99112\nCreative Cloud All Apps (annual)\nTotal: $659.88",
        ("html", "h:List-Unsubscribe: <https://adobe.example/u>"),
    ),
    # newsletters
    (
        "newsletter",
        False,
        "vendor:Axios Pro:pro@axios.example",
        "Deals: logistics roll-ups heat up",
        (
            "Three logistics roll-ups closed this week. Plus: who's hiring CFOs, and "
            "the meeting every board should have in Q1."
        ),
        ("html", "h:List-Unsubscribe: <https://axios.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Patagonia:patagonia@e.patagonia.example",
        "Worn Wear: trade in, save",
        "Trade in your used gear and get credit toward your next order. Limited time.",
        ("html", "h:List-Unsubscribe: <https://patagonia.example/u>", "h:X-Campaign: ww-nov"),
    ),
    (
        "newsletter",
        False,
        "vendor:LinkedIn Learning:learning@linkedin.example",
        "Courses picked for you",
        "Strategic planning, negotiation and running effective meetings - new courses this week.",
        ("h:List-Unsubscribe: <https://linkedin.example/u>", "h:Feedback-ID: learning:li"),
    ),
    (
        "newsletter",
        False,
        "vendor:CFO Circle:circle@cfocircle.example",
        "[CFO Circle] December meetup - Thursday 6pm",
        "Our December meetup is Thursday at 6pm at the Marlow. Can we get a quick RSVP by Tuesday?",
        ("h:List-Id: <members.cfocircle.example>", "h:List-Post: <mailto:members@cfocircle.example>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Figtree Design:news@figtree.example",
        "Our new studio + a free webinar",
        "We moved to a bigger studio! Join our free webinar on brand systems next Wednesday at noon.",
        ("alt", "h:List-Unsubscribe: <https://figtree.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:The Economist:newsletters@economist.example",
        "The world in brief",
        "Markets rallied; a ceasefire held; and why the four-day week is spreading.",
        ("h:List-Unsubscribe: <https://economist.example/u>", "h:Precedence: bulk"),
    ),
    (
        "newsletter",
        False,
        "vendor:Vela Hotels:offers@velahotels.example",
        "Members save 25% this winter",
        "Book 3 nights, pay for 2. Total savings shown at checkout.",
        ("html", "h:List-Unsubscribe: <https://velahotels.example/u>"),
    ),
    (
        "newsletter",
        False,
        "vendor:Acme Alumni:alumni@acme-alumni.example",
        "Acme alumni: holiday party",
        "Former colleagues, join us for drinks on Dec 18! Reply to let us know if you can make it.",
        ("h:Precedence: bulk",),
    ),
    # notifications
    (
        "notification",
        False,
        "vendor:GitHub:notifications@github.com",
        "[acme/infra] Run failed: deploy - main (a1b2c3d)",
        "Run failed for main. 1 job failed.",
        ("h:X-GitHub-Reason: ci_activity",),
    ),
    (
        "notification",
        False,
        "vendor:Jira:jira@acme.atlassian.example",
        "[JIRA] (FIN-88) Reconcile October invoices",
        "Priya Patel assigned FIN-88 to you.",
        ("h:Auto-Submitted: auto-generated",),
    ),
    (
        "notification",
        False,
        "vendor:Mail Delivery System:MAILER-DAEMON@mx.acme.example",
        "Undelivered Mail Returned to Sender",
        "This is the mail system. Your message to jo@oldco.example could not be delivered: 550 mailbox unavailable.",
        ("report",),
    ),
    (
        "notification",
        False,
        "partner",
        "Automatic reply: Can we meet Tuesday?",
        "I'm out of the office with limited access to email until Monday.",
        ("h:Auto-Submitted: auto-replied",),
    ),
    (
        "notification",
        False,
        "vendor:Google:no-reply@accounts.google.example",
        "Security alert",
        "A new sign-in on Windows was detected. If this was you, you don't need to do anything.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:UPS:pkginfo@ups.example",
        "UPS Update: Package Scheduled for Delivery Tomorrow",
        "Your package is scheduled for delivery tomorrow between 10:30am and 2:30pm.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Calendly:notifications@calendly.example",
        "Canceled: Jo Park and Dana Whitfield",
        "The event '30 Minute Meeting' on Thursday at 2pm was canceled by the invitee.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Microsoft Teams:noreply@email.teams.example",
        "You have been added to a team",
        "Tom Becker added you to the team 'Board prep'.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Box:noreply@box.example",
        "Tom uploaded 3 files to 'Q4 close'",
        "Tom Becker uploaded 3 files: invoices-oct.xlsx and 2 more.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Okta:noreply@okta.example",
        "Your password will expire in 5 days",
        "Change your password before Nov 30 to keep access.",
        (),
    ),
    (
        "notification",
        False,
        "vendor:Sentry:alerts@sentry.example",
        "[api] TypeError: cannot read property 'total'",
        "A new issue was first seen 2 minutes ago in production.",
        (),
    ),
    # invites
    ("invite", True, "colleague", "Invitation: Offsite planning @ Wed Dec 9", "Agenda to follow.", ("ics:REQUEST",)),
    ("invite", True, "partner", "Accepted: Quarterly review", "Accepted.", ("ics:REPLY",)),
    ("invite", True, "partner", "Updated: Contract review (new time)", "Moved to 3pm.", ("ics:REQUEST", "alt")),
    (
        "invite",
        False,
        "vendor:Zoom:no-reply@zoom.example",
        "Zoom webinar registration approved",
        "Add the webinar to your calendar.",
        ("ics:REQUEST", "h:Auto-Submitted: auto-generated"),
    ),
]


def holdout_items(
    ctx: Ctx, rows: list[tuple[str, bool, str, str, str, tuple[str, ...]]], prefix: str
) -> Iterator[Item]:
    for n, (category, known, kind, subject, body, options) in enumerate(rows, 1):
        client = Person(*CLIENTS[0][:2])
        if kind == "colleague":
            sender = ctx.person(client.domain)
        elif kind == "partner":
            sender = ctx.person(ctx.pick(PARTNER_DOMAINS))
        elif kind == "friend":
            sender = ctx.person(ctx.pick(FREEMAIL))
        elif kind == "stranger":
            sender = ctx.person(ctx.pick(["citynews.example", "university.example", *FREEMAIL]))
        else:
            _, name, email = kind.split(":", 2)
            sender = Person(name, email)
        to = (
            Person("Sam Rivera", "sam@rivera-va.example")
            if subject.startswith(("45 min", "Fwd: Your Uber"))
            else client
        )
        text = f"{body}\n" if kind.startswith("vendor") else f"Hi {client.first},\n\n{body}\n\n{sender.first}\n"
        if subject.startswith("Automatic reply"):
            text = f"{body}\n"
        part = text_part(html_of(text), "html", "quoted-printable") if "html" in options else text_part(text)
        if "alt" in options:
            part = multipart(
                "alternative", [text_part(text), text_part(html_of(text), "html", "quoted-printable")], f"ho_{n:03d}alt"
            )
        for option in options:
            if option.startswith("pdf:"):
                part = multipart(
                    "mixed", [part, file_part(option[4:], "application/pdf", pdf_bytes([subject]))], f"ho_{n:03d}mix"
                )
            elif option.startswith("ics:"):
                method = option[4:]
                cal = ics(
                    ctx,
                    method,
                    sender if method != "REPLY" else client,
                    client if method != "REPLY" else sender,
                    subject,
                )
                cal_part = Part(
                    [
                        f'Content-Type: text/calendar; charset="UTF-8"; method={method}',
                        "Content-Transfer-Encoding: 7bit",
                    ],
                    cal,
                )
                part = multipart("alternative", [part, cal_part], f"ho_{n:03d}cal")
        if "report" in options:
            status = Part(
                ["Content-Type: message/delivery-status"],
                f"Reporting-MTA: dns; mx.{client.domain}\n\nFinal-Recipient: rfc822; someone@oldco.example\n"
                "Action: failed\nStatus: 5.2.1\n",
            )
            part = multipart("report", [part, status], f"ho_{n:03d}rep", '; report-type="delivery-status"')
        b = Builder(ctx, sender, to, subject)
        if "report" in options:
            b.return_path = ""
        b.extra = [option[2:] for option in options if option.startswith("h:")]
        slug = category.replace("_", "-")
        yield Item(f"{prefix}{n:03d}-{slug}", render(b.headers(), part), category, known, f"{prefix}:{slug}")


# -- the corpus ---------------------------------------------------------------------------

PLAN: list[tuple[Callable[[Ctx, int], Item], int]] = [
    (personal_update, 34),
    (personal_family, 16),
    (personal_reply_with_quoted_request, 12),
    (personal_tricky, 24),
    (personal_stranger, 10),
    (personal_forwarded_newsletter, 5),
    (personal_known_vendor_pitch, 4),
    (personal_foreign, 6),
    (sched_colleague, 40),
    (sched_reschedule, 12),
    (sched_reply_times, 10),
    (sched_stranger, 10),
    (sched_social, 10),
    (sched_foreign, 8),
    (sched_delegated, 6),
    (sched_known_vendor, 4),
    (cold_pitch, 44),
    (cold_followup, 14),
    (cold_services, 10),
    (cold_subtle, 6),
    (cold_foreign, 3),
    (receipt_saas, 18),
    (receipt_invoice_pdf, 16),
    (receipt_order, 10),
    (receipt_trip, 8),
    (receipt_statement, 8),
    (receipt_person, 8),
    (receipt_forwarded, 6),
    (receipt_foreign, 6),
    (receipt_misc, 10),
    (newsletter_editorial, 32),
    (newsletter_promo, 15),
    (newsletter_list_post, 8),
    (newsletter_product, 8),
    (newsletter_cold_bulk, 2),
    (newsletter_foreign, 4),
    (notif_github, 15),
    (notif_tools, 20),
    (notif_account, 16),
    (notif_calendar, 8),
    (notif_bounce, 6),
    (notif_autoreply, 10),
    (notif_read_receipt, 3),
    (invite_request, 24),
    (invite_other_methods, 10),
    (invite_from_system, 4),
]


def build() -> list[Item]:
    """Every corpus message, in a fixed order, named ``NNNN-<template>.eml`` (RFC examples by section)."""
    ctx = Ctx(random.Random(SEED))
    items: list[Item] = []
    for maker, count in PLAN:
        for i in range(count):
            item = maker(ctx, i)
            template = item.source.split(":", 1)[1]
            item.stem = f"{len(items) + 1:04d}-{template}"
            items.append(item)
    items.extend(rfc_items())
    items.extend(holdout_items(ctx, HOLDOUT, "h"))
    items.extend(holdout_items(ctx, HOLDOUT2, "k"))
    items.extend(holdout_items(ctx, HOLDOUT3, "m"))
    return items


def write(out: Path = OUT) -> int:
    """Write the corpus into ``out`` (``*.eml`` removed first) and return the number of messages."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.eml"):
        old.unlink()
    labels: dict[str, dict[str, object]] = {}
    for item in build():
        name = f"{item.stem}.eml"
        (out / name).write_bytes(item.raw)
        split = {"h": "holdout-1", "k": "holdout-2", "m": "holdout-3"}.get(item.source.split(":")[0], "dev")
        entry: dict[str, object] = {
            "category": item.category,
            "known": item.known,
            "source": item.source,
            "split": split,
        }
        if item.note:
            entry["note"] = item.note
        labels[name] = entry
    (out / "labels.json").write_text(
        json.dumps(labels, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return len(labels)


def check(out: Path = OUT) -> list[str]:
    """The files of ``out`` that differ from a fresh run (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write(fresh)
        want = {p.name for p in fresh.iterdir()}
        have = {p.name for p in out.iterdir()} if out.is_dir() else set()
        problems = sorted(f"missing: {n}" for n in want - have) + sorted(f"extra: {n}" for n in have - want)
        problems += [f"differs: {n}" for n in sorted(want & have) if not filecmp.cmp(fresh / n, out / n, shallow=False)]
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"the folder (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--check", action="store_true", help="compare the folder with a fresh run instead of writing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.out)
        for line in problems[:20]:
            print(line)
        print(f"{args.out}: {'differs from a fresh run' if problems else 'current'}")
        return 1 if problems else 0
    count = write(args.out)
    print(f"wrote {count} messages and labels.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
