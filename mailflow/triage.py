"""Built-in triage: one category per message, usable in rules as ``category``.

``classify(message, known_sender)`` gives one of ``CATEGORIES``. The steps run
in this order and the first that decides wins (``CATEGORIES`` lists the
categories in the order of the first step that can give each):

1. ``invite``: a ``text/calendar`` part (an iMIP message: an invitation, an
   update, a cancellation or an attendee's reply). A byte scan; any sender.
2. ``notification``, machine replies: a delivery or read report
   (``multipart/report``: RFC 3464 DSNs, RFC 8098 MDNs), an auto-reply
   (``Auto-Submitted: auto-replied``, ``X-Autoreply``/``X-Autorespond``, a
   null ``Return-Path: <>``, an "Automatic reply:", "Out of office",
   "Undeliverable:"-style subject) or a ``mailer-daemon``/``postmaster`` sender.
   First because they answer one of the client's own messages: the bounce of
   an invoice is a bounce, not a receipt.
3. ``receipt``: receipts, invoices, payment and order confirmations, billing
   statements. Any of: a subject like "Your receipt", "Invoice #123", "Payment
   received", "Order confirmation", "Your November statement" (not in a reply,
   "Re: Invoice #123" is a conversation about an invoice, nor in a question;
   a forward counts; a shipping notice or a failed payment never is); an
   attachment named like ``invoice``/``receipt``/``Rechnung``/``facture``; or,
   in the text, a total line ("Total: $42.10", "Amount due: EUR 300", "You paid
   $12") together with a word of a transaction record (receipt, invoice, order
   number, subtotal, tax, card ending ...). Receipts come before notifications
   and newsletters because most are sent by no-reply addresses and bulk
   mailers: a receipt from ``no-reply@`` is a ``receipt``, and so is one with
   ``List-Unsubscribe`` *if its subject says so* (or hints at a transaction:
   order, trip, payment, subscription ... and the text has a total), so a
   promotion quoting prices stays a ``newsletter``.
4. ``notification``: sent by a machine: ``Auto-Submitted`` other than ``no``,
   an application's own headers (``X-GitHub-*``, ``X-GitLab-*``, ``X-JIRA-*``,
   ``X-Bugzilla-*`` ...), or a notification sender (``notifications@``,
   ``alerts@``, ``calendar-notification@`` ...). Before ``newsletter``,
   because GitHub and Jira send list headers too.
5. ``newsletter``: bulk or list mail: ``List-Unsubscribe``, ``List-Id``,
   ``List-Post``, ``Feedback-ID``, a bulk mailer's campaign header, or
   ``Precedence: bulk|list|junk``. A sales pitch sent with list headers is bulk
   mail and lands here, not in ``cold_outreach``.
6. ``notification``, weaker signals: a no-reply sender (``no-reply@``,
   ``donotreply@``, ``bounce@`` ...), ``X-Auto-Response-Suppress``, or a
   subject only machines write ("Your code is 482913", "Reset your password",
   "Security alert", "Your package was delivered", "Payment failed", "Build
   #442 failed", "Your request was approved"); after ``newsletter`` because
   many newsletters come from no-reply addresses.
7. ``cold_outreach``: a first-time sender whose own words read like a sales
   pitch. The text scores points: decisive phrases 3 ("our platform helps",
   "companies like yours", "15 minutes of your time", "book a time on my
   calendar", "following up on my last email", "schedule a demo", "not the
   right person", "earn your business", an unsubscribe/opt-out line in a
   personal-looking mail, the same in German, French and Spanish), strong ones
   2 ("I came across your company", "I'd love to show you", "open to a quick
   chat", "case study", "increase your revenue", a seller describing itself:
   "we help/build/place/resell ...", "we are a translation agency", "can I send
   over a short video", "forward this to whoever handles", "any interest?"),
   weak ones 1 ("quick question", "demo", "touch base", "hope this finds you
   well", "curious if"), seller vocabulary (one point a word, two at most:
   clients, savings, guarantee, consultation, proposal, integration ...), and,
   for a text already scoring 1 or 2, one point for a numeric claim ("30%",
   "2,000 companies") and one for naming the recipient's organisation (the
   recipient's domain: "Acme" for dana@acme.example). A pitch needs 3 points,
   or 2 when ``known_sender`` is given (a sender missing from the client's
   correspondent history is evidence already). *First-time* means: not a
   colleague (a To/Cc recipient at the sender's own domain, free-mail domains
   excepted), and ``known_sender(address)`` is false; without ``known_sender``
   there is no history and every sender is first-time. ``known_sender`` is
   called at most once, only for a text that scores as a pitch. Past
   correspondents are never ``cold_outreach``. Checked before ``scheduling``:
   "15 minutes next week to show you how our platform..." is a pitch even
   though it asks to meet; a stranger asking to meet without selling is
   ``scheduling``.
8. ``scheduling``: someone asks to meet or talk ("can we meet", "find a time",
   "are you free", "grab coffee", "set up a call", "your availability", "would
   Tuesday work", "which day suits you", "reschedule", "can we push our 2pm"
   ...) *and* the subject or text has a time expression (a weekday, "tomorrow",
   "next week", a date, "3pm", "10:30", "morning"/"afternoon", "30 minutes").
   Failing a known phrase, a question that names a meeting ("call", "coffee",
   "chat", "still on for" ...) and a time in the same sentence, and is short
   or addressed to the reader, counts: "Free to chat this afternoon?". A bare
   "meeting notes attached" or "I met him yesterday" is no request; "Monday"
   in a newsletter or a notification never gets here. English, with the
   common German, French and Spanish forms.
9. ``personal``: everything else (direct mail from a person).

Steps 1-6 read headers and the subject (plus a byte scan of attachment names
when the raw bytes mention a receipt word). The text is read only when the
headers have not decided (or, for machine and bulk mail, when its bytes may
hold a total): at most ``TEXT_LIMIT`` characters of the plain text (an
HTML-only body rendered to text), taken from the raw bytes without the full
MIME parse when the structure allows (one part, or multiparts with a text
part), lower-cased, with quoted lines (``>``), the quoted original under "On
... wrote:", "-----Original Message-----" or an Outlook header block, and the
signature (after ``-- ``) removed. A forwarded message (a ``Fwd:`` subject or a
"Forwarded message" line) counts for receipts and meeting requests; only the
forwarder's own words count for a pitch.

Phrases are found without a regex scan over the text (see ``mailflow.phrases``);
their tables are in ``mailflow.triage_phrases``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import mime
from .message import Message
from .triage_phrases import MONTH, PITCH_THRESHOLD, SUBJECT, TEXT

__all__ = ["CATEGORIES", "TEXT_LIMIT", "KnownSender", "classify", "text_prefix"]

CATEGORIES = ("invite", "notification", "receipt", "newsletter", "cold_outreach", "scheduling", "personal")
"""Every category ``classify`` gives, in the order of the first step that can give it."""

KnownSender = Callable[[str], bool]
"""``known_sender(address)``: has the client corresponded with this (lower-cased) address before?"""

TEXT_LIMIT = 4096
"""Characters of a message's own text that the text steps read."""

_SUBJECT_LIMIT = 300  # characters of the subject read (some are kilobytes long)
_RAW_LIMIT = 8 * 1024  # bytes of a plain-text part read (base64: 4/3 of it)
_HTML_LIMIT = 48 * 1024  # bytes of an HTML part read (styles and markup first)

# -- header signals ------------------------------------------------------------

_BULK_HEADERS = (
    "list-unsubscribe",
    "list-id",
    "list-post",
    "x-campaign",
    "x-campaignid",
    "x-mailchimp-id",
    "x-mc-user",
    "feedback-id",
)
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_APP_HEADER_PREFIXES = (
    "x-github-",
    "x-gitlab-",
    "x-jira-",
    "x-bugzilla-",
    "x-redmine-",
    "x-phabricator-",
    "x-launchpad-",
    "x-sentry-",
    "x-pagerduty-",
)
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autoresponder")
# The local part of a machine that answers mail (bounces) and of senders that only notify.
_DAEMON = re.compile(r"^(?:mailer[-_.]?daemon|postmaster)\b")
_NOTIFIER = re.compile(
    r"^(?:[a-z0-9]+[-_.])?(?:notifications?|notify|notifier|alerts?|calendar(?:[-_.]notification)?|"
    r"reminders?|jira|builds?|ci|monitoring|status|tracking|shipping|shipment|delivery|verify|verification|"
    r"mailer|security|voicemail|jenkins)(?:[-+._].*)?$"
)
_NOREPLY = re.compile(
    r"^(?:[a-z0-9]+[-_.])?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|bounces?|automated|"
    r"auto[-_.]?(?:mail|mailer|confirm)|robot|daemon|system)(?:[-+._].*)?$"
)
_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|automatische antwort|"
    r"out of (?:the )?office(?: reply| autoreply)?|ooo|abwesenheitsnotiz|réponse automatique|"
    r"respuesta automática|undeliverable|undelivered mail(?: returned to sender)?|"
    r"delivery status notification|mail delivery (?:failed|failure|subsystem)|returned mail|"
    r"delivery (?:failure|has failed|failed)|failure notice|non[- ]?delivery report)\b\s*(?:[:(\-]|$)",
)
_FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "fastmail.com",
        "yandex.com",
        "zoho.com",
    }
)


_DIGIT_TIME = re.compile(
    r"\d(?:\d?(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?![a-z])|\d?:[0-5]\d(?!\d)"
    r"|\d*\s?(?:min|mins|minutes?|hours?|hrs?|minuten|stunden?)\b|\d?/[0-3]?\d\b|\d{3}-[01]\d-[0-3]\d"
    r"|\d?\s?h(?:[0-5]\d)?\b|\d?\s?uhr\b|\d?(?:st|nd|rd|th)\b|\d?\.? (?:of )?" + MONTH + r"\b)"
)
_MEETING_WORDS = re.compile(
    r"\b(?:meet|meeting|call|chat|talk|speak|coffee|lunch|dinner|breakfast|drinks?|sync|catch|zoom|teams|phone|"
    r"calendar|window|slot|minutes|mins|hour|come by|stop by|drop by|swing by|visit|start|still on|on for|handover|"
    r"session|walkthrough|review|interview|appointment|walk|hike|tennis|golf|which|better for you|options|"
    r"treffen|termin|telefonat|gespräch|anruf|besprechung|réunion|rendez-vous|appel|café|déjeuner|reunión|"
    r"llamada|cita)\b"
)
_TO_THE_READER = re.compile(r"\b(?:you|your|we|us|let's|shall|sie|ihnen|wir|vous|nous|usted|tú)\b")
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|réf|rif)\s*(?:\[\d+\])?\s*:")
_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:re|aw)\s*:\s*)*(?:fwd?|fw|wg|tr|rv|enc)\s*:")
# Bytes that a text with a total line must contain (see _may_mention), and that a receipt's file name does.
_TOTAL_WORDS = (
    b"total",
    b"amount",
    b"paid",
    b"charged",
    b"balance",
    b"summe",
    b"betrag",
    b"montant",
    b"importe",
    b"payment",
)
_RECEIPT_WORDS = (b"invoice", b"receipt", b"rechnung", b"factur", b"fattura", b"quittung", b"recibo", b"recu")
_RECEIPT_FILE = re.compile(
    r"(?:invoice|receipt|rechnung|factur[ae]|fattura|quittung|recibo|reçu|recu|\binv[-_ ]?\d|payment[-_ ]confirmation)"
    r"[^/\\]*\.(?:pdf|html?|png|jpe?g|tiff?|xml)$",
    re.I,
)

# -- the classifier ---------------------------------------------------------------


def classify(message: Message, known_sender: KnownSender | None = None) -> str:
    """The message's category, one of ``CATEGORIES`` (the steps are in the module docstring).

    ``known_sender(address)`` (the lower-cased From address) says whether the
    client has corresponded with that address before; ``None`` means there is
    no history and every sender counts as first-time. It is called at most
    once, and only for a message whose text reads like a sales pitch.
    """
    if message.has_calendar_part:
        return "invite"
    headers = message.raw_headers
    sender = message.sender
    local = sender.local if sender is not None else ""
    subject = message.subject[:_SUBJECT_LIMIT].lower()
    if _is_machine_reply(message, headers, local, subject):
        return "notification"
    bulk = _is_bulk(headers)
    notifier = _is_notifier(headers, local)
    text = _Text(message, subject)
    if _is_receipt(message, text, bulk, notifier):
        return "receipt"
    if notifier:
        return "notification"
    if bulk:
        return "newsletter"
    if "x-auto-response-suppress" in headers or (local and _NOREPLY.match(local)):
        return "notification"
    if "machine" in text.subject_scan():
        return "notification"
    # With a correspondent history, a sender missing from it is evidence already: 2 points do.
    threshold = PITCH_THRESHOLD if known_sender is None else PITCH_THRESHOLD - 1
    if _pitch_score(message, text) >= threshold and _first_time(message, known_sender):
        return "cold_outreach"
    if _asks_to_meet(text):
        return "scheduling"
    return "personal"


def _is_machine_reply(message: Message, headers: dict[str, list[str]], local: str, subject: str) -> bool:
    """A bounce, a read report or an auto-reply: an answer to one of the client's own messages."""
    if message.content_type == "multipart/report":
        return True
    auto = headers.get("auto-submitted")
    if auto and auto[0].strip().lower().startswith("auto-replied"):
        return True
    if any(h in headers for h in _AUTOREPLY_HEADERS):
        return True
    return_path = headers.get("return-path")
    if return_path and return_path[0].strip() in ("<>", ""):
        return True
    if local and _DAEMON.match(local):
        return True
    return _AUTOREPLY_SUBJECT.match(subject) is not None


def _is_bulk(headers: dict[str, list[str]]) -> bool:
    if any(h in headers for h in _BULK_HEADERS):
        return True
    precedence = headers.get("precedence")
    return precedence is not None and bool(precedence) and precedence[0].strip().lower() in _BULK_PRECEDENCE


def _is_notifier(headers: dict[str, list[str]], local: str) -> bool:
    auto = headers.get("auto-submitted")
    if auto and auto[0].strip().lower() not in ("no", ""):
        return True
    if any(name.startswith(_APP_HEADER_PREFIXES) for name in headers):
        return True
    return bool(local) and _NOTIFIER.match(local) is not None


def _is_receipt(message: Message, text: _Text, bulk: bool, notifier: bool) -> bool:
    subject = text.subject
    in_subject = text.subject_scan()
    if "shipping" in in_subject:
        return _has_receipt_file(message)
    replying = _REPLY_PREFIX.match(subject) is not None and _FORWARD_PREFIX.match(subject) is None
    if "receipt" in in_subject and not replying and not subject.rstrip().endswith("?"):
        return True
    if _has_receipt_file(message):
        return True
    if bulk and "transaction" not in in_subject:
        return False
    if (bulk or notifier) and not _may_mention(message, _TOTAL_WORDS):
        return False  # the headers have decided, unless the text has a total: no need to read it
    found = text.whole_scan()
    return "total" in found and "txn" in found


def _may_mention(message: Message, words: tuple[bytes, ...]) -> bool:
    """False only when the text cannot contain any of ``words`` (lower-case ASCII): a byte scan.

    Quoted-printable can split a word with a soft line break and base64 hides
    it, so a message with either (or with 8-bit bytes) may always mention them.
    """
    start = message.body_start
    if not message.raw.isascii() and not message.raw[start:].isascii():
        return True
    find = message.lowered.find
    if find(b"base64", start) >= 0 or find(b"=\n", start) >= 0 or find(b"=\r\n", start) >= 0:
        return True
    return any(find(word, start) >= 0 for word in words)


def _has_receipt_file(message: Message) -> bool:
    """An attachment named like an invoice or a receipt: a byte scan; the MIME parse only for encoded names."""
    ctype = message.content_type
    if ctype == "multipart/alternative" or not ctype.startswith(("multipart/", "application/")):
        return False  # no part of these is sent as a file
    if not message.may_contain(_RECEIPT_WORDS):
        return False
    names, hidden = message.filename_hints
    if any(_RECEIPT_FILE.search(name) for name in names):
        return True
    if hidden:
        return any(_RECEIPT_FILE.search(a.filename) for a in message.attachments)
    return False


def _first_time(message: Message, known_sender: KnownSender | None) -> bool:
    """No history with the client, and not a colleague (a To/Cc recipient at the sender's own domain)."""
    sender = message.sender
    if sender is None:
        return False
    domain = sender.domain
    if domain and domain not in _FREEMAIL:
        for field in ("to", "cc"):
            if any(a.domain == domain for a in message.addresses(field)):
                return False
    return known_sender is None or not known_sender(sender.email.lower())


def _pitch_score(message: Message, text: _Text) -> int:
    """The own text's pitch score; a borderline one also counts numeric claims and naming the recipient's company."""
    found = text.own_scan()
    score = found.get("pitch", 0) + found.get("lexicon", 0)
    if score == 0 or score >= PITCH_THRESHOLD:
        return score
    own = text.own
    if "claim" in found or _percent_claim(own):
        score += 1
    for token in _company_tokens(message):
        at = own.find(token)
        if at >= 0 and not own[at - 1 : at].isalnum() and not own[at + len(token) : at + len(token) + 1].isalnum():
            score += 1
            break
    return score


def _percent_claim(text: str) -> bool:
    """A percentage ("cut costs by 30%", "save 15 %"): ``str.find`` for each "%", not a regex over the text."""
    at = text.find("%")
    while at > 0:
        before = text[max(0, at - 2) : at].rstrip()
        if before[-1:].isdigit():
            return True
        at = text.find("%", at + 1)
    return False


def _company_tokens(message: Message) -> set[str]:
    """The recipients' organisation names as their domains spell them ("acme" for dana@acme.example)."""
    tokens = set()
    for field in ("to", "cc"):
        for address in message.addresses(field):
            if address.domain and address.domain not in _FREEMAIL:
                label = address.domain.split(".")[0].split("-")[0]
                if len(label) >= 4:
                    tokens.add(label)
    return tokens


def _asks_to_meet(text: _Text) -> bool:
    """A request to meet (subject or text) and a time expression (subject or text); else a question about meeting.

    The fallback: a question (a sentence ending in "?") in the text, short (ten
    words at most) or addressed to the reader, with a word about meeting
    ("call", "coffee", "chat", "still on" ...) and a time expression in the
    same sentence or the subject: "Free to chat this afternoon?", "Are we still
    on for Thursday?".
    """
    subject = text.subject
    in_subject = TEXT.scan(subject) if subject else {}
    found = text.whole_scan()
    request = "request" in in_subject or "request" in found or "request" in text.subject_scan()
    timed_subject = "time" in in_subject or (bool(subject) and _DIGIT_TIME.search(subject) is not None)
    if request:
        if timed_subject or "time" in found:
            return True
        return any(_DIGIT_TIME.search(part) for part in (text.own, text.forwarded) if part)
    return _meeting_question(text.own, timed_subject)


def _meeting_question(own: str, timed_subject: bool) -> bool:
    at = own.find("?")
    while at >= 0:
        start = max(own.rfind(".", 0, at), own.rfind("!", 0, at), own.rfind("\n", 0, at), own.rfind("?", 0, at)) + 1
        sentence = own[start:at]
        to_reader = _TO_THE_READER.search(sentence) is not None or len(sentence.split()) <= 10
        if (
            to_reader
            and _MEETING_WORDS.search(sentence)
            and (timed_subject or "time" in TEXT.scan(sentence) or _DIGIT_TIME.search(sentence))
        ):
            return True
        at = own.find("?", at + 1)
    return False


# -- the text a step reads ------------------------------------------------------------

_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>[^\n]*\n?")
_SIGNATURE = re.compile(r"\n-- ?\n")
# Attribution lines that introduce a quoted original: the marker, and how its line (or the one before) starts.
_ATTRIBUTIONS = (("wrote:", "on "), ("a écrit", "le "), ("schrieb", "am "), ("escribió", "el "))
_FORWARD_MARKERS = (
    "forwarded message",
    "weitergeleitete nachricht",
    "message transféré",
    "mensaje reenviado",
)


class _Text:
    """A message's lower-cased subject and text, each split and scanned once, only when a step asks for it."""

    __slots__ = ("_forwarded", "_message", "_own", "_scans", "_subject_scan", "subject")

    def __init__(self, message: Message, subject: str) -> None:
        self._message = message
        self.subject = subject
        self._own: str | None = None
        self._forwarded = ""
        self._scans: tuple[dict[str, int], dict[str, int]] | None = None
        self._subject_scan: dict[str, int] | None = None

    def subject_scan(self) -> dict[str, int]:
        """The subject's receipt, shipping, transaction and meeting-request phrases."""
        if self._subject_scan is None:
            self._subject_scan = SUBJECT.scan(self.subject) if self.subject else {}
        return self._subject_scan

    @property
    def own(self) -> str:
        """What the sender wrote: no quoted lines, quoted original, forwarded message or signature."""
        if self._own is None:
            self._own, self._forwarded = _own_and_forwarded(text_prefix(self._message).lower(), self.subject)
        return self._own

    @property
    def forwarded(self) -> str:
        _ = self.own
        return self._forwarded

    def own_scan(self) -> dict[str, int]:
        return self._both()[0]

    def whole_scan(self) -> dict[str, int]:
        """The own text's phrases and a forwarded message's (a forwarded receipt is still a receipt)."""
        return self._both()[1]

    def _both(self) -> tuple[dict[str, int], dict[str, int]]:
        if self._scans is None:
            own = TEXT.scan(self.own)
            whole = own
            if self.forwarded:
                whole = dict(own)
                for family, score in TEXT.scan(self.forwarded).items():
                    whole[family] = whole.get(family, 0) + score
            self._scans = own, whole
        return self._scans


def _own_and_forwarded(text: str, subject: str) -> tuple[str, str]:
    """Split a lower-cased body into the sender's own words and a forwarded message (quoted lines dropped)."""
    if not text:
        return "", ""
    cut, rest, forward = _quote_start(text)
    if forward is False and _FORWARD_PREFIX.match(subject) is not None:
        forward = True  # "Fwd:" with an Outlook-style header block
    forwarded = ""
    if cut >= 0:
        if forward:
            forwarded = _unquote(text[rest : rest + TEXT_LIMIT])
        text = text[:cut]
    text = _unquote(text)
    signature = _SIGNATURE.search(text)
    if signature is not None:
        text = text[: signature.start()]
    return text[:TEXT_LIMIT], forwarded


def _unquote(text: str) -> str:
    return _QUOTED_LINE.sub("", text) if ">" in text else text


def _quote_start(text: str) -> tuple[int, int, bool]:
    """Where a quoted original or a forwarded message starts, where its text starts, and whether it is forwarded.

    (-1, -1, False) when there is none. Literal searches find the candidates;
    only their lines are looked at.
    """
    best = (-1, -1, False)

    def take(cut: int, rest: int, forward: bool) -> None:
        nonlocal best
        if best[0] < 0 or cut < best[0]:
            best = (cut, rest, forward)

    for marker, opener in _ATTRIBUTIONS:
        at = text.find(marker)
        while at >= 0:
            line = text.rfind("\n", 0, at) + 1
            before = text.rfind("\n", 0, max(line - 1, 0)) + 1 if line else line
            for start in (line, before):
                if text[start:at].lstrip(" \t*").startswith(opener):
                    take(start, text.find("\n", at) + 1 or len(text), False)
                    break
            at = text.find(marker, at + 1)
    for marker in ("original message", *_FORWARD_MARKERS):
        at = text.find(marker)
        if at >= 0:
            line = text.rfind("\n", 0, at) + 1
            head = text[line:at]
            if marker == "original message" and "--" not in head:
                continue
            if head.strip(" \t-*>") == "":
                take(line, text.find("\n", at) + 1 or len(text), marker != "original message")
    for field in ("\nsent:", "\ndate:", "\n*sent:*", "\n*date:*"):
        at = text.find(field)
        if at >= 0:
            line = text.rfind("\n", 0, at) + 1
            if text[line:at].lstrip(" \t*").startswith("from:"):
                take(line, at + 1, False)
    return best


def text_prefix(message: Message) -> str:
    """About the first ``TEXT_LIMIT`` characters of the message's text, without the full MIME parse if possible.

    The plain-text part (else the HTML part rendered to text), as
    ``Message.body_text`` would find it (``mailflow.mime`` walks the raw
    bytes), reading a bounded prefix of the part. ``body_text`` itself is
    used when it is already computed, or when the structure is unusual.
    """
    done = message.__dict__.get("body_text")
    if isinstance(done, str):
        return done[: TEXT_LIMIT * 2]
    try:
        return message.walked_text(_RAW_LIMIT, _HTML_LIMIT)
    except mime.Unusual:
        return message.body_text[: TEXT_LIMIT * 2]
