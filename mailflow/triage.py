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

Phrases are found without a regex scan over the text (see ``_Phrases``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import mime
from .message import Message, split_header_block

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
_PITCH_THRESHOLD = 3

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


# -- phrases ------------------------------------------------------------------------
#
# Most signals are phrases ("can we meet", "companies like yours", "Total: $42.10").
# A regular expression with many alternatives costs 25-60 ns a character in ``re`` (it
# tries them at every position), far too much for every message. So each rule has an
# anchor word (its least common word). A scan turns punctuation into spaces (one
# character for one, so offsets hold), splits, and intersects the words with the anchor
# words (all in C); only the anchors present are then found with ``str.find``, and only
# there are a rule's ``after`` pattern (matched right after the anchor) and ``before``
# pattern (matched so that it ends right before it) tried. Texts are lower-cased first;
# every pattern is lower case.

# Everything but letters, digits and the apostrophe separates words. ASCII text (most of it) goes
# through bytes.translate, a plain table lookup, with the same offsets; str.translate costs 10 ns a character.
_ASCII_SEPARATORS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\r\n\x0b\x0c'
_SEPARATORS = str.maketrans(dict.fromkeys(_ASCII_SEPARATORS + "“”„‘’«»‹›–—…•·¿¡\u00a0", " "))
_BYTE_SEPARATORS = bytes.maketrans(_ASCII_SEPARATORS.encode(), b" " * len(_ASCII_SEPARATORS))
_BEFORE_SPAN = 64
_LINE_LEAD = " \t*|:>•-–"
_TOTAL_QUALIFIERS = frozenset(
    {"order", "grand", "invoice", "receipt", "payment", "trip", "estimated", "new", "your", "the", "final", "net"}
)


@dataclass(frozen=True, slots=True)
class _Rule:
    index: int
    family: str
    weight: int
    cap: int  # the family's score at which it is decided
    after: re.Pattern[str] | None  # matched right after the anchor word
    before: re.Pattern[str] | None  # matched so that it ends right before the anchor (within _BEFORE_SPAN)
    hints: tuple[str, ...]  # ``before`` starts with one of these words: without one, it cannot match
    line_start: bool  # the anchor starts its line (after bullets, or a word like "order" or "grand")
    not_after: str  # the anchor must not follow this ("good " morning)
    sentence_start: frozenset[str] | None  # the anchor starts its sentence, after at most these words
    free: bool  # no context to look at: the anchor word alone decides


class _Phrases:
    """A set of phrase rules, each found where its anchor word occurs.

    ``caps``: the score at which a family is decided (1 for a family not
    named): its other rules are not tried any more.
    """

    def __init__(self, caps: dict[str, int] | None = None) -> None:
        self._caps = caps or {}
        self._by_anchor: dict[str, list[_Rule]] = {}
        self._by_byte_anchor: dict[bytes, list[_Rule]] = {}
        self._anchors: set[str] = set()
        self._byte_anchors: set[bytes] = set()

    def rule(
        self,
        family: str,
        weight: int,
        anchors: str,
        after: str = "",
        *,
        before: str = "",
        line_start: bool = False,
        not_after: str = "",
        hints: str = "",
        sentence_start: str | None = None,
    ) -> None:
        """A rule: one of the space-separated ``anchors`` words, with ``before`` and ``after`` around it.

        ``hints``: the words ``before`` can start with, when ``_hints`` cannot
        tell from the pattern; ``sentence_start``: the words allowed between
        the start of the sentence and the anchor ("" for none).
        """
        rule = _Rule(
            sum(len(rules) for rules in self._by_anchor.values()),
            family,
            weight,
            self._caps.get(family, 1),
            re.compile(after) if after else None,
            re.compile(f"(?:{before})$") if before else None,
            tuple(hints.split()) if hints else _hints(before),
            line_start,
            not_after,
            frozenset(sentence_start.split()) if sentence_start is not None else None,
            not (after or before or line_start or not_after or sentence_start is not None),
        )
        for word in anchors.split():
            assert word == word.translate(_SEPARATORS), f"an anchor is one word: {word!r}"
            self._by_anchor.setdefault(word, []).append(rule)
            self._anchors.add(word)
            if word.isascii():
                self._by_byte_anchor.setdefault(word.encode(), []).append(rule)
                self._byte_anchors.add(word.encode())

    def scan(self, text: str) -> dict[str, int]:
        """Family to score for the phrases in ``text`` (lower case); a rule counts once however often it matches.

        Rules without context (the word alone) are decided by the words
        present; only words with contextual rules still undecided are looked
        for in the text.
        """
        found: dict[str, int] = {}
        counted: set[int] = set()
        spaced: str | bytes
        if text.isascii():
            spaced = b" " + text.encode("ascii").translate(_BYTE_SEPARATORS) + b" "
            present: list[str | bytes] = list(self._byte_anchors.intersection(spaced.split()))
            by_anchor: dict[Any, list[_Rule]] = self._by_byte_anchor
        else:
            spaced = f" {text.translate(_SEPARATORS)} "
            present = list(self._anchors.intersection(spaced.split()))
            by_anchor = self._by_anchor
        contextual: list[tuple[str | bytes, list[_Rule]]] = []
        for word in present:
            rules = by_anchor[word]
            pending = []
            for rule in rules:
                if rule.index in counted:
                    continue
                if rule.free:
                    if found.get(rule.family, 0) < rule.cap:
                        counted.add(rule.index)
                        found[rule.family] = found.get(rule.family, 0) + rule.weight
                else:
                    pending.append(rule)
            if pending:
                contextual.append((word, pending))
        for word, rules in contextual:
            live = [r for r in rules if r.index not in counted and found.get(r.family, 0) < r.cap]
            if live:
                _at_each(text, spaced, word, live, found, counted)
        return found


def _at_each(
    text: str,
    spaced: str | bytes,
    word: str | bytes,
    rules: list[_Rule],
    found: dict[str, int],
    counted: set[int],
) -> None:
    """Try ``rules`` wherever ``word`` occurs in ``text`` (``spaced``: its spaced-out copy, one longer in front)."""
    needle = spaced[:1] + word + spaced[:1]  # type: ignore[operator]  # both str or both bytes
    find = spaced.find
    size = len(word)
    at = find(needle)  # type: ignore[arg-type]
    while at >= 0:
        start = at
        end = at + size
        for rule in rules:
            family = rule.family
            if rule.index in counted or found.get(family, 0) >= rule.cap:
                continue
            if rule.not_after and text.endswith(rule.not_after, 0, start):
                continue
            if rule.line_start:
                lead = text[text.rfind("\n", 0, start) + 1 : start].strip(_LINE_LEAD)
                if lead and lead not in _TOTAL_QUALIFIERS:
                    continue
            if rule.sentence_start is not None and not _starts_sentence(text, start, rule.sentence_start):
                continue
            after = rule.after
            if after is not None and after.match(text, end) is None:
                continue
            before = rule.before
            if before is not None:
                lead_at = start - _BEFORE_SPAN if start > _BEFORE_SPAN else 0  # ``^`` still means the text's start
                if rule.hints:
                    if not _before_from_hints(before, rule.hints, text, lead_at, start):
                        continue
                elif before.search(text, lead_at, start) is None:
                    continue
            counted.add(rule.index)
            found[family] = found.get(family, 0) + rule.weight
        at = find(needle, end + 1)  # type: ignore[arg-type]


def _before_from_hints(before: re.Pattern[str], hints: tuple[str, ...], text: str, lead: int, end: int) -> bool:
    """``before.search(text, lead, end)``, trying only where a hint word starts (a match starts with one).

    A search tries the pattern at every position of the window (a few
    microseconds); the hint words are found by ``str.rfind`` and the pattern
    matched there only.
    """
    rfind = text.rfind
    match = before.match
    for hint in hints:
        at = rfind(hint, lead, end)
        while at >= 0:
            if (at == 0 or not text[at - 1].isalnum()) and match(text, at, end) is not None:
                return True
            at = rfind(hint, lead, at + len(hint) - 1)
    return False


def _starts_sentence(text: str, start: int, allowed: frozenset[str]) -> bool:
    """Only ``allowed`` words between the start of the sentence (or a greeting line) and ``start``."""
    lead = max(
        text.rfind("\n", 0, start), text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)
    )
    words = text[lead + 1 : start].split()
    return len(words) <= 3 and all(word in allowed for word in words)


def _hints(before: str) -> tuple[str, ...]:
    """The words a ``before`` pattern starts with (``\\bword`` or ``\\b(?:one|two words)``), if it says so plainly.

    None for a pattern with a top-level ``|``: its alternatives start differently.
    """
    depth = 0
    escaped = False
    for ch in before:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ()
    m = re.match(r"\\b(?:\(\?:([\w' |]+)\)|([\w']+))", before)
    if m is None:
        return ()
    return tuple((m.group(1) or m.group(2)).split("|"))


_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays "
    "tue tues wed thu thur thurs fri montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves viernes sábado"
)
_WEEKDAY = "(?:" + "|".join(_WEEKDAYS.split()) + ")"
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WHEN = (
    r"(?:" + _WEEKDAY + r"|tomorrow|today|tonight|morning|afternoon|evening|next week|this week|"
    r"\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2})"
)
_CURRENCY = r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|cad|aud|chf|jpy|inr|sek|nok|dkk|nzd|sgd|hkd|mxn|brl|zar)\b|\b(?:us|c|a|r)\$)"
_AMOUNT = r"\d[\d,.']*"
_MONEY = r"(?:" + _CURRENCY + r"[)\]:\s]{0,4}" + _AMOUNT + r"|" + _AMOUNT + r"\s?" + _CURRENCY + r")"
_PEOPLE = (
    "companies businesses teams brands firms agencies startups organizations organisations leaders founders "
    "executives ceos cfos ctos marketers retailers clinics practices"
)
_OFFERINGS = (
    "platform platforms solution solutions software tool tools product products service services agency app apps "
    "technology offering"
)
_CAN_WE = r"\b(?:can|could|shall|should|may|might) we (?:[\w']+ ){0,2}?"

# -- subject phrases ------------------------------------------------------------------

_SUBJECT = _Phrases()
_MONTH = "(?:" + "|".join(_MONTHS.split()) + ")"
_SUBJECT_START = r"^\s*(?:fwd?:\s*|fw:\s*)?"

# A receipt's subject.
_SUBJECT.rule(
    "receipt",
    1,
    "receipt invoice inv bill rechnung facture factura fattura quittung reçu recibo",
    r"\s*(?:#|no\.?|nr\.?|n°|number|num\.?)\s*:?\s*[a-z]{0,4}[-_/]?\d",
)
_SUBJECT.rule("receipt", 1, "receipt", before=r"\byour\b[^:]{0,40}")
_SUBJECT.rule("receipt", 1, "receipt", r" (?:for|from)\b")
_SUBJECT.rule(
    "receipt",
    1,
    "receipt",
    before=_SUBJECT_START + r"(?:here'?s |here is )?(?:the |a |my |your )?(?:[\w.&'-]+ ){0,3}",
)
_SUBJECT.rule(
    "receipt",
    1,
    "invoice",
    r"\s*(?:$|[#:(\[\-–]|\d|[a-z]{1,4}[-_/]?\d|(?:for|from|no|number|nr|ref|attached|enclosed|is|due|reminder|"
    r"available|ready)\b)",
    before=_SUBJECT_START + r"(?:your |new |the |a |an |monthly |final |tax |proforma |pro forma )?",
)
_SUBJECT.rule(
    "receipt",
    1,
    "invoice",
    r" (?:\d|from|for|attached|enclosed|is (?:available|ready|due|overdue)|due|reminder|available)",
)
_SUBJECT.rule(
    "receipt", 1, "invoice", before=r"\b(?:overdue|unpaid|outstanding|past due|updated|corrected|revised|your) "
)
_SUBJECT.rule(
    "receipt",
    1,
    "payment",
    r" (?:received|receipt|confirmation|confirmed|successful|processed|complete|accepted|thank you)\b",
)
_SUBJECT.rule(
    "receipt",
    1,
    "payment order purchase donation",
    before=r"\b(?:we(?:'ve| have)? received|thanks? (?:you )?for) your ",
)
_SUBJECT.rule("receipt", 1, "shopping purchasing", before=r"\bthanks? (?:you )?for (?:your )?")
_SUBJECT.rule("receipt", 1, "order", r" (?:confirmation|confirmed|receipt|placed|received|summary)\b")
_SUBJECT.rule("receipt", 1, "order", r"\s*#?\s*[\w-]*\d[\w-]*\s+(?:is |has been )?(?:confirmed|placed|received)\b")
_SUBJECT.rule(
    "receipt",
    1,
    "order",
    r" (?:is confirmed|has been (?:placed|received|confirmed)|of\b|from\b)",
    before=r"\byour (?:\S+ ){0,3}",
)
_SUBJECT.rule("receipt", 1, "purchase subscription renewal donation", r" (?:confirmation|confirmed|receipt)\b")
_SUBJECT.rule("receipt", 1, "subscription membership plan", r" (?:renewed|has been renewed|payment)\b")
_SUBJECT.rule("receipt", 1, "refund credit", r" (?:processed|issued|confirmation|receipt)\b")
_SUBJECT.rule("receipt", 1, "charged billed", before=r"\byou(?:'ve| have) been ")
_SUBJECT.rule(
    "receipt", 1, "statement", before=r"\b(?:billing|account|monthly|quarterly|annual|card|credit card|" + _MONTH + ") "
)
_SUBJECT.rule("receipt", 1, "statement bill", r" (?:is )?(?:ready|available)\b")
_SUBJECT.rule("receipt", 1, "bill", r"(?! of\b)", before=r"\byour (?:\S+ ){0,3}")
_SUBJECT.rule(
    "receipt",
    1,
    "rechnung facture factura quittung bestellbestätigung buchungsbestätigung zahlungsbestätigung zahlungseingang",
)
_SUBJECT.rule("receipt", 1, "confirmation", r" de (?:commande|paiement)\b")
_SUBJECT.rule("receipt", 1, "reçu", before=r"\bvotre (?:\S+ )?")
_SUBJECT.rule("receipt", 1, "reçu", r" de paiement\b")
_SUBJECT.rule("receipt", 1, "confirmación", r" de (?:pedido|pago|compra)\b")
_SUBJECT.rule("receipt", 1, "recibo", before=r"\b(?:su|tu) ")
_SUBJECT.rule("receipt", 1, "recibo", r" de (?:pago|compra)\b")
# A shipping notice or a failed payment: about an order or a payment, but no record of one.
_SUBJECT.rule(
    "shipping",
    1,
    "shipped dispatched arriving transit failed declined unsuccessful expires expired expiring versandt verschickt "
    "enviado expédié expédiée",
)
_SUBJECT.rule("shipping", 1, "delivered delivery", before=r"\b(?:been |was |is |out for |for )")
_SUBJECT.rule("shipping", 1, "way", before=r"\bon (?:its|the) ")
_SUBJECT.rule("shipping", 1, "track tracking", r" (?:your|number|info)")
_SUBJECT.rule("shipping", 1, "processed", before=r"\bcould not be ")
_SUBJECT.rule("shipping", 1, "problem", r" with\b")
_SUBJECT.rule("shipping", 1, "update", r" your (?:payment|card|billing)")
# A list mail's subject that may be a transaction's (only then is its text read for a total).
_SUBJECT.rule(
    "transaction",
    1,
    "order orders trip ride purchase payment paid subscription renewal renewed booking reservation charge charged "
    "donation transaction billing bill statement invoice receipt refund ticket tickets folio parking rental "
    "itinerary stay",
)
# A subject only machines write: a code, a password reset, a delivery, a failed payment.
_SUBJECT.rule(
    "machine", 1, "code passcode", before=r"\b(?:your|verification|security|login|sign-in|one-time|confirmation) "
)
_SUBJECT.rule("machine", 1, "code", r" is\s*:?\s*\d")
_SUBJECT.rule("machine", 1, "password", before=r"\b(?:reset|change|changed|new|forgot|forgotten|your) (?:your )?")
_SUBJECT.rule("machine", 1, "reset", r" your password\b")
_SUBJECT.rule("machine", 1, "alert", before=r"\bsecurity ")
_SUBJECT.rule("machine", 1, "login signin", before=r"\bnew ")
_SUBJECT.rule("machine", 1, "sign", r"[- ]in\b", before=r"\bnew ")
_SUBJECT.rule("machine", 1, "shipped delivered dispatched", before=r"\b(?:has |have |was |been |is |were )")
_SUBJECT.rule("machine", 1, "delivery", before=r"\bout for ")
_SUBJECT.rule("machine", 1, "way", before=r"\b(?:package|parcel|order|shipment|delivery|it) is on (?:its|the) ")
_SUBJECT.rule(
    "machine", 1, "failed declined unsuccessful", before=r"\b(?:payment|charge|card|transaction)(?: has| was)? "
)
_SUBJECT.rule("machine", 1, "update", r" your (?:payment|card|billing) (?:method|details|information|info)")
_SUBJECT.rule("machine", 1, "voted responded", r" (?:on|to) ['\"“]")
_SUBJECT.rule(
    "machine",
    1,
    "failed passed succeeded fixed broken",
    before=r"\b(?:build|pipeline|job|run|deploy|deployment|tests?|check|workflow)\b[^:]{0,30}",
)
_SUBJECT.rule(
    "machine",
    1,
    "approved rejected submitted",
    before=r"\b(?:request|report|expense|application|timesheet|leave|claim)s? (?:was|were|has been|have been) ",
)
_SUBJECT.rule("machine", 1, "voicemail fax", before=r"\bnew ")
# A meeting request in a subject alone ("coffee next week?", "Meeting request", "Reschedule").
_SUBJECT.rule(
    "request",
    1,
    "coffee lunch call chat catch meeting meet sync drink drinks dinner breakfast zoom",
    r"[^\n]{0,40}\?\s*$",
    before=r"^\s*(?:re:\s*)*(?:quick |a )?",
)
_SUBJECT.rule("request", 1, "request", before=r"\b(?:meeting|call) ")
_SUBJECT.rule(
    "request",
    1,
    "coffee lunch call meeting sync catchup chat drinks dinner breakfast",
    r" (?:next week|this week|tomorrow|today|tonight|on " + _WEEKDAY + r"|" + _WEEKDAY + r"|at \d)",
)
_SUBJECT.rule("request", 1, "request", r" (?:for|to) (?:a )?(?:meet|meeting|call)\b")
_SUBJECT.rule("request", 1, "scheduling reschedule rescheduling rescheduled")
_SUBJECT.rule("request", 1, "availability", before=r"\b(?:your|my) ")
_SUBJECT.rule("request", 1, "availability", r" (?:for|next|this)\b")

# -- text phrases -------------------------------------------------------------------

_TEXT = _Phrases({"pitch": _PITCH_THRESHOLD, "lexicon": 2})

# Cold outreach: 3 = decisive alone, 2 = strong, 1 = weak; a pitch scores 3 or more.
_TEXT.rule("pitch", 3, _PEOPLE, r" (?:just )?(?:like|such as) (?:yours|your|you)\b")
_TEXT.rule(
    "pitch",
    3,
    _OFFERINGS,
    r" (?:helps?|allows?|enables?|lets?|can help|is helping|has helped|have helped|empowers?|makes it easy)\b",
    before=r"\b(?:our|my)(?: [\w-]+)? ",
)
_TEXT.rule(
    "pitch",
    3,
    _PEOPLE + " b2b saas",
    before=r"\b(?:we|i)(?:'ve| have)? (?:help(?:ed)?|work(?:ed)? with|partner(?:ed)? with) (?:\d[\d,+]* |over \d+ |"
    r"hundreds of |dozens of |many |other |leading |b2b |saas )*",
)
_TEXT.rule("pitch", 3, "minutes mins", r" of your (?:time|day|week)\b")
_TEXT.rule(
    "pitch",
    3,
    "book grab schedule pick",
    r" (?:a |some )?(?:time|slot|call|meeting|demo)\b[^.\n]{0,20}\b(?:with me|on my calendar|in my calendar|"
    r"from my calendar|using (?:this|my) link|here\b)",
)
_TEXT.rule(
    "pitch",
    3,
    "following follow",
    r" up on my (?:last|previous|earlier|prior|first) (?:email|e-mail|note|message|mail)",
)
_TEXT.rule("pitch", 3, "circling", r" back (?:on|to) my (?:last |previous )?(?:email|e-mail|note|message)")
_TEXT.rule("pitch", 3, "bumping floating", r" (?:this|my (?:email|note|message))(?: back)? (?:up|to the top)\b")
_TEXT.rule(
    "pitch",
    3,
    "email note message mail emails notes messages",
    before=r"\b(?:did you|if you|in case you|you may have) (?:get|see|saw|receive|received|missed|have a chance to "
    r"(?:read|look at|review)) my (?:last |previous |earlier |other )?(?:e-)?",
)
_TEXT.rule("pitch", 2, "heard", r" back\b", before=r"\b(?:haven't|have not|hasn't|didn't|not) ")
_TEXT.rule("pitch", 2, "timing", r" (?:isn't|is not|wasn't|might not be) (?:right|good)\b")
_TEXT.rule("pitch", 2, "someone", r" else (?:on|at|in|from) your (?:team|company|side)\b")
_TEXT.rule(
    "pitch",
    3,
    "demo",
    before=r"\b(?:schedule|book|see|get|request|arrange|set up|offer you|give you|open to) (?:a |an |your )?"
    r"(?:quick |short |free |personali[sz]ed |live |custom |\d+[- ]minute )?",
)
_TEXT.rule("pitch", 3, "trial audit consultation assessment pilot", before=r"\bfree ")
_TEXT.rule("pitch", 3, "right", r" person\b", before=r"\b(?:not|to|who is|who's|who would be) the ")
_TEXT.rule("pitch", 3, "responsible", r" for\b", before=r"\bwho(?:'s| is| would be) ")
_TEXT.rule("pitch", 3, "unsubscribe unsubscribing optout")
_TEXT.rule("pitch", 3, "opt", r"[- ]out\b")
_TEXT.rule("pitch", 3, "rather", r" not (?:to )?(?:hear|receive|get)\b")
_TEXT.rule("pitch", 3, "reply", r" (?:with )?[\"'“]?(?:stop|remove|no thanks|unsubscribe)\b")
_TEXT.rule("pitch", 3, "interested", r"\?? (?:just )?(?:let me know|reply|tell me)\b", before=r"\bnot ")
_TEXT.rule(
    "pitch",
    2,
    "came come stumbled ran",
    r" (?:across|upon) (?:your|you\b|[\w.&'-]+(?: [\w.&'-]+)? (?:on|while|in|at|through|via)\b)",
)
_TEXT.rule("pitch", 2, "love", r" to (?:show|share|walk|give|offer|demo)\b", before=r"\bi(?:'d| would) ")
_TEXT.rule("pitch", 2, "worth", r" (?:a |an )?(?:quick |short |brief )?(?:chat|call|conversation|look|exploring)\b")
_TEXT.rule(
    "pitch",
    2,
    "open",
    r" to (?:a |an )?(?:quick |short |brief |\d+[- ]minute |exploratory )?(?:chat|call|conversation|exploring|"
    r"learning|hearing|demo)\b",
)
_TEXT.rule("pitch", 2, "open", r" to\b", before=r"\byou(?: be|'re| are) ")
_TEXT.rule("pitch", 2, "sense", r" to\b", before=r"\bmake ")
_TEXT.rule("pitch", 2, "priority", before=r"\bis this a ")
_TEXT.rule("pitch", 2, "case", r" stud(?:y|ies)\b")
_TEXT.rule("pitch", 2, "fortune", r" 500\b")
_TEXT.rule("pitch", 2, "trusted", r" by\b")
_TEXT.rule("pitch", 2, "clients customers", r" include\b", before=r"\bour ")
_TEXT.rule(
    "pitch",
    2,
    "increase boost grow double triple 10x scale improve drive generate",
    r" (?:your |their |qualified |more )?(?:revenue|sales|pipeline|leads|conversions?|roi|traffic|bookings|signups|"
    r"mrr|arr|cac|demo requests|meetings booked)\b",
)
_TEXT.rule("pitch", 2, "saved increased grew boosted reduced doubled tripled", r" (?:their |its )?[\w-]+ by \d")
_TEXT.rule("pitch", 2, "lead", r" gen(?:eration)?\b")
_TEXT.rule("pitch", 2, "appointment", r" setting\b")
_TEXT.rule("pitch", 2, "outsourcing outsource offshore")
_TEXT.rule("pitch", 2, "white", r"[- ]label\b")
_TEXT.rule("pitch", 2, "seo", r" (?:services|audit|agency|ranking)")
_TEXT.rule("pitch", 2, "design development", r" (?:services|agency)\b", before=r"\b(?:web|app|website|software) ")
_TEXT.rule("pitch", 2, "hacking", before=r"\bgrowth ")
_TEXT.rule("pitch", 2, "makers", before=r"\bdecision[- ]")
_TEXT.rule("pitch", 2, "intent", r" data\b")
_TEXT.rule("pitch", 2, "qualified", r" (?:leads|meetings|appointments)\b")
_TEXT.rule("pitch", 2, "reaching", r" out (?:from|on behalf of)\b")
_TEXT.rule("pitch", 2, "exclusive", r" (?:offer|discount|deal)")
_TEXT.rule("pitch", 2, "limited", r"[- ]time\b")
_TEXT.rule("pitch", 2, "special", r" (?:offer|pricing)\b")
_TEXT.rule("pitch", 2, "calendly cal savvycal chilipiper", r"\.(?:com|co|io|me|app|example)/")
_TEXT.rule("pitch", 2, "hubspot", r"\.com/meetings")
_TEXT.rule("pitch", 1, "quick", r" question\b")
_TEXT.rule("pitch", 1, "quick", r" call\b")
_TEXT.rule("pitch", 1, "demo demos")
_TEXT.rule("pitch", 1, "touch", r" base\b")
_TEXT.rule("pitch", 1, "hope", r" (?:this|you)\b[^.\n]{0,25}\b(?:finds you|well|great)\b")
_TEXT.rule("pitch", 1, "solution solutions")
_TEXT.rule("pitch", 1, "leverage leveraging synergy synergies roi streamline automate")
_TEXT.rule("pitch", 1, "partnership", r" opportunit")
_TEXT.rule("pitch", 1, "noticed", r" (?:that )?(?:you|your)\b")
_TEXT.rule("pitch", 1, "saw", r" (?:that )?(?:you|your (?:company|team|post|profile|website))\b")
_TEXT.rule(
    "pitch",
    1,
    "congrats congratulations",
    r" on (?:the |your )?(?:recent )?(?:funding|raise|series|launch|new role|promotion|growth|round)\b",
)
_TEXT.rule("pitch", 1, "minute min", r" (?:call|chat|intro|conversation|meeting)\b")
_TEXT.rule("pitch", 1, "pricing discount radar sponsorship sponsorships")
_TEXT.rule("pitch", 1, "reaching", r" out\b")
_TEXT.rule("pitch", 1, "introduce", r" (?:myself|our|my company|you to our)\b")
_TEXT.rule("pitch", 1, "pain", r" points?\b")
_TEXT.rule("pitch", 1, "class", before=r"\bbest-in-")
_TEXT.rule("pitch", 1, "cutting", r"[- ]edge\b")

_TEXT.rule("pitch", 3, "plattform lösung software produkt", r" hilft\b", before=r"\bunser(?:e|en)? ")
_TEXT.rule("pitch", 3, "unternehmen firmen", r" wie (?:ihres|ihrem|ihr|deins|deinem)\b")
_TEXT.rule("pitch", 3, "solution plateforme logiciel outil", r" aide\b", before=r"\bnotre ")
_TEXT.rule("pitch", 3, "entreprises sociétés", r" comme la (?:vôtre|votre|tienne)\b")
_TEXT.rule("pitch", 3, "plataforma solución solucion herramienta", r" ayuda\b", before=r"\bnuestra ")
_TEXT.rule("pitch", 3, "empresas compañías", r" como la (?:suya|tuya|vuestra)\b")
_TEXT.rule("pitch", 1, "démo demostración")
_TEXT.rule(
    "pitch",
    3,
    "plattform lösung software produkt tool",
    r" (?:[\w-]+ ){0,3}(?:hilft|vereinfacht|optimiert|automatisiert|spart)\b",
    before=r"\bunser(?:e|en)? ",
)
_TEXT.rule("pitch", 2, "zeigen", r",? wie (?:unsere|unser|wir)\b")
# What a seller says of themselves, asks for, and claims.
_TEXT.rule(
    "pitch",
    2,
    "help helps build built building make place resell offer offering provide specialize automate deliver power "
    "launched",
    before=r"\b(?:we|we're|we've|we are|i|i'm)(?: just| also| now)? ",
)
_TEXT.rule("pitch", 3, "earn", r" your business\b")
_TEXT.rule("pitch", 2, "beat", r" your current (?:rate|price|pricing|provider|vendor|plan|quote)\b")
_TEXT.rule("pitch", 2, "competitors", before=r"\byour ")
_TEXT.rule("pitch", 2, "interest", r"\s*\?", before=r"\bany ")
_TEXT.rule("pitch", 2, "cracks", before=r"\bslip(?:ped)? through the ")
_TEXT.rule("pitch", 1, "following", r" up\b")
_TEXT.rule("pitch", 1, "interested", before=r"\b(?:you'd|you would|would you|if you're|if you are) be ")
_TEXT.rule("pitch", 1, "curious", r" (?:if|whether|how|to hear)\b")
_TEXT.rule("pitch", 1, "complimentary")
_TEXT.rule("pitch", 1, "introduce", before=r"\b(?:i'd|i would|we'd|let me|allow me to|wanted to) (?:like to )?")
_TEXT.rule(
    "pitch",
    2,
    "send share",
    r" (?:you |over )?(?:a |some |our )?(?:short |quick |brief )?(?:video|deck|case study|proposal|quote|pricing|"
    r"one-pager|info|information|overview|details|samples?|profiles|estimate|assessment|analysis|report|breakdown|"
    r"list)\b",
    before=r"\b(?:can|could|may|shall) i |\bhappy to |\bi can |\blet me ",
)
_TEXT.rule("pitch", 2, "whoever", r" (?:does|handles|is responsible|manages|owns|is in charge)\b")
_TEXT.rule(
    "pitch",
    2,
    "agency firm company consultancy startup platform provider vendor studio",
    before=r"\b(?:we are|we're|i run|i lead|i own) (?:a |an )(?:[\w-]+ ){0,3}",
)
_TEXT.rule(
    "pitch",
    2,
    "organizes organises manages handles runs builds delivers provides offers designs",
    before=r"\b(?:our (?:team|company|agency|firm|platform|software)|we) ",
)
_TEXT.rule("pitch", 2, "manage handle run design", before=r"\bwe ")
_TEXT.rule("pitch", 2, "us", r" to\b", before=r"\buse ")
_TEXT.rule(
    "pitch",
    2,
    "times",
    before=r"\b(?:reached out|written|emailed|tried to reach you) (?:a few|several|multiple|a couple of) ",
)
_TEXT.rule("pitch", 2, "file", r" for now\b", before=r"\bclose your ")
_TEXT.rule("pitch", 1, "priority", before=r"\b(?:is|becomes|become) (?:[\w-]+ ){0,3}a ")
_TEXT.rule("pitch", 3, "ayudamos", r" a (?:empresas|compañías|negocios|equipos)\b")
_TEXT.rule("pitch", 2, "right best", r" person\b", before=r"\b(?:who is|who's|who would be) the ")
# Seller vocabulary: one point a word (a rule each), two at most (the family's cap).
_SELLER_WORDS = (
    "platform solution solutions agency clients guarantee guaranteed savings consultation proposal quote estimate "
    "audit integration integrates automatically seamless seamlessly specializing specialize certified leads "
    "partnerships scale scaling brand pricing discount trial"
)
for _word in _SELLER_WORDS.split():
    _TEXT.rule("lexicon", 1, _word)
# A numeric claim ("2,000 companies", "5 hours a week"; percentages are _percent_claim's): a point for a
# borderline pitch only (see _pitch_score).
_TEXT.rule("claim", 1, "companies customers clients teams businesses brands users fleets", before=r"\b\d[\d,.]*\+? ")
_TEXT.rule("claim", 1, "hours", r" (?:a|per|every) (?:week|month|day)\b", before=r"\b\d+ ")
_TEXT.rule("pitch", 1, "forward", r" (?:this|it|my (?:email|note|message)) (?:on )?to\b")
_TEXT.rule("pitch", 1, "i'm", r" [a-z]+ (?:from|at|with) [\w.&'-]+")

# A request to meet or talk.
_TEXT.rule("request", 1, "meet talk chat speak connect sync schedule grab book", before=_CAN_WE)
_TEXT.rule("request", 1, "catch", r" up\b", before=_CAN_WE)
_TEXT.rule("request", 1, "hop jump", r" on\b", before=_CAN_WE)
_TEXT.rule("request", 1, "set", r" up\b", before=_CAN_WE)
_TEXT.rule("request", 1, "find", r" (?:a |some )?time\b", before=_CAN_WE)
_TEXT.rule("request", 1, "call chat meeting", before=r"\b(?:can|could|shall|should) we (?:have|do) (?:a )?(?:quick )?")
_TEXT.rule(
    "request",
    1,
    "coffee lunch dinner breakfast drinks",
    before=r"\b(?:can|could|shall|should) we (?:do|grab|get|have) ",
)
_TEXT.rule("request", 1, "together", before=r"\bget ")
_TEXT.rule(
    "request", 1, "steal borrow grab call ring see", r" you\b", before=r"\b(?:can|could|may|might) i (?:[\w']+ )?"
)
_TEXT.rule(
    "request",
    1,
    "minutes mins minute hour",
    before=r"\b(?:can|could|may) i (?:get|have|grab|borrow|steal) (?:\d+ |a few |a couple of |half an |an |a )",
)
_TEXT.rule("request", 1, "minutes mins hour", before=r"\b(?:love|like|need|want) (?:\d+ |a few |half an |an )")
_TEXT.rule("request", 1, "spare", r" (?:a few |some |\d+ |half an |an |a )?(?:minutes|mins|hour|time|moment)\b")
_TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow today tonight",
    before=r"\b(?:(?:i|we|you) (?:can|could) do|(?:can|could|would) (?:you|we) do) (?:either |the |this |next )?",
    hints="i we you can could would",
)
_TEXT.rule("request", 1, "looks", r" like\b", before=r"\bwhat (?:your|the) (?:week|day|calendar|schedule|\w+day) ")
_TEXT.rule("request", 1, "suits", r" you\b", before=r"\bwhichever (?:time |day |one )?")
_TEXT.rule(
    "request",
    1,
    "fine good ok okay",
    r" (?:on my side|for me|with me|by me)\b",
    before=r"\b(?:would|will|should) be ",
)
_TEXT.rule("request", 1, "meet talk chat speak", before=r"\b(?:can|could) you (?:[\w']+ )?")
_TEXT.rule("request", 1, "fit", r" (?:me|us) in\b", before=r"\b(?:can|could) you ")
_TEXT.rule("request", 1, "squeeze", r" (?:me|us|in)\b")
_TEXT.rule(
    "request",
    1,
    "free available around",
    before=r"\b(?:(?:are|would|will|is) (?:you|she|he|they|everyone)|you're|you are|you'd be|you will be) "
    r"(?:[\w']+ )?(?:be )?",
)
_TEXT.rule("request", 1, "free", r" for (?:a |an )?(?:quick |short )?(?:call|chat|coffee|lunch|drink|dinner|catch)")
_TEXT.rule(
    "request",
    1,
    "time minutes minute mins moment availability hour slot window space",
    r"(?:\s+(?:for (?:a |an )?(?:call|chat|meeting|coffee|lunch|quick|catch)|to (?:talk|chat|meet|catch up|connect|"
    r"discuss|speak|hop|jump|sync|go over|go through|walk through)|on|this|next|tomorrow|today|later|at|in the|any|"
    + _WEEKDAY
    + r")\b"
    r"|\s*\?)",
    before=r"\b(?:do|would|will) you have (?:some |any |a (?:few |couple of )?|\d+ |half an |an )?",
)
_TEXT.rule("request", 1, "time slot window", before=r"\bfind (?:a |some )?")
_TEXT.rule("request", 1, "minutes mins hour", before=r"\bfind (?:\d+ |a few |some |half an |an )")
_TEXT.rule("request", 1, "say", before=r"\bshall we ")
_TEXT.rule("request", 1, "when", before=r"\bjust (?:say|tell me|let me know) ")
_TEXT.rule(
    "request",
    1,
    "come stop drop swing pop",
    r" by\b",
    before=r"\b(?:happy to|i can|i could|can i|could i|i'll|i will|shall i|want me to|i'd love to) ",
)
_TEXT.rule("request", 1, "calendar", before=r"\b(?:on|in|onto) your ")
_TEXT.rule("request", 1, "pencil", r" (?:in|it in|that in|something in)\b")
_TEXT.rule(
    "request", 1, "time", before=r"\b(?:what'?s|what is|is there|when'?s|when is) (?:a|the) (?:good|better|best) "
)
_TEXT.rule(
    "request",
    1,
    "time",
    r" (?:to|for) (?:talk|chat|meet|call|connect|catch up|speak|a call|a chat)\b",
    before=r"\b(?:good|better|best) ",
)
_TEXT.rule(
    "request",
    1,
    "time day days times date dates slot",
    r" (?:works|would work|suits?|is good|are good)\b",
    before=r"\b(?:what|which) ",
)
_TEXT.rule(
    "request",
    1,
    "which",
    r" (?:one |time |day |days |slot |option |of these )?(?:suits|works|work|would work|is better|would be better|"
    r"is best|is easier)\b",
)
_TEXT.rule(
    "request", 1, "options", before=r"\b(?:a few|some|two|three|four|couple of|here are (?:a few|some|two|three)) "
)
_TEXT.rule(
    "request",
    1,
    "when",
    r" (?:works|would work|suits|is good|are you (?:free|available|around)|would you be (?:free|available)|"
    r"can we|could we|is a good time|would be (?:a )?good|might you be)\b",
)
_TEXT.rule("request", 1, "works work suit suits", r" (?:for )?you\?")
_TEXT.rule("request", 1, "work suit", r" (?:for )?you\b", before=r"\bdoes (?:that|this|it) (?:time |day |slot )?")
_TEXT.rule("request", 1, "work suit", before=r"\bdoes " + _WEEKDAY + " ")
_TEXT.rule(
    "request",
    1,
    "work suit",
    before=r"\b(?:would|does|will|could|can) (?:[\w']+ ){0,3}?" + _WHEN + r"\b[^.?!\n]{0,25}?",
)
_TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow today tonight lunch coffee breakfast dinner next early later",
    before=r"\b(?:how|what) about ",
)
_TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow",
    r"[^.?!\n]{0,20}?\b(?:works?(?: for me| for us| best| well| great| fine| on my (?:side|end)|\s*[.!\n]|$)"
    r"|is (?:good|fine|great|better|best) for (?:me|us)|suits (?:me|us))\b",
)
_TEXT.rule(
    "request",
    1,
    "grab",
    r" (?:a |an |some )?(?:quick )?(?:coffee|lunch|a drink|drinks|breakfast|dinner|a bite|tea|beer|time)\b",
)
_TEXT.rule(
    "request",
    1,
    "set schedule book arrange organize organise pencil block",
    r"(?: up| in)? (?:a |an |some |our |the |another |a follow-up |an intro )?(?:quick |short |brief |"
    r"\d+[- ]minutes? (?:for )?(?:a )?)?(?:time|call|meeting|meet|chat|catch-up|catch up|sync|zoom|teams call|"
    r"video call|1:1|one-on-one|session|coffee|lunch|intro call|phone call|conversation|slot|debrief|"
    r"\d+ minutes|half an hour|an hour)\b",
)
_TEXT.rule(
    "request",
    1,
    "let's lets",
    r" (?:[\w']+ )?(?:meet|talk|chat|catch up|sync|find|grab|get together|hop|jump|set up|schedule|connect|speak|"
    r"do (?:a call|lunch|coffee|dinner)|pick a)\b",
)
_TEXT.rule("request", 1, "availability")
_TEXT.rule("request", 1, "chat call conversation", before=r"\bopen to (?:a |an )?(?:quick |short |brief )?")
_TEXT.rule(
    "request",
    1,
    "coffee lunch dinner drinks breakfast call chat",
    r"[^.!?\n]{0,40}\?",
    sentence_start="quick a up for fancy",
)
_TEXT.rule("request", 1, "hop jump", r" on (?:a |the )?(?:quick |short |brief )?(?:call|zoom|phone|video|teams)\b")
_TEXT.rule("request", 1, "meet", r" (?:up|in person|for (?:coffee|lunch|a drink|breakfast|dinner))\b")
_TEXT.rule(
    "request",
    1,
    "reschedule move moved moving push shift postpone",
    r" (?:our|the|my|your|this|tomorrow'?s?|today'?s?|\w+day'?s?) (?:[\w-]+ )?(?:meeting|call|chat|sync|1:1|"
    r"catch-up|session|lunch|coffee|appointment)\b",
)
_TEXT.rule("request", 1, "reschedule rescheduling")
_TEXT.rule(
    "request",
    1,
    "bring",
    r" (?:forward )?(?:our|the|my|your|this|tomorrow'?s?|\w+day'?s?) (?:[\w-]+ )?(?:meeting|call|session)\b",
)
_TEXT.rule(
    "request",
    1,
    "minutes time slot window",
    r" (?:to|for) (?:talk|chat|discuss|connect|meet|catch up|a call)\b",
    before=r"\b(?:a|any|few|some) ",
)
_TEXT.rule(
    "request",
    1,
    "available",
    r" (?:for|to) (?:a |an )?(?:quick |short )?(?:call|meeting|chat|talk|meet|coffee|lunch)\b",
)
_TEXT.rule("request", 1, "request", r" (?:for|to) (?:a )?(?:meet|meeting|call)\b")
_TEXT.rule("request", 1, "times slots", before=r"\b(?:send|sending) (?:me |over |you )?(?:some |a few )?")
_TEXT.rule("request", 1, "times slots", r" that (?:work|suit)")
_TEXT.rule(
    "request", 1, "invite", before=r"\b(?:send|sending|i'll send|will send) (?:you |over )?(?:a |an )?(?:calendar )?"
)
_TEXT.rule(
    "request",
    1,
    "können könnten",
    r" (?:wir|sie) (?:uns )?(?:[\w']+ ){0,5}(?:treffen|sprechen|telefonieren|austauschen)\b",
)
_TEXT.rule("request", 1, "hätten haben hast hättest", r" (?:sie|du) (?:[\w']+ ){0,5}zeit\b")
_TEXT.rule("request", 1, "termin", r" (?:vereinbaren|finden|ausmachen)\b")
_TEXT.rule("request", 1, "wann", r" (?:passt|hätten|hast|haben|wäre)\b")
_TEXT.rule("request", 1, "passt", r" (?:ihnen|dir|es)\b")
_TEXT.rule("request", 1, "seriez êtes serais seras serez", r"[- ](?:vous|tu) (?:[\w']+ )?disponibles?\b")
_TEXT.rule(
    "request",
    1,
    "pourrions pouvons pourrait peut",
    r"[- ](?:nous|on) (?:nous |se )?(?:voir|rencontrer|parler|appeler|échanger|caler|fixer|prendre)\b",
)
_TEXT.rule("request", 1, "peut pourrait", r" se (?:voir|parler|appeler)\b")
_TEXT.rule(
    "request",
    1,
    "fixer prendre caler planifier organiser",
    r" un (?:rendez-vous|rdv|créneau|appel|call|point|déjeuner|café)\b",
)
_TEXT.rule("request", 1, "disponibilités disponibilidad")
_TEXT.rule("request", 1, "convient conviendrait irait", before=r"\b(?:vous|te|t') ")
_TEXT.rule(
    "request",
    1,
    "podemos podríamos podriamos",
    r" (?:reunirnos|vernos|hablar|quedar|agendar|tener una llamada|tomar un café)\b",
)
_TEXT.rule(
    "request", 1, "tienes tiene tendrías tendría tendrias tendria", r" (?:[\w']+ )?(?:tiempo|un momento|unos minutos)\b"
)
_TEXT.rule("request", 1, "estás está estarías estaría estas esta estaria estarias", r" disponible\b")
_TEXT.rule("request", 1, "agendar programar coordinar concertar", r" una (?:reunión|reunion|llamada|cita)\b")
_TEXT.rule("request", 1, "viene va vendría funciona", before=r"\b(?:te|le) ")

# A time expression (numbers like "3pm" or "10:30" are _DIGIT_TIME's).
_TEXT.rule("time", 1, _WEEKDAYS + " today tonight tomorrow tmrw sometime anytime eod cob")
_TEXT.rule("time", 1, "morning afternoon evening", not_after="good ")
_TEXT.rule("time", 1, "lunch lunchtime noon midday breakfast")
_TEXT.rule("time", 1, "time", before=r"\bany ")
_TEXT.rule("time", 1, "week weekend month", before=r"\b(?:this|next|coming|following|end of(?: the)?) ")
_TEXT.rule("time", 1, "week", r" of\b")
_TEXT.rule("time", 1, "day", before=r"\bend of (?:the )?")
_TEXT.rule("time", 1, "days", before=r"\b(?:next|coming|few|couple of) ")
_TEXT.rule("time", 1, "hour", before=r"\b(?:half an|an) ")
_TEXT.rule("time", 1, _MONTHS, r"\.? \d{1,2}(?:st|nd|rd|th)?\b")
_TEXT.rule("time", 1, "heute übermorgen vormittag nachmittag")
_TEXT.rule("time", 1, "morgen", not_after="guten ")
_TEXT.rule("time", 1, "woche", before=r"\b(?:nächste|nächsten|nächster|diese|dieser|diesen) ")
_TEXT.rule("time", 1, "aujourd'hui demain matin soir")
_TEXT.rule("time", 1, "après", r"-midi\b")
_TEXT.rule("time", 1, "semaine", r" prochaine\b")
_TEXT.rule("time", 1, "semaine", before=r"\bcette ")
_TEXT.rule("time", 1, "hoy mañana")
_TEXT.rule("time", 1, "semana", before=r"\b(?:esta|próxima|proxima) ")
_TEXT.rule("time", 1, "semana", r" que viene\b")
_TEXT.rule("time", 1, "tarde", before=r"\bpor la ")

# Receipts: a total line with an amount ...
_TEXT.rule(
    "total",
    1,
    "total totals amount balance subtotal sum gesamtbetrag gesamtsumme rechnungsbetrag summe endbetrag montant importe",
    r"(?: (?:due|paid|charged|billed|payable|owed|to pay|incl\.? (?:vat|tax)|ttc|ht|total|à payer|payé|pagado|"
    r"a pagar))*\b[^\n\d]{0,30}?" + _MONEY,
    line_start=True,
)
_TEXT.rule("total", 1, "paid", r"\b[^\n\d]{0,20}?" + _MONEY, before=r"\b(?:you|amount|total) ")
_TEXT.rule("total", 1, "sent", r"\b[^\n\d]{0,10}?" + _MONEY, before=r"\byou ")
_TEXT.rule(
    "total",
    1,
    "charged",
    r"(?: you)?\b[^\n\d]{0,20}?" + _MONEY,
    before=r"\b(?:you were|we(?:'ve| have)?|has been|have been|was|total|amount) ",
)
_TEXT.rule("total", 1, "payment", r" (?:received|of)\b[^\n\d]{0,20}?" + _MONEY + r"[^\n]{0,40}\b(?:received|thank)")
# ... and a word of a transaction record.
_TEXT.rule("txn", 1, "receipt receipts invoice invoices subtotal tax taxes vat gst hst mwst ust tva iva transaction")
_TEXT.rule("txn", 1, "billing visa mastercard amex paypal rechnung facture factura recibo quittung reçu")
_TEXT.rule("txn", 1, "order", r" ?(?:number|no\b|#|id\b|total)")
_TEXT.rule("txn", 1, "sub", r"-total\b")
_TEXT.rule("txn", 1, "bill billed", r" to\b")
_TEXT.rule("txn", 1, "payment", r" (?:method|due|details|id|reference)\b")
_TEXT.rule("txn", 1, "card", r" ending\b")
_TEXT.rule("txn", 1, "ending", r" (?:in )?\d")
_TEXT.rule("txn", 1, "reimbursement refund")
_TEXT.rule("txn", 1, "american", r" express\b")
_TEXT.rule("txn", 1, "apple google", r" pay\b")
_TEXT.rule("txn", 1, "due", r" date\b")
_TEXT.rule("txn", 1, "net", r" \d+\b")
_TEXT.rule("txn", 1, "amount balance", r" due\b")
_TEXT.rule("txn", 1, "deposit transfer fee fees")
_TEXT.rule("txn", 1, "confirmation booking reference", r" (?:number|no\b|#|code)")


_DIGIT_TIME = re.compile(
    r"\d(?:\d?(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?![a-z])|\d?:[0-5]\d(?!\d)"
    r"|\d*\s?(?:min|mins|minutes?|hours?|hrs?|minuten|stunden?)\b|\d?/[0-3]?\d\b|\d{3}-[01]\d-[0-3]\d"
    r"|\d?\s?h(?:[0-5]\d)?\b|\d?\s?uhr\b|\d?(?:st|nd|rd|th)\b|\d?\.? (?:of )?" + _MONTH + r"\b)"
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
    threshold = _PITCH_THRESHOLD if known_sender is None else _PITCH_THRESHOLD - 1
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
    body = message.raw[split_header_block(message.raw)[1] :]
    if not body.isascii():
        return True
    lowered = body.lower()
    if b"base64" in lowered or b"=\n" in lowered or b"=\r\n" in lowered:
        return True
    return any(word in lowered for word in words)


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
    if score == 0 or score >= _PITCH_THRESHOLD:
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
    in_subject = _TEXT.scan(subject) if subject else {}
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
            and (timed_subject or "time" in _TEXT.scan(sentence) or _DIGIT_TIME.search(sentence))
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
            self._subject_scan = _SUBJECT.scan(self.subject) if self.subject else {}
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
            own = _TEXT.scan(self.own)
            whole = own
            if self.forwarded:
                whole = dict(own)
                for family, score in _TEXT.scan(self.forwarded).items():
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
