"""A sentence's mentions grouped into constraints: lists of days, slots attached to days, exclusions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .mentions import (
    DaySpec,
    Mention,
    TimeOfDay,
)

__all__ = [
    "NEG_AFTER",
    "group_mentions",
    "past_filler",
]


_LIST_WORDS = {",", "or", "and", "/", "&", "either", "on", "maybe", "perhaps", "possibly", "even", "nor", "the"}
_ATTACH_WORDS = {",", "at", "@", "around", "from", "in", "the", "during", "sometime", "some", "time", "any"}
_ATTACH_WORDS |= {"anytime", "say", "ideally", "preferably", "maybe", "perhaps", "for", "like", "roughly", "on", "-"}
_ATTACH_WORDS |= {"–", "(", ")", "between", "or", "ish", "approximately", "this", "starting", "either"}
_TOKEN = re.compile(r"[a-z']+|[^\sa-z']")

_NEG_BEFORE = re.compile(
    r"(?:(?<!if )\bnot|\binstead of|\brather than|\bexcept(?:\s+for)?|\bother than|\bapart from|\bexcluding|\bbesides"
    r"|\bno|\brather not(?:\s+do)?"
    r"|\bavoid)\s+(?:(?:do|on|the|this|next|any)\s+)*$",
    re.I,
)
_REJECT_BEFORE = re.compile(
    r"(?:\b(?:can't|cannot|can not|couldn't|unable to|not able to|won't be able to)\s+(?:(?:do|make|manage|meet"
    r"|attend|it|on|the|this|next|any)\s+)*"
    r"|\b(?:cancel|postpone|reschedule|move|push|shift|bump)(?:s|ing|ed|led|ling)?\s+"
    r"(?:(?:our|the|my|this|that|it|tomorrow's|today's)\s+)?(?:from\s+)?"
    r"|\b(?:move|moving|push|pushing|shift|shifting|change|changing|switch|switching|reschedul\w*|bump|bumping)\b"
    r"(?:\s+[\w:'-]+){0,3}?\s+from\s+)$",
    re.I,
)
_AWAY_BEFORE = re.compile(
    r"\b(?:out|away|off|travell?ing|unavailable|busy|booked(?: up)?|tied up|slammed|on leave|on vacation"
    r"|on holiday|on pto|pto|ooo|out of (?:the )?office|offsite|off-site|in court|in meetings|in workshops)"
    r"\s+(?:(?:all|the whole|the entire)\s+day\s+)?(?:on\s+|this\s+|next\s+)?$",
    re.I,
)
_ANY_BUT = re.compile(
    r"\b(?:any ?(?:day|time|weekday|morning|afternoon|evening)s?|anything|every ?day|all week|whenever)\b[^,;]*"
    r"\bbut\s+(?:on\s+)?(?:the\s+)?$",
    re.I,
)
_FILLER = re.compile(
    r"^(?:[\s,.;:!-]|'s\b|\b(?:unfortunately|sadly|actually|really|honestly|though|i'm afraid|i am afraid|now|anymore"
    r"|any more|for me|for us|on my end|on my side|on our side|is|are|'s|would|will|might|may|also|slot|one|option"
    r"|time slot|meeting|call|session|it)\b)*",
    re.I,
)
NEG_AFTER = re.compile(
    r"^(?:(?:doesn't|does not|don't|do not|won't|will not|wouldn't|would not|isn't|is not|aren't|are not"
    r"|no longer|not)\b(?!\s+(?:a problem|an issue|bad))|(?:out|bad|tough|tricky|difficult|hard|impossible|no good"
    r"|a no-go|no go|off the table|out of the question|fully booked|booked(?: up)?|taken|full|packed|busy|slammed"
    r"|problematic|a problem|not great|rough|blocked|unavailable|a bust|off)\b"
    r"|(?:i'm|i am|we're|we are|i'll be|we'll be|i will be)\s+(?:out|away|off|busy|booked|travell?ing|unavailable"
    r"|tied up|slammed|in court|on vacation|on leave|on holiday))",
    re.I,
)
_REJECT_AFTER = re.compile(
    r"^(?:(?:doesn't|does not|don't|do not|won't|will not|wouldn't|would not|no longer)\s+(?:work|suit|be possible"
    r"|be good)|(?:isn't|is not|aren't|are not|not)\s+(?:going to work|possible|good|great|ideal|an option|doable"
    r"|feasible|available)|(?:out|bad|tough|tricky|difficult|impossible|no good|a no-go|off the table"
    r"|out of the question|fully booked|booked|taken|full|problematic|not great|blocked|a bust)\b)",
    re.I,
)
_POSITIVE_AFTER = re.compile(
    r"^(?:(?:is|would be|will be|'s|should|would|also|both|all|either|then|be|really|totally|definitely)\s+)*"
    r"(?:works|work|good|great|perfect"
    r"|fine|ideal|best|better|okay|ok|suits|suit|sounds (?:good|great|perfect)|it is|a date|locked in|confirmed"
    r"|booked)\b|please\b(?![ \t]+\w)",
    re.I,
)


def past_filler(text: str) -> str:
    """The text after leading punctuation and filler words ("Tuesday, unfortunately, doesn't work")."""
    m = _FILLER.match(text)
    return text[m.end() :] if m else text


def _tokens(glue: str) -> list[str]:
    return _TOKEN.findall(glue.lower())


def _is_list(glue: str) -> bool:
    toks = _tokens(glue)
    return len(toks) <= 3 and all(t in _LIST_WORDS for t in toks)


def _is_attach(glue: str) -> bool:
    toks = _tokens(glue)
    return len(toks) <= 4 and all(t in _ATTACH_WORDS for t in toks)


@dataclass
class _Group:
    start: int
    end: int
    specs: list[DaySpec] = field(default_factory=list)
    slots: list[list[TimeOfDay]] = field(default_factory=list)
    lead: list[TimeOfDay] = field(default_factory=list)
    rng: tuple[date | None, date | None] | None = None
    zones: list[str] = field(default_factory=list)
    excluded: bool = False
    rejected: bool = False
    picked: bool = False


def group_mentions(s: str, mentions: list[Mention]) -> list[_Group]:
    groups: list[_Group] = []
    for m in mentions:
        g = groups[-1] if groups else None
        glue = s[g.end : m.start] if g else ""
        if m.kind == "day":
            assert m.spec is not None
            joins_list = g is not None and g.rng is None and bool(g.specs) and _is_list(glue)
            after_time = (
                g is not None
                and g.rng is None
                and not g.specs
                and bool(g.lead)
                and all(t in {"on", ",", "this"} for t in _tokens(glue))
            )
            if g is not None and (joins_list or after_time):
                spec = m.spec
                last = g.specs[-1] if g.specs else None
                if last and last.qualifier and spec.weekday is not None and not spec.qualifier:
                    spec = DaySpec(weekday=spec.weekday, qualifier=last.qualifier)  # "next Thursday or Friday"
                if m.slots and joins_list:  # "Tuesday or Wednesday afternoon": both afternoons
                    for sl in g.slots:
                        sl.extend([] if sl else m.slots)
                g.specs.append(spec)
                g.slots.append(list(m.slots))
            else:
                g = _Group(m.start, m.end, specs=[m.spec], slots=[list(m.slots)])
                groups.append(g)
        elif m.kind == "range":
            g = _Group(m.start, m.end, rng=m.rng, lead=list(m.slots))
            groups.append(g)
        else:
            if g and (_is_attach(glue) or _is_list(glue)) and (g.specs or g.rng is not None or g.lead):
                if g.rng is not None or not g.specs:
                    g.lead.extend(m.slots)
                else:
                    pending = [i for i, sl in enumerate(g.slots) if not sl]
                    for i in pending or [len(g.slots) - 1]:
                        g.slots[i].extend(m.slots)
            else:
                g = _Group(m.start, m.end, lead=list(m.slots))
                groups.append(g)
            if m.zone:
                g.zones.append(m.zone)
        g.end = m.end
    for i, g in enumerate(groups):
        lo = groups[i - 1].end if i else 0
        hi = groups[i + 1].start if i + 1 < len(groups) else len(s)
        prefix, suffix = s[lo : g.start], s[g.end : hi]
        after = past_filler(suffix)
        if _REJECT_BEFORE.search(prefix):
            g.excluded = g.rejected = True
        elif _NEG_BEFORE.search(prefix) or _AWAY_BEFORE.search(prefix) or _ANY_BUT.search(s[: g.start]):
            g.excluded = True
        elif NEG_AFTER.match(after):
            g.excluded = True
            g.rejected = bool(_REJECT_AFTER.match(after))
        elif _POSITIVE_AFTER.match(after):
            g.picked = True
        if i and g.specs and groups[i - 1].specs and not g.excluded and groups[i - 1].excluded and _is_list(prefix):
            g.excluded, g.rejected = True, groups[i - 1].rejected
    for i in range(len(groups) - 2, -1, -1):  # "Monday and Tuesday don't work"
        nxt = groups[i + 1]
        if nxt.excluded and groups[i].specs and not groups[i].excluded and _is_list(s[groups[i].end : nxt.start]):
            groups[i].excluded, groups[i].rejected = True, nxt.rejected
    return groups
