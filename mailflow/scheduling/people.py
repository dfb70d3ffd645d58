"""Who else a meeting request invites (from To, Cc and the body) and what it is about (the subject, cleaned)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .reading import (
    Attendee,
    AttendeeSource,
)
from .vocabulary import (
    MONTH_PATTERN,
    MONTH_WORDS,
    WEEKDAY_PATTERN,
    WEEKDAY_WORDS,
)

__all__ = [
    "SUBJECT_TAG",
    "clean_subject",
    "find_attendees",
    "find_topic",
]


_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){0,2}"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_ROLES = (
    r"colleague|coworker|co-worker|cofounder|co-founder|partner|business partner|boss|manager|associate|counsel"
    r"|lawyer|attorney|assistant|ea|cto|ceo|cfo|coo|vp|director|lead|teammate|head of \w+|engineer|analyst|advisor"
    r"|adviser|accountant|designer|founder"
)
_BRING_RE = re.compile(
    r"(?i:\b(?:bring(?:ing)?(?:\s+along)?|loop(?:ing)?\s+in|cc(?:'?ing|'d|ed)?|add(?:ing)?|invit(?:e|ing)"
    r"|includ(?:e|ing)|(?:be\s+)?join(?:ed)?\s+by|copy(?:ing)?)\s+)(?:(?i:my|our|the)\s+)?(?:(?i:"
    + _ROLES
    + r"),?\s+)?(?:(?P<name>"
    + _NAME
    + r")\s*)?(?:[(<\[]\s*(?P<email>"
    + _EMAIL
    + r")\s*[)>\]]|(?P<email2>"
    + _EMAIL
    + r"))?"
)
_JOIN_RE = re.compile(
    r"(?P<name>"
    + _NAME
    + r")\s*(?:[(<\[]\s*(?P<email>"
    + _EMAIL
    + r")\s*[)>\]])?\s*(?:,\s*(?i:(?:our|my)\s+[\w-]+(?:\s+[\w-]+)?),\s*)?,?\s*(?i:will|would|may|might|can|could"
    r"|is going to|plans to|wants to|'ll)\s+(?i:also\s+)?(?i:(?:like|love) to\s+)?(?i:join|attend|be joining|come"
    r"|sit in|dial in|tag along"
    r"|be there|be on the call)\b"
)
_NOT_NAMES = {
    "i",
    "we",
    "he",
    "she",
    "they",
    "you",
    "it",
    "me",
    "us",
    "them",
    "him",
    "her",
    "everyone",
    "someone",
    "team",
    "the",
    "this",
    "that",
    "zoom",
    "teams",
    "google",
    "both",
    "our",
    "my",
    "all",
    "also",
    "please",
    "thanks",
    "hi",
    "hello",
    "dear",
    "happy",
    "next",
    "who",
    "one",
    "maybe",
    "and",
    "but",
    "so",
    "then",
    "perhaps",
    "hopefully",
    "unfortunately",
    "plus",
    "if",
    "just",
    "let",
    "sorry",
    *WEEKDAY_WORDS,
    *MONTH_WORDS,
}


def find_attendees(
    text: str, cc: Sequence[tuple[str, str, AttendeeSource]], exclude: set[str], sender_name: str
) -> tuple[Attendee, ...]:
    found: list[Attendee] = []
    seen: set[str] = set()

    def add(name: str, email: str | None, source: AttendeeSource) -> None:
        name = name.strip()
        if email:
            email = email.lower()
            if email in exclude or email in seen:
                return
            seen.add(email)
            for i, other in enumerate(found):  # a name read earlier gets its address
                if other.email is None and other.name and name and other.name.split()[0] == name.split()[0]:
                    found[i] = Attendee(other.name, email, other.source)
                    return
        else:
            first = name.split()[0].lower() if name else ""
            if not first or first in _NOT_NAMES or first == sender_name:
                return
            if any(a.name and a.name.split()[0].lower() == first for a in found):
                return
        found.append(Attendee(name, email, source))

    for cc_name, cc_email, source in cc:
        add(cc_name, cc_email, source)
    for regex in (_BRING_RE, _JOIN_RE):
        for m in regex.finditer(text):
            words = (m.group("name") or "").split()
            while words and words[0].lower() in _NOT_NAMES:
                words.pop(0)
            name = " ".join(words)
            address: str | None = m.group("email") or m.groupdict().get("email2") or None
            if name or address:
                add(name, address, "body")
    return tuple(found)


SUBJECT_TAG = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|antw)\s*(?:\[\d+\])?\s*:|\[(?:ext|external|extern)\])\s*", re.I
)
_SUBJECT_BOILERPLATE = re.compile(
    r"^(?:(?:quick|short|brief)\s+)?(?:meeting|call|chat|sync|catch[- ]?up|intro|introduction|touch ?base|zoom|coffee)"
    r"(?:\s+(?:request|invite|invitation|req))?\s*(?:[:\-–—|]\s*|\s+(?:re|about|regarding|on|to discuss|for)\s+)",
    re.I,
)
_GENERIC_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        meeting meetings meet call chat sync catch up catch-up catchup quick short brief question intro
        introduction connect connecting hello hi hey following follow follow-up followup checking in touching touch
        base let's lets talk availability available scheduling schedule invitation invite request time times to a
        an the next this week coffee lunch drinks re our your my for with can we are you free zoom teams 1:1 and
        soon today tomorrow new some one steps reschedule rescheduling reminder confirm confirmation confirming
        proposed options slots slot quickly again still us me is it there any chance
        """,
    )
)
_DISCUSS_RE = re.compile(
    r"\b(?:to|and|so we can|could|can|we) (?:discuss|talk (?:about|through)|go over|walk through|chat about"
    r"|catch up on|sync on|review)\s+(?P<t>[^.?!,;:\n()]+)",
    re.I,
)
_DISCUSS_STOP = re.compile(
    rf"\s+(?:next|this|on|at|before|after|by|sometime|some time|tomorrow|today|when|if|with (?:you|me|us|the team)"
    rf"|together|in (?:more )?detail|further|in person|over (?:coffee|lunch|zoom|the phone)|during|for (?:a|an|\d)"
    rf"|early|later|in the|\d|{WEEKDAY_PATTERN}|{MONTH_PATTERN})\b.*$",
    re.I,
)


def clean_subject(subject: str) -> str:
    """The subject without ``Re:``, ``Fwd:``, ``[External]`` tags (repeated ones too)."""
    text = " ".join(subject.split())
    while True:
        m = SUBJECT_TAG.match(text)
        if not m:
            return text.strip()
        text = text[m.end() :]


def find_topic(subject: str, sentences: Sequence[str]) -> str | None:
    cleaned = clean_subject(subject)
    cleaned = _SUBJECT_BOILERPLATE.sub("", cleaned).strip(" ?!.-–—:")
    words = re.findall(r"[\w:'-]+", cleaned.lower())
    generic = all(w in _GENERIC_WORDS or w in WEEKDAY_WORDS or w in MONTH_WORDS or w.isdigit() for w in words)
    if cleaned and not generic:
        return cleaned
    for s in sentences:
        m = _DISCUSS_RE.search(s)
        if m:
            phrase = _DISCUSS_STOP.sub("", m.group("t")).strip()
            phrase = re.sub(r"^(?:the|a|an|our|your|my|some|this|that)\s+", "", phrase, flags=re.I).strip()
            phrase = re.sub(r"\s+(?:in|on|at|for|with|about|over|by|and|or|to)$", "", phrase, flags=re.I)
            if 2 <= len(phrase) <= 80:
                return phrase
    return None
