"""A reply's own part (without the quoted original, the signature, a forwarded message) and its sentences."""

from __future__ import annotations

import re

__all__ = [
    "reply_text",
    "split_reply",
    "split_sentences",
]


_TRANSLATE = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\r": ""}
)
_QUOTE_HEADER = re.compile(
    r"^\s*(?:on\b.{0,300}\bwrote\s*:?|le\b.{0,300}\ba écrit\s*:?|am\b.{0,300}\bschrieb\b.{0,200}:)\s*$", re.I
)
_ON_START = re.compile(r"^\s*on\s+\S.*\d", re.I)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|forwarded message)\s*-*|begin forwarded message:?)\s*$", re.I
)
_OUTLOOK_FROM = re.compile(r"^\s*(?:from|de|von)\s*:\s*\S", re.I)
_HEADER_LINE = re.compile(r"^\s*(?:from|date|sent|to|cc|subject)\s*:", re.I)
_RULE_LINE = re.compile(r"^\s*_{8,}\s*$")
_SIG_DASHES = re.compile(r"^--\s*$")
_SENT_FROM = re.compile(r"^\s*sent from my\b", re.I)
_SIGN_OFF = re.compile(
    r"^\s*(?:thanks|thank you|thx|many thanks|cheers|best|best regards|best wishes|kind regards|warm regards"
    r"|warmest regards|regards|warmly|sincerely|all the best|talk soon|speak soon|take care|yours|yours truly"
    r"|br|rgds|with thanks)(?: (?:so much|again|very much|in advance|all))?\s*[,.!-]*\s*$",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\(?\d{1,2}[.)]|\(?[a-e][.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])(?<!\d\.)\s+")


def split_reply(text: str) -> tuple[str, str]:
    """The reply's own text and the text it quotes (or forwards); the signature belongs to neither."""
    lines = text.translate(_TRANSLATE).split("\n")
    own: list[str] = []
    quoted: list[str] = []
    forwarded: list[str] | None = None
    signed = False  # past the signature: nothing more is the sender's own text
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">"):
            quoted.append(stripped.lstrip("> "))
            continue
        has_text = any(o.strip() for o in own)
        next_line = lines[i + 1].rstrip() if i + 1 < len(lines) else ""
        if _QUOTE_HEADER.match(stripped) or (_ON_START.match(stripped) and next_line.endswith("wrote:")):
            quoted.extend(q.strip().lstrip(">").strip() for q in lines[i + 1 :])
            break
        if _FORWARD.match(stripped):
            forwarded = lines[i + 1 :]
            break
        if _RULE_LINE.match(stripped) or (has_text and _OUTLOOK_FROM.match(stripped)):  # Outlook's quoted reply
            quoted.extend(lines[i:])
            break
        if _SIG_DASHES.match(line) or _SENT_FROM.match(stripped) or (has_text and _SIGN_OFF.match(stripped)):
            signed = True
        if not signed:
            own.append(line)
    own_text = "\n".join(own)
    if forwarded is not None:
        body = list(forwarded)
        while body and (not body[0].strip() or _HEADER_LINE.match(body[0])):
            body.pop(0)
        if len(re.findall(r"[A-Za-z]{2,}", own_text)) < 4:  # "FYI" over a forward: read the forward
            return split_reply("\n".join(body))
        quoted.extend(body)
    return own_text, "\n".join(quoted)


def reply_text(text: str) -> str:
    """The text the sender wrote: without quoted lines, the quoted or forwarded message, or the signature."""
    return split_reply(text)[0].strip()


_CONTRACTIONS = {
    "im": "I'm",
    "ive": "I've",
    "cant": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "wont": "won't",
    "youre": "you're",
    "theyre": "they're",
}
"""Contractions written without the apostrophe ("Im free", "cant do Monday"), restored before reading."""
_CONTRACTION_RE = re.compile(r"\b(" + "|".join(_CONTRACTIONS) + r")\b", re.I)


def _normalize(text: str) -> str:
    text = _CONTRACTION_RE.sub(lambda m: _CONTRACTIONS[m.group(1).lower()], text)
    text = re.sub(r"\b([ap])\.\s?m\.?(?=\W|$)", r"\1m", text, flags=re.I)
    text = re.sub(r"\b([ei])\.([eg])\.", r"\1\2", text, flags=re.I)
    return re.sub(
        r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
        r"|approx|mr|mrs|ms|dr|st|vs)\.(?=\s)",
        r"\1",
        text,
        flags=re.I,
    )


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", _normalize(text)):
        segments: list[str] = []
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            bullet = _BULLET.match(line)
            if bullet:
                segments.append(line[bullet.end() :])
            elif segments and not segments[-1].endswith((".", "?", "!", ":", ";")):
                segments[-1] += " " + line
            else:
                segments.append(line)
        for segment in segments:
            out.extend(s.strip() for s in _SENTENCE_END.split(segment) if s.strip())
    return out
