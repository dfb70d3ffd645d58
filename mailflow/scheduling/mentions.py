"""Dates, times, ranges and parts of the day as a sentence mentions them, resolved against the message's date.

The meeting-request reader's grammar (``mailflow.scheduling.understanding``
reads a message with it): :func:`find_mentions` finds each mention in a
sentence (a :class:`Mention`: days, a range, slots, a zone), in the
:class:`Context` of the message (its date, the executive's and the sender's
zones); :func:`off_topic` tells a clause about something else (a past event,
another event) from one about the meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from .reading import (
    Window,
)
from .vocabulary import (
    CASED_WORDS,
    HOUR_WORDS,
    MONTH_PATTERN,
    MONTH_WORDS,
    NUMBER_PATTERN,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PARTS_OF_DAY,
    PLACES,
    POD_ALIASES,
    WEEKDAY_PATTERN,
    WEEKDAY_WORDS,
    ZONE_ABBREVIATIONS,
    ZONE_PATTERN,
    alternatives,
)

__all__ = [
    "Context",
    "DaySpec",
    "Mention",
    "TimeOfDay",
    "find_mentions",
    "off_topic",
    "resolve_days",
    "zone_of",
]


# -- context: what a clause is about ---------------------------------------------------------

_PAST = (
    r"\b(?:met|was|were|had|did|didn't|spoke|talked|went|saw|sent|received|came|attended|happened|chatted"
    r"|discussed|mentioned|said|told|gave|took|wrote|called|emailed|phoned|visited|enjoyed|joined|ago|yesterday"
    r"|last|previous|previously|earlier today|this past|wrapped|finished|completed|hosted|concluded|presented"
    r"|shared|agreed|spent|waited|launched|kicked off|got back|returned)\b"
)
_EVENT = (
    r"\b(?:due|deadline|invoice|invoices|payment|pay|paid|submit|submission|deliver|delivery|delivered|ship|ships"
    r"|shipping|shipped|expire|expires|expiry|renewal|renews|launch|launches|launching|release|released|webinar"
    r"|newsletter|published|closes|arrive|arrives|arrival|flight|fly|flying|flies|land|lands|landing|depart"
    r"|departs|garage|mechanic|pickup|parcel|package|order|sale|offer ends|concert|game|match|birthday|party"
    r"|wedding|class|lecture|rent|bill|statement|ready)\b"
)
_FUTURE = (
    r"\b(?:will|would|could|can|shall|should|let's|lets|let us|going to|gonna|want|wanted to|like to|love to"
    r"|hope|hoping|plan|planning|propose|suggest|how about|what about|free|available|availability|works|work for"
    r"|are you|is there|any chance|instead|prefer|ideally|maybe|perhaps|up for|open|next|tomorrow|coming"
    r"|upcoming|if you|do you have|doesn't work|does not work|won't work)\b|'ll\b|'d\b"
)
_CUES = re.compile(rf"(?P<past>{_PAST})|(?P<event>{_EVENT})|(?P<future>{_FUTURE})", re.I)
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014\u2013]|\s-\s|\b(?:and|but|so|because|since|although|though|then|which|while)\b"
)


def _clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    lo, hi = 0, len(s)
    for m in _CLAUSE_BREAK.finditer(s):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def off_topic(s: str, start: int, end: int) -> bool:
    """Whether the mention at ``start:end`` is about the past or about an event other than a meeting.

    The nearest cue before it in its clause decides ("I met him on Tuesday",
    "the invoice is due Friday", "could we meet Tuesday"), else the nearest
    after it ("Tuesday was great", "Tuesday works"), else the last cue of the
    clauses before ("we met on Monday and Tuesday").
    """
    lo, hi = _clause_bounds(s, start, end)
    before = list(_CUES.finditer(s, lo, start))
    if before:
        return before[-1].lastgroup != "future"
    after = next(_CUES.finditer(s, end, hi), None)
    if after is not None:
        return after.lastgroup != "future"
    prior = list(_CUES.finditer(s, 0, lo))
    return bool(prior) and prior[-1].lastgroup != "future"


# -- mentions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DaySpec:
    """A day as written: a fixed date, or a weekday with "this"/"next" (resolved once ranges are known)."""

    fixed: date | None = None
    weekday: int | None = None
    qualifier: str = ""


TimeOfDay = Window | time


@dataclass
class Mention:
    start: int
    end: int
    kind: Literal["day", "range", "slot"]
    text: str
    spec: DaySpec | None = None
    rng: tuple[date | None, date | None] | None = None
    slots: tuple[TimeOfDay, ...] = ()
    zone: str | None = None


@dataclass(frozen=True)
class Context:
    today: date
    tz: str
    exec_tz: str
    them_tz: str | None
    day_first: bool


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _week(monday: date, first: int = 0, last: int = 4) -> tuple[date, date]:
    return monday + timedelta(days=first), monday + timedelta(days=last)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _future_date(ctx: Context, month: int, day: int, year: int | None) -> date | None:
    """The date on or after today; a date at most 60 days past is a past mention (None)."""
    if year is not None:
        d = _safe_date(year, month, day)
        return d if d is not None and d >= ctx.today else None
    d = _safe_date(ctx.today.year, month, day)
    if d is None:
        return _safe_date(ctx.today.year + 1, month, day)
    if d >= ctx.today:
        return d
    if (ctx.today - d).days <= 60:
        return None
    return _safe_date(ctx.today.year + 1, month, day)


def _next_day_numbered(ctx: Context, day: int) -> date | None:
    y, m = ctx.today.year, ctx.today.month
    for _ in range(13):
        d = _safe_date(y, m, day)
        if d is not None and d >= ctx.today:
            return d
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return None


def _cased_ok(word: str) -> bool:
    return word.lower() not in CASED_WORDS or word[:1].isupper()


def _hour(h: int, minute: int, ap: str | None) -> time | None:
    """A clock time; without am/pm a bare 1-6 is afternoon (working hours)."""
    if minute > 59:
        return None
    if ap:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ap.lower().startswith("p") else 0)
    elif h > 23:
        return None
    elif 1 <= h <= 6:
        h += 12
    return time(h, minute)


def _daypart_ap(daypart: str | None, hour: int) -> str | None:
    """ "8 in the morning" is a.m., "7 in the evening" p.m.; a 24-hour time keeps its hour."""
    if not daypart or hour > 12:
        return None
    return "am" if "morning" in daypart.lower() else "pm"


def zone_of(word: str | None, ctx: Context) -> str | None:
    if not word:
        return None
    low = " ".join(word.lower().split())
    if low.startswith(("your ", "local ")):
        return ctx.exec_tz
    if low.startswith(("my ", "our ")):
        return ctx.them_tz or ctx.exec_tz
    key = low.removesuffix(" time").strip()
    if key.upper() in ZONE_ABBREVIATIONS:
        core = word.split()[0]
        if len(core) <= 4 and not core.isupper():
            return None
        return ZONE_ABBREVIATIONS[key.upper()]
    return PLACES.get(key)


_UNIT_AHEAD = re.compile(
    r"\s*(?:-|–|/|\d|%|(?:st|nd|rd|th)\b|mins?\b|minutes?\b|hours?\b|hrs?\b|h\b|days?\b|weeks?\b|months?\b"
    r"|years?\b|people\b|persons?\b|guests?\b|of\b|percent\b|x\b|k\b|pages?\b|slides?\b|items?\b)",
    re.I,
)

_WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<q>this coming|the coming|this past|the following|this|next|coming|following|last|past)\s+)?"
    rf"(?P<wd>{WEEKDAY_PATTERN})\b(?:\s+(?P<pod>morning|afternoon|evening|night|lunch(?:time)?|am|pm|eod)\b)?",
    re.I,
)
_REL_DAY_RE = re.compile(
    r"\b(?P<w>the day after tomorrow|day after tomorrow|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|2morrow|today"
    r"|tonight|later today|this morning|this afternoon|this evening)\b"
    r"(?:\s+(?P<pod>morning|afternoon|evening|night|lunch(?:time)?|am|pm|eod)\b)?",
    re.I,
)
_IN_DAYS_RE = re.compile(rf"\bin (?P<n>\d{{1,2}}|{NUMBER_PATTERN}) days(?:'? time)?\b", re.I)
_MD_RE = re.compile(
    rf"\b(?P<mon>{MONTH_PATTERN})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
    rf"(?:\s*(?:-|–|to|through|thru)\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<y>20\d\d)\b)?"
    rf"(?!\s*(?:[:.]\d|am\b|pm\b|%|hours?\b|hrs?\b|minutes?\b|mins?\b))",
    re.I,
)
_DM_RE = re.compile(
    rf"\b(?:the\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_PATTERN})\b(?:,?\s+(?P<y>20\d\d)\b)?",
    re.I,
)
_ORDDAY_RE = re.compile(
    rf"(?<!my )(?<!our )(?<!your )(?<!a )(?<!his )(?<!her )(?<!its )\b(?:(?:the|on(?:\s+the)?)\s+)?"
    rf"(?P<d>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:{MONTH_PATTERN})\b)"
    r"(?!\s+(?:floor|options?|ones?|slots?|times?|choices?|place|edition|anniversary|century|grade|round|quarter"
    r"|person|people|year|row|item|point|attempt|version|draft|call|meeting|weeks?|days?|months?|session"
    r"|slide|page|line|birthday|percentile|hour|coffee|cup|time slot|party|parties|of (?:those|these|the)))",
    re.I,
)
_NUMDATE_RE = re.compile(
    r"(?<![\w/.:$£€#-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<y>(?:20)?\d\d))?"
    r"(?![\w/]|\s*(?:of\b|hours?\b|hrs?\b|an? hour|h\b)|[.,]\d)",
    re.I,
)
_DOTDATE_RE = re.compile(r"(?<![\w.:$£€])(?P<a>[0-3]?\d)\.(?P<b>[01]?\d)\.(?P<y>(?:20)?\d\d)?(?![\w.]|\d)")
_ISO_RE = re.compile(r"\b(?P<y>20\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b")
_DAYPART = r"(?P<dp>\s+(?:in the (?:morning|afternoon|evening)|at night|tonight))?"
_TIME_RE = re.compile(
    r"(?:(?P<pre>\bat|@|\baround|~)\s*)?(?<![\d:./$£€#-])(?P<h>[012]?\d)(?:(?P<sep>[:.h])(?P<m>[0-5]\d))?"
    r"(?:\s*(?P<ap>[ap]m)\b)?(?P<oc>\s*o'?clock\b)?" + _DAYPART + ZONE_PATTERN,
    re.I,
)
_WORD_TIME_RE = re.compile(
    rf"\b(?:(?:at|around)\s+)?(?P<q>half|quarter|a quarter)\s+(?P<rel>past|to|after)\s+(?P<h>\d{{1,2}}"
    rf"|{alternatives(HOUR_WORDS)})"
    r"\b(?:\s*(?P<ap>[ap]m)\b)?" + _DAYPART + ZONE_PATTERN,
    re.I,
)
_NOON_RE = re.compile(r"\b(?:at\s+)?(?:12\s*)?(?P<noon>noon|midday)\b" + ZONE_PATTERN, re.I)
_T1 = r"(?P<h1>[012]?\d)(?:[:.](?P<m1>[0-5]\d))?\s*(?P<ap1>[ap]m\b)?"
_T2 = r"(?P<h2>[012]?\d)(?:[:.](?P<m2>[0-5]\d))?\s*(?P<ap2>[ap]m\b)?"
_TRANGE_RE = re.compile(
    r"(?:(?P<pre>\bbetween|\bfrom|\banytime between|\bany time between|\bsometime between)\s+)?(?<![\d:./$£€#-])"
    + _T1
    + r"\s*(?P<sep>-|–|—|\bto\b|\band\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"
    + _T2
    + ZONE_PATTERN,
    re.I,
)
_OPEN_RE = re.compile(
    r"\b(?P<kw>anytime after|any time after|anytime before|any time before|no later than|no earlier than"
    r"|not before|not after|earlier than|later than|starting at|starting from|from|after|before|until|till|by)\s+"
    r"(?P<t>(?P<h>[012]?\d)(?:[:.](?P<m>[0-5]\d))?(?:\s*(?P<ap>[ap]m)\b)?(?:\s*o'?clock\b)?|noon|midday"
    r"|lunch(?:time)?|work)\b" + ZONE_PATTERN,
    re.I,
)
_POD_RE = re.compile(
    r"(?<!good )\b(?:(?:in|during|over|at) (?:the )?)?(?P<pod>first thing(?: in the morning)?"
    r"|(?:early|late|mid)[- ]?(?:morning|afternoon)s?|mornings?|afternoons?|evenings?|lunch ?time|lunch"
    r"|end of (?:the )?(?:business )?day|eod|cob|close of business|after work|business hours|working hours"
    r"|breakfast|dinner)\b",
    re.I,
)
_WEEK_RE = re.compile(
    r"\b(?:(?P<part>early|earlier|late|later|mid|middle of|the middle of|end of|the end of|start of|the start of"
    r"|beginning of|the beginning of|the rest of|rest of|sometime|some time|any ?time|anytime)[\s-]+(?:in\s+)?)?"
    r"(?:the\s+)?(?P<which>this|next|the following|following|coming)[\s-]+week\b(?!end|s\b)",
    re.I,
)
_WEEK2_RE = re.compile(
    r"\b(?P<part>early|earlier|late|later|end|the end|middle|the middle|start|the start|beginning|the beginning"
    r"|rest|the rest)\s+(?:of|in)\s+the\s+week\b|\b(?P<eow>eow)\b",
    re.I,
)
_WEEK_AFTER_NEXT_RE = re.compile(r"\bthe week after next\b", re.I)
_NEXT_N_RE = re.compile(
    rf"\b(?:(?:in|within|over|during)\s+)?the\s+(?:next|coming)\s+(?:(?P<n>\d{{1,2}}|{NUMBER_PATTERN}|few|several|couple)\s+)?"
    r"(?P<u>days|weeks)\b|\b(?:(?:in|within|over|during)\s+)?the\s+next\s+(?P<u1>day|week)(?P<or> or two)?\b",
    re.I,
)
_IN_WEEKS_RE = re.compile(
    r"\bin (?P<n>a|one|two|2|three|3|a couple of|a couple|couple of)\s+weeks?(?:'?\s*time)?\b"
    r"|\b(?P<n2>a|one|two|2|three|3|a couple of) weeks? from (?:now|today)\b",
    re.I,
)
_MONTH_RE = re.compile(
    rf"\b(?:(?:sometime|some time|any ?time|anytime)\s+)?(?:(?P<pre>in|during|over|for|throughout)\s+)?"
    r"(?:(?P<part>early|mid|late|the end of|end of|the beginning of|beginning of|the start of|start of"
    r"|the middle of|middle of|the first half of|first half of|the second half of|second half of"
    r"|(?:the )?(?:first|second|third|fourth|last) week of)[\s-]*)?"
    rf"(?P<mon>{MONTH_PATTERN})\b(?:\s+(?P<y>20\d\d))?(?!\s*[0-3]?\d\b)",
    re.I,
)
_THIS_MONTH_RE = re.compile(
    r"\b(?:(?P<part>early|mid|late|later|end of|the end of|beginning of|the beginning of|start of|the start of"
    r"|rest of|the rest of|middle of|the middle of)[\s-]+)?(?:the\s+)?(?P<which>this|next|the following|following)"
    r"\s+month\b|\b(?P<part2>(?:the )?(?:end|beginning|start|middle|rest)) of the month\b",
    re.I,
)
_WEEKEND_RE = re.compile(r"\b(?P<which>this|next|the|over the|on the)\s+weekend\b", re.I)


def _pod_window(word: str) -> Window | None:
    key = " ".join(word.lower().replace("-", " ").split())
    key = POD_ALIASES.get(key, key)
    if key.endswith("s") and key[:-1] in PARTS_OF_DAY:
        key = key[:-1]
    key = POD_ALIASES.get(key, key)
    return PARTS_OF_DAY.get(key)


_DAY_BEFORE = re.compile(r"(?:\b(?:on|next|this|by|until|till|or|and|every|from)|[,/-])\s*$", re.I)
_DAY_AFTER = re.compile(r"\s*(?:\d|at\b|morning\b|afternoon\b|evening\b|am\b|pm\b|[,/-]|or\b|and\b)", re.I)


def _day_context(s: str, start: int, end: int) -> bool:
    """ "Sun" and "Sat" are days only next to days or times ("on Sat", "Sat 14th", "Fri/Sat"), not "Sun's out"."""
    return bool(_DAY_BEFORE.search(s[:start]) or _DAY_AFTER.match(s, end))


def _scan_days(s: str, ctx: Context) -> list[Mention]:
    out: list[Mention] = []
    for m in _WEEKDAY_RE.finditer(s):
        word = m.group("wd")
        if not _cased_ok(word) or (word.lower() in {"sun", "sat"} and not _day_context(s, m.start(), m.end("wd"))):
            continue
        q = (m.group("q") or "").lower()
        if q in {"last", "this past", "past"}:
            out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=None))  # a past day: read, then dropped
            continue
        qual = "next" if q in {"next", "the following", "following"} else "this" if q.startswith("this") else ""
        pod = _pod_window(m.group("pod")) if m.group("pod") else None
        spec = DaySpec(weekday=WEEKDAY_WORDS[word.lower()], qualifier=qual)
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=spec, slots=(pod,) if pod else ()))
    for m in _REL_DAY_RE.finditer(s):
        w = m.group("w").lower()
        offset = (
            2
            if "after tomorrow" in w
            else 0
            if w in {"today", "tonight", "later today"} or w.startswith("this ")
            else 1
        )
        pod_word = m.group("pod") or ("tonight" if w == "tonight" else w[5:] if w.startswith("this ") else None)
        pod = _pod_window(pod_word) if pod_word else None
        spec = DaySpec(fixed=ctx.today + timedelta(days=offset))
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=spec, slots=(pod,) if pod else ()))
    for m in _IN_DAYS_RE.finditer(s):
        n = m.group("n").lower()
        days = int(n) if n.isdigit() else NUMBER_WORDS[n]
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=ctx.today + timedelta(days=days))))
    for m in _MD_RE.finditer(s):
        if not _cased_ok(m.group("mon")):
            continue
        month = MONTH_WORDS[m.group("mon").lower()]
        year = int(m.group("y")) if m.group("y") else None
        d = _future_date(ctx, month, int(m.group("d")), year)
        if m.group("d2"):
            d2 = _safe_date(d.year, month, int(m.group("d2"))) if d else None
            if d is not None and d2 is not None and d2 >= d:
                out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=(d, d2)))
            continue
        if d is not None:
            out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d)))
        else:
            out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=None))
    for m in _DM_RE.finditer(s):
        if not _cased_ok(m.group("mon")):
            continue
        year = int(m.group("y")) if m.group("y") else None
        d = _future_date(ctx, MONTH_WORDS[m.group("mon").lower()], int(m.group("d")), year)
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d) if d else None))
    for m in _ORDDAY_RE.finditer(s):
        d = _next_day_numbered(ctx, int(m.group("d")))
        if d is not None:
            out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d)))
    for m in _NUMDATE_RE.finditer(s):
        a, b = int(m.group("a")), int(m.group("b"))
        if (a, b) in {(24, 7), (50, 50), (1, 2), (1, 3), (1, 4), (3, 4), (2, 3)}:
            continue
        day, month = (a, b) if ctx.day_first else (b, a)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            day, month = month, day
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        year = None
        if m.group("y"):
            year = int(m.group("y"))
            year += 2000 if year < 100 else 0
        d = _future_date(ctx, month, day, year)
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d) if d else None))
    for m in _DOTDATE_RE.finditer(s):
        year = None
        if m.group("y"):
            year = int(m.group("y"))
            year += 2000 if year < 100 else 0
        elif not re.search(rf"\b(?:on|by|before|until|from|for|the|{WEEKDAY_PATTERN})\s*,?\s*$", s[: m.start()], re.I):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        if not (1 <= b <= 12 and 1 <= a <= 31):
            continue
        d = _future_date(ctx, b, a, year)
        out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d) if d else None))
    for m in _ISO_RE.finditer(s):
        d = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if d is not None:
            out.append(
                Mention(m.start(), m.end(), "day", m.group(0), spec=DaySpec(fixed=d) if d >= ctx.today else None)
            )
    return out


def _scan_ranges(s: str, ctx: Context) -> list[Mention]:
    out: list[Mention] = []
    today = ctx.today
    this_monday = _monday(today)
    for m in _WEEK_RE.finditer(s):
        which = m.group("which").lower()
        part = (m.group("part") or "").lower().removeprefix("the ")
        monday = this_monday if which == "this" else this_monday + timedelta(days=7)
        if which == "coming" and today.weekday() < 5:
            monday = this_monday + timedelta(days=7)
        week = _week_part(monday, part, today)
        if week is not None:
            out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=week))
    for m in _WEEK2_RE.finditer(s):
        part = "end" if m.group("eow") else (m.group("part") or "").lower().removeprefix("the ")
        week = _week_part(this_monday, part, today)
        if week is not None:
            out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=week))
    for m in _WEEK_AFTER_NEXT_RE.finditer(s):
        out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=_week(this_monday + timedelta(days=14))))
    for m in _NEXT_N_RE.finditer(s):
        if m.group("u1"):
            n = 2 if m.group("or") else 1
            unit = m.group("u1").lower()
        else:
            word = (m.group("n") or "few").lower()
            n = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 3)
            unit = m.group("u").lower().rstrip("s")
        days = n * (7 if unit == "week" else 1)
        out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=(today, today + timedelta(days=days))))
    for m in _IN_WEEKS_RE.finditer(s):
        word = (m.group("n") or m.group("n2")).lower()
        n = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 2)
        if m.group("n2"):  # "two weeks from today": that day
            spec = DaySpec(fixed=today + timedelta(days=7 * n))
            out.append(Mention(m.start(), m.end(), "day", m.group(0), spec=spec))
        else:  # "in two weeks": that week
            out.append(
                Mention(m.start(), m.end(), "range", m.group(0), rng=_week(_monday(today + timedelta(days=7 * n))))
            )
    for m in _MONTH_RE.finditer(s):
        if not (m.group("pre") or m.group("part")) or not _cased_ok(m.group("mon")):
            continue
        if m.group("mon").lower() == "may" and re.match(r"\s*(?:'s|i\b|we\b|you\b|be\b)", s[m.end() :], re.I):
            continue
        month = MONTH_WORDS[m.group("mon").lower()]
        year = int(m.group("y")) if m.group("y") else today.year + (1 if month < today.month else 0)
        span = _month_part(year, month, (m.group("part") or "").lower(), today)
        if span is not None:
            out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=span))
    for m in _THIS_MONTH_RE.finditer(s):
        which = (m.group("which") or "this").lower()
        part = (m.group("part") or m.group("part2") or "").lower().removeprefix("the ")
        if part and not part.endswith(" of") and part not in {"early", "mid", "late", "later"}:
            part += " of"
        y, mo = today.year, today.month
        if which != "this":
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        if part == "later":
            rng: tuple[date | None, date | None] | None = (today + timedelta(days=1), _month_end(y, mo))
        elif part.startswith("rest"):
            rng = (today, _month_end(y, mo))
        else:
            rng = _month_part(y, mo, part, today)
        if rng is not None:
            out.append(Mention(m.start(), m.end(), "range", m.group(0), rng=rng))
    for m in _WEEKEND_RE.finditer(s):
        which = m.group("which").lower()
        saturday = this_monday + timedelta(days=5)
        if which == "next" or today > saturday + timedelta(days=1):
            saturday += timedelta(days=7)
        out.append(
            Mention(m.start(), m.end(), "range", m.group(0), rng=(max(saturday, today), saturday + timedelta(1)))
        )
    return out


def _week_part(monday: date, part: str, today: date) -> tuple[date | None, date | None] | None:
    if part in {"early", "earlier", "start of", "start", "beginning of", "beginning"}:
        first, last = 0, 1
    elif part in {"mid", "middle of", "middle"}:
        first, last = 1, 3
    elif part in {"late", "end of", "end"}:
        first, last = 3, 4
    elif part == "later" and monday > today:
        first, last = 2, 4
    else:
        first, last = 0, 4
    start, end = _week(monday, first, last)
    if part in {"later", "rest of", "rest"} and monday <= today:
        start = today + timedelta(days=1 if part == "later" else 0)
    start = max(start, today)
    if start > end:  # "this week" on a weekend: the coming one
        return _week_part(monday + timedelta(days=7), part, today)
    return start, end


def _month_part(year: int, month: int, part: str, today: date) -> tuple[date | None, date | None] | None:
    last = _month_end(year, month).day
    part = part.removeprefix("the ").strip()
    week = re.match(r"(first|second|third|fourth|last) week of", part)
    if week:
        first_monday = date(year, month, 1) + timedelta(days=(7 - date(year, month, 1).weekday()) % 7)
        if week.group(1) == "last":
            monday = _monday(date(year, month, last))
        else:
            monday = first_monday + timedelta(days=7 * (ORDINAL_WORDS[week.group(1)] - 1))
        start, end = monday, min(monday + timedelta(days=4), date(year, month, last))
    else:
        bounds = {
            "early": (1, 10),
            "beginning of": (1, 10),
            "start of": (1, 10),
            "mid": (11, 20),
            "middle of": (11, 20),
            "late": (21, last),
            "end of": (21, last),
            "first half of": (1, 15),
            "second half of": (16, last),
        }.get(part, (1, last))
        start, end = date(year, month, bounds[0]), date(year, month, bounds[1])
    if end < today:
        return None
    return max(start, today), end


def _scan_slots(s: str, ctx: Context) -> list[Mention]:
    out: list[Mention] = []
    for m in _TRANGE_RE.finditer(s):
        sep = m.group("sep").lower()
        if sep == "and" and not m.group("pre"):
            continue
        if not (m.group("pre") or m.group("ap1") or m.group("ap2") or m.group("m1") or m.group("m2")):
            continue
        if _UNIT_AHEAD.match(s, m.end()) and not m.group("ap2"):
            continue
        ap1, ap2 = m.group("ap1"), m.group("ap2")
        h1, h2 = int(m.group("h1")), int(m.group("h2"))
        if ap2 and not ap1 and h1 <= 12:
            ap1 = ap2
            if ap2.lower() == "pm" and (h1 % 12) > (h2 % 12):
                ap1 = "am"
        t1 = _hour(h1, int(m.group("m1") or 0), ap1)
        t2 = _hour(h2, int(m.group("m2") or 0), ap2)
        if t1 is None or t2 is None:
            continue
        if t2 <= t1 and not ap2 and t2.hour < 12:
            t2 = t2.replace(hour=t2.hour + 12)
        if t2 <= t1:
            continue
        out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(Window(t1, t2),), zone=m.group("zone")))
    for m in _OPEN_RE.finditer(s):
        kw = m.group("kw").lower()
        word = m.group("t").lower()
        if m.group("h") is None:
            if word in {"noon", "midday"}:
                t: time | None = time(12)
            else:
                if word == "work" and kw != "after":
                    continue
                pod = "after work" if word == "work" else f"{'before' if kw in _BEFORE_WORDS else 'after'} lunch"
                window = PARTS_OF_DAY[pod]
                out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(window,), zone=m.group("zone")))
                continue
        else:
            if not (m.group("ap") or m.group("m") or "clock" in m.group("t")) and _UNIT_AHEAD.match(s, m.end("t")):
                continue
            if kw == "by" and not (m.group("ap") or m.group("m")):
                continue
            t = _hour(int(m.group("h")), int(m.group("m") or 0), m.group("ap"))
        if t is None:
            continue
        if kw in _BEFORE_WORDS:
            window = Window(time(8) if t > time(8) else time(6), t)
        else:
            window = Window(t, time(18) if t < time(18) else time(21))
        if window.start < window.end:
            out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(window,), zone=m.group("zone")))
    for m in _TIME_RE.finditer(s):
        pre, sep, ap, oc = m.group("pre"), m.group("sep"), m.group("ap"), m.group("oc")
        h, minute = int(m.group("h")), int(m.group("m") or 0)
        if (sep == "." and not ap and h < 13) or (sep and sep.lower() == "h" and h < 8):
            continue  # "3.30" may be a number, "1h30" is a duration; "3.30pm" and "14h30" are times
        if not (ap or sep or oc) and (not pre or _UNIT_AHEAD.match(s, m.end("h"))):
            continue
        t = _hour(h, minute, ap or _daypart_ap(m.group("dp"), h))
        if t is None:
            continue
        out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(t,), zone=m.group("zone")))
        tail = m.end()
        while True:  # "at 2 or 3", "10, 11 or 2pm"
            more = re.match(
                r"\s*(?:,\s*or|,|or|/)\s*(?:at\s+)?(\d{1,2})(?::([0-5]\d))?\s*([ap]m\b)?" + ZONE_PATTERN, s[tail:]
            )
            if not more or _UNIT_AHEAD.match(s, tail + more.end(2 if more.group(2) else 1)):
                break
            t2 = _hour(int(more.group(1)), int(more.group(2) or 0), more.group(3) or ap)
            if t2 is None:
                break
            out.append(
                Mention(
                    tail + more.start(1), tail + more.end(), "slot", more.group(0), slots=(t2,), zone=more.group("zone")
                )
            )
            tail += more.end()
    for m in _WORD_TIME_RE.finditer(s):  # "half past two", "quarter to 10"
        word = m.group("h").lower()
        h = int(word) if word.isdigit() else HOUR_WORDS[word]
        minute = 30 if m.group("q").lower() == "half" else 15
        if m.group("rel").lower() == "to":
            h, minute = (h - 1) % 12 or 12, 60 - minute
        t = _hour(h, minute, m.group("ap") or _daypart_ap(m.group("dp"), h))
        if t is not None:
            out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(t,), zone=m.group("zone")))
    for m in _NOON_RE.finditer(s):
        out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(time(12),), zone=m.group("zone")))
    for m in _POD_RE.finditer(s):
        part = _pod_window(m.group("pod"))
        if part is not None:
            out.append(Mention(m.start(), m.end(), "slot", m.group(0), slots=(part,)))
    for mention in out:
        if mention.zone is not None and zone_of(mention.zone, ctx) is None:
            mention.zone = None
    return out


_BEFORE_WORDS = frozenset(
    {"before", "until", "till", "by", "no later than", "not after", "earlier than", "anytime before", "any time before"}
)

_BEFORE_MOD = re.compile(r"\b(?:before|prior to|ahead of)\s+(?:the\s+)?$", re.I)
_BY_MOD = re.compile(
    r"(?<!stop )(?<!swing )(?<!drop )(?<!come )(?<!pop )\b(?:by|until|till|no later than)\s+(?:the\s+)?$", re.I
)
_AFTER_MOD = re.compile(r"\b(?:after|any ?time after)\s+(?:the\s+)?$", re.I)
_FROM_MOD = re.compile(
    r"\b(?:from|starting|starting from|starting on|beginning|as of|not before|no earlier than)\s+(?:the\s+)?$", re.I
)
_WEEK_OF_MOD = re.compile(r"\b(?:the\s+)?week\s+of\s+(?:the\s+)?$", re.I)
_RANGE_GLUE = re.compile(r"^(?:-|\s*(?:–|to|through|thru|until|till)\s*)$", re.I)
"""Between two days, a range: "Tue-Thu", "Tue – Thu", "Tuesday through Thursday"; a spaced hyphen is a dash."""
_MOVE_FROM = re.compile(
    r"\b(?:move|moving|moved|push|pushing|shift|shifting|change|changing|switch|switching|reschedul\w*|bump|bumping)"
    r"\b[^.?!]*\bfrom\s+$",
    re.I,
)


def resolve_days(spec: DaySpec, ctx: Context, rng: tuple[date | None, date | None] | None = None) -> list[date]:
    """The dates a day stands for: one, or every matching weekday in ``rng`` (for exclusions)."""
    if spec.fixed is not None:
        return [spec.fixed]
    assert spec.weekday is not None
    today = ctx.today
    if spec.qualifier == "next":
        return [_monday(today) + timedelta(days=7 + spec.weekday)]
    if spec.qualifier == "this":
        d = _monday(today) + timedelta(days=spec.weekday)
        return [d if d >= today else d + timedelta(days=7)]
    if rng is not None and rng[0] is not None and rng[1] is not None:
        found = [
            rng[0] + timedelta(days=i)
            for i in range((rng[1] - rng[0]).days + 1)
            if (rng[0] + timedelta(days=i)).weekday() == spec.weekday
        ]
        if found:
            return found
    return [today + timedelta(days=(spec.weekday - today.weekday()) % 7 or 7)]


def find_mentions(s: str, ctx: Context) -> list[Mention]:
    """The sentence's mentions, longest first where they overlap, combined and with off-topic ones removed."""
    found = _scan_days(s, ctx) + _scan_ranges(s, ctx) + _scan_slots(s, ctx)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    chosen: list[Mention] = []
    for m in found:
        if chosen and m.start < chosen[-1].end:
            continue
        chosen.append(m)
    merged: list[Mention] = []
    for m in chosen:
        prev = merged[-1] if merged else None
        glue = s[prev.end : m.start] if prev else ""
        if prev and prev.kind == "day" and m.kind == "day" and prev.spec and m.spec:
            low_glue = glue.strip().lower()
            if prev.spec.weekday is not None and m.spec.fixed is not None and low_glue in {"", ",", "the", ", the"}:
                merged[-1] = Mention(prev.start, m.end, "day", s[prev.start : m.end], spec=m.spec, slots=m.slots)
                continue
            if prev.spec.fixed is not None and m.spec.weekday is not None and low_glue in {"(", ",", ""}:
                prev.end = m.end + (1 if s[m.end : m.end + 1] == ")" else 0)
                prev.slots = prev.slots or m.slots
                continue
            before = s[: prev.start]
            lead = re.search(r"\b(?:between|from)\s+$", before, re.I)
            word = lead.group(0).strip().lower() if lead else ""
            spans = (word == "between" and low_glue == "and") or (
                word == "from" and low_glue in {"to", "until", "till", "through", "-"}
            )
            moving = _MOVE_FROM.search(before)
            if not moving and (_RANGE_GLUE.match(glue) or spans):
                a = resolve_days(prev.spec, ctx)[0]
                b = resolve_days(m.spec, ctx)[0]
                if m.spec.weekday is not None and b < a:
                    b -= timedelta(days=7 * ((a - b).days // 7))
                    if b < a:
                        b += timedelta(days=7)
                start = lead.start() if spans and lead else prev.start
                merged[-1] = Mention(start, m.end, "range", s[start : m.end], rng=(a, b))
                continue
        same_time = prev and prev.kind == "slot" and m.kind == "slot" and prev.zone and m.zone
        if prev and same_time and prev.zone != m.zone and glue.strip() in {"/", "(", ",", "or", "|", "="}:
            prev.end = m.end + (1 if s[m.end : m.end + 1] == ")" else 0)  # "2pm ET / 11am PT": one time, twice
            continue
        merged.append(m)
    out: list[Mention] = []
    for m in merged:
        before = s[: m.start]
        if m.kind == "day" and m.spec is None:
            continue
        if m.kind in {"day", "range"}:
            if off_topic(s, m.start, m.end):
                continue
            converted = None if _MOVE_FROM.search(before) else _modified(m, before, ctx)
            if converted is not None:
                m = converted
        elif off_topic(s, m.start, m.end):
            continue
        out.append(m)
    return out


def _modified(m: Mention, before: str, ctx: Context) -> Mention | None:
    """A day or range after "before", "by", "after", "from", "the week of": the range it implies."""
    if m.kind == "day" and m.spec is not None:
        first = last = resolve_days(m.spec, ctx)[0]
    elif m.rng is not None:
        first, last = m.rng[0] or ctx.today, m.rng[1] or ctx.today
    else:
        return None
    rng: tuple[date | None, date | None]
    if (mod := _BEFORE_MOD.search(before)) and m.text.lower().startswith(("end", "the end")):
        rng = (ctx.today, last)  # "before the end of the month": by its last day
    elif mod := _BEFORE_MOD.search(before):
        rng = (ctx.today, first - timedelta(days=1))
    elif mod := _BY_MOD.search(before):
        rng = (ctx.today, last)
    elif mod := _AFTER_MOD.search(before):
        rng = (last + timedelta(days=1), None)
    elif mod := _FROM_MOD.search(before):
        rng = (first, None)
    elif m.kind == "day" and (mod := _WEEK_OF_MOD.search(before)):
        rng = _week(_monday(first))
        rng = (max(rng[0] or first, ctx.today), rng[1])
    else:
        return None
    if rng[1] is not None and rng[0] is not None and rng[1] < rng[0]:
        return None
    start = mod.start()
    return Mention(start, m.end, "range", before[start:] + m.text, rng=rng, slots=m.slots)
