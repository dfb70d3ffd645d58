"""Understanding a meeting request: how long, when, in which zone, with whom, about what, and what kind of reply.

:func:`read_request` reads the text someone sent the executive (with its
subject, Cc and Date header) and returns a :class:`Reading`: the meeting's
``duration`` in minutes, ``when`` as a :class:`When` (the candidate days, a
date range, a part of the day, explicit times and the days ruled out, all
relative to the message's date), the counterpart's IANA ``timezone``, the
``attendees`` beyond the sender and the executive, the ``topic``, and the
``kind``: a ``request`` to meet, a ``pick`` of one of the slots offered, a
``counter`` proposal, a ``decline``, or ``none`` (no meeting is asked for; the
reading is then empty, whatever dates the text mentions). :func:`read_message`
does the same for a parsed :class:`~mailflow.message.Message`.

Why a hand-written grammar
--------------------------

The candidates were dateparser 1.5.0 (pulls python-dateutil, pytz, regex,
tzdata, tzlocal), parsedatetime 2.6 (no dependencies) and ctparse 0.3.6
(python-dateutil, regex, six, tqdm). None is a dependency of mailflow, and
each answers a different question from ours: given a string that *is* a date,
which date? We have a whole email in which most words are not dates, and the
cost of a false date is a wrong meeting. dateparser's ``search_dates`` reads
"car", "bar" and "Do" as dates (dateparser issues #942 and #582), and none of
them knows that "May" before a verb, "March forward", "the Sun", "the second
option", "a 2 hour drive", "I met him on Tuesday", a signature or a quoted
reply are not meeting constraints; all would need this module's guards on top.
Nor do they return what we need: a set of candidate days with parts of the
day, ranges ("early next week", "by the 15th") and exclusions ("any day but
Friday"). So this module is a table-driven extractor over the standard
library (``re``, ``datetime``, ``zoneinfo``): every word it reads is in a table
below, so it reads nothing it was not told to, and the tables are the
documentation of what it understands.

How a message is read
---------------------

1. The reply's own text is kept: lines quoted with ``>``, everything from an
   ``On ... wrote:`` line, an Outlook ``From:`` block, ``-----Original
   Message-----`` or a forwarded-message marker on, and the signature (from a
   ``--`` line or a sign-off line such as ``Best,`` on) are dropped. A
   forward with no note of its own is read from the forwarded text.
2. Each sentence is scanned for mentions (days, ranges, parts of the day,
   times, durations). A mention in a clause about the past ("I met him on
   Tuesday", "last Friday") or about something other than a meeting (an
   invoice due date, a delivery, a flight) is ignored.
3. Mentions are grouped: "Tuesday or Wednesday afternoon" is two days sharing
   one window, "Tuesday at 2 or Thursday at 10" two timed days; a mention
   after "not", "except", "any day but", "I can't do" or before "doesn't
   work", "is out" is an exclusion.
4. The kind is decided: a decline ("we'll pass for now"), a counter (in a
   reply, a slot rejected, with or without another proposed; "can we
   reschedule", "none of those work" in any message), a pick (in a reply:
   "Tuesday at 2 works", "the second option"; not a question), else a request:
   a sentence with a meeting word ("call", "meet", "are you free", "30
   minutes") that also asks or proposes ("could we", "let's", "?", "works for
   me") or names a day, or a meeting subject, or a question naming a timed day
   ("Would Wed at 4:15 be ok?"); and the text says when or how long, or plainly
   asks for a time ("could we find a time?"). A reply is a ``Re:`` subject,
   quoted text, ``proposed`` slots or ``is_reply``.

Conventions (the tables below hold the exact words)
---------------------------------------------------

* **Today** is the message's date in the counterpart's zone when known, else
  the executive's (``tz``). Dates are computed on dates, never by adding hours,
  so DST changes cannot move a day; :meth:`When.starts` attaches the zone last.
* **Weekdays.** "Tuesday" is the next Tuesday after today (today excluded);
  "this Tuesday" is the Tuesday of this week, or the next one if it has passed;
  "next Tuesday" is the Tuesday of next week (weeks start on Monday), so said
  on a Friday it is four days later, said on a Monday eight. With a range in the
  same message ("next week, ideally Tuesday"), a plain weekday is the one in
  the range, and an excluded one ("not Mondays") every one in the range.
* **Dates.** "Dec 8", "8 December", "the 8th": the next such date on or after
  today; a date up to 60 days past is taken as a past mention and ignored, one
  further back is next year's. Numeric "8/12": the sender's locale if given
  (``en-US`` month first, other locales day first), else month first when the
  counterpart's zone (or, unknown, the executive's) is a US zone, day first
  otherwise; when one reading is impossible (13/8) the other is used. "8.12."
  and "8.12.2026" are always day first; "2026-12-08" is ISO.
* **Ranges** (inclusive, working days for weeks): "next week" Mon-Fri of next
  week; "early" Mon-Tue, "mid" Tue-Thu, "late"/"end of" Thu-Fri, "later this
  week" tomorrow to Friday; "the week of the 8th" Mon-Fri of that week; "before
  Friday" today to Thursday, "by the 15th" today to the 15th, "after the 15th"
  the 16th on; "in the next couple of weeks" today to today + 14 days ("few"
  is 3, "several" 4); "in two weeks" Mon-Fri of the week two weeks out;
  "sometime in January" Jan 1-31 (early 1-10, mid 11-20, late/end 21-31);
  "next month" its first to last day; "this/next weekend" Sat-Sun; "later
  next week" Wed-Fri; "Tue-Thu" and "Tue – Thu" are ranges, a spaced hyphen
  ("Friday - Monday works") is a dash. "Two weeks from today" is that day.
  A qualifier is shared along a list: "next Thursday or Friday" is both next
  week's.
* **Parts of the day** (wall clock in :attr:`When.tz`): :data:`PARTS_OF_DAY`.
  "after 3pm" is 15:00-18:00 and "before 11" 08:00-11:00 (the business day's
  edges; after 18:00 the evening ends at 21:00); "between 2 and 4" 14:00-16:00.
  A bare hour is in working hours: 1 to 6 are p.m., 7 to 11 a.m.; "8 in the
  morning", "half past two", "quarter to 3" are read too.
* **Times** are local to :attr:`When.tz`: the zone written with the time
  ("14:00 CET", "3pm your time"), else the counterpart's, else the executive's.
  A time with no day ("3:30pm") is :attr:`When.at`; a part of day or time said
  apart from any day ("Afternoons are best") applies to every day without one.
* **Zones**: a place ("I'm in London", "based in Sydney", "my time (Sydney)",
  "Sydney time") from :data:`PLACES` or any zoneinfo city; an abbreviation
  (:data:`ZONE_ABBREVIATIONS`: PST/PT/Pacific are America/Los_Angeles, CET is
  Europe/Berlin, IST is India, CST is US Central); else, weakly, the Date
  header's offset when it differs from the executive's at that instant (the
  first of :data:`OFFSET_ZONES` with that offset then; +0000 is no hint, as
  servers stamp it).
* **Durations**: "30 min", "half an hour", "an hour", "90-minute", "1.5 hours",
  "1h30", "a quick 15"; a range ("30-45 minutes") is its longer end. Not a
  travel or waiting time ("a 2 hour drive", "an hour late", "in 30 minutes").
* **Attendees**: Cc'd people (and To recipients other than the executive, by
  :func:`read_message` when ``me`` is given) and people the text brings ("I'll
  bring my colleague Jane (jane@x.com)", "Raj will join"), not the sender nor
  the executive.
* **Topic**: the subject without ``Re:``/``Fwd:`` tags and meeting boilerplate
  ("Meeting request: Q3 budget" is "Q3 budget"), unless it is generic ("Quick
  call?"), then the object of "to discuss ..." (articles dropped).
* **A pick** is matched to the ``proposed`` slots (the executive's offer, in
  order) to set :attr:`Reading.choice`; with none given, timed options listed
  in the quoted text are used. A reply that rejects one slot and accepts
  another is a counter unless the accepted one is among the proposed.
* **Exclusions**: a rejected *time* ("Thursday at 2 doesn't work, but I'm free
  at 4 that day") leaves the rest of that day open.
* **Words that are also days or months** are read only in context: "Sun" and
  "Sat" next to days or times, "May"/"March"/"Mar" capitalised and with a day
  or a preposition ("May 5", "in May"). Contractions typed without the
  apostrophe ("Im free", "cant do Monday") are restored first.

Known limits
------------

English only. No holidays ("after Thanksgiving"), no dates relative to another
date ("the week after the 30th", "ideally the first week" of a month named
earlier), no recurrences ("every other Tuesday"); a range that only says where
the sender is ("I'm in Dubai for the rest of the week") is read as a
constraint; an exclusion before a range in another clause is scoped to that
range ("not Friday - Monday or Tuesday next week": next week's Friday); a
request with no meeting word at all ("Monday won't work, any other day next
week is fine") reads as none. On phrasings written after the grammar, about
three in four readings are exactly right (``bench/scheduling_eval.py``).

Where the parts are, each importing only those before it: the result types
in :mod:`~mailflow.scheduling.reading`, the words in
:mod:`~mailflow.scheduling.vocabulary`, the grammar of dates and times in
:mod:`~mailflow.scheduling.mentions`, the reply's own text and its sentences
in :mod:`~mailflow.scheduling.sentences`, mentions grouped into constraints in
:mod:`~mailflow.scheduling.grouping`, the sender's zone in
:mod:`~mailflow.scheduling.zones`, attendees and topic in
:mod:`~mailflow.scheduling.people`; this module reads the message's cues
(kind, duration, mood) and puts the reading together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..model import Address
from .grouping import (
    NEG_AFTER,
    group_mentions,
    past_filler,
)
from .mentions import (
    Context,
    DaySpec,
    TimeOfDay,
    find_mentions,
    off_topic,
    resolve_days,
    zone_of,
)
from .people import (
    SUBJECT_TAG,
    clean_subject,
    find_attendees,
    find_topic,
)
from .reading import (
    NO_MEETING,
    Attendee,
    AttendeeSource,
    Day,
    Kind,
    Reading,
    When,
    Window,
    ZoneSource,
)
from .sentences import (
    reply_text,
    split_reply,
    split_sentences,
)
from .vocabulary import (
    NUMBER_PATTERN,
    NUMBER_WORDS,
    OFFSET_ZONES,
    ORDINAL_WORDS,
    PARTS_OF_DAY,
    PLACES,
    ZONE_ABBREVIATIONS,
)
from .zones import (
    day_first,
    header_zone,
    stated_zone,
    zone_key,
)

if TYPE_CHECKING:
    from ..message import Message

__all__ = [
    "OFFSET_ZONES",
    "PARTS_OF_DAY",
    "PLACES",
    "ZONE_ABBREVIATIONS",
    "Attendee",
    "AttendeeSource",
    "Day",
    "Kind",
    "Reading",
    "When",
    "Window",
    "ZoneSource",
    "clean_subject",
    "read_message",
    "read_request",
    "reply_text",
]

# -- message-level cues ----------------------------------------------------------------------

_AVAILABLE = r"(?:you|i|we|i'm|you're|we're|be|are you|everyone|anyone)\s+(?:\w+\s+)?available"
_INTENT = re.compile(
    r"\b(?:meet(?:ing|up)?s?|call|calls|chat|catch[- ]?up|sync|touch base|connect|talk|speak|hop on|jump on"
    r"|get together|sit down|coffee|lunch|breakfast|dinner|drinks|zoom|teams call|google meet|video call"
    r"|phone call|facetime|find (?:a|some) time|grab (?:some time|time|a few minutes|\d+)|set up|schedule"
    r"|calendar|slots?|availability|" + _AVAILABLE + r"|(?<!feel )free (?:for|to|on|at|this|next|tomorrow|today"
    r"|any|sometime|in|after|before|between|most|all)|are you free|i'm free|we're free|a few minutes"
    r"|walk (?:you |me |us )?through|demo|intro call|introduce|discuss|go over|appointment|interview|session"
    r"|1:1|one-on-one|1-on-1|works? for (?:you|me|us)|suits? (?:you|me|us)|convenient|book (?:a|some|the|me|us)"
    r"|are you (?:about|around)|natter|(?:would|will|might|should) suit|suits? (?:better|best)"
    r"|reschedul\w*|postpone|catch you|come by|stop by|pop by|drop by|swing by|invite|invitation|options?"
    r"|proposed|times|workshop|diary|spare|(?:can|could) you do|find (?:a |some )?time"
    r"|(?:have|spare|got|grab|find|need|take)\s+(?:an?|\d+|a few|some|ten|fifteen|twenty|thirty"
    r"|forty-five)\s+(?:minutes?"
    r"|mins?|hours?|hrs?)|grab an? (?:quick|short)|quick (?:\d+|call|chat|sync|one)|(?:can|could|shall) we (?:do|say"
    r"|make it|try)|how about|what about|would\b[^.?!]{0,40}\bwork|does\b[^.?!]{0,40}\bwork)\b",
    re.I,
)
_MOOD = re.compile(
    r"\?|\b(?:could|can|would|will|shall|might)\s+(?:we|you|i)\b|\blet'?s\b|\blet us\b|\b(?:i'?d|i would|we'?d"
    r"|we would) (?:like|love|prefer)|\bwould love\b|\b(?:want|wanted|hoping|hope|keen|looking|eager) to\b"
    r"|\bare you (?:free|available|around|open)\b|\bdo you have\b|\bis there\b|\bany chance\b|\bhappy to\b"
    r"|\b(?:i'm|we're|i am|we are) (?:free|available|around|open)\b|\bworks? (?:for|best for) (?:me|you|us)\b"
    r"|\bhow about\b|\bwhat about\b|\b(?:suggest|propose)\b|\bup for\b|\bfree (?:for|to|on)\b"
    r"|"
    + _AVAILABLE
    + r"|\bavailability\b|\bworks?\b|\bsuits?\b|\bwould be (?:great|good|ideal|perfect|helpful|wonderful"
    r"|better|best|possible)\b|\b(?:is|are) (?:fine|good|great|ok|okay|perfect|ideal|best)\b|\b(?:i|we) (?:could|can)\b"
    r"|\b(?:i|we) would be (?:grateful|happy|delighted|glad|pleased)\b|\bat your (?:earliest )?convenience\b"
    r"|\bpreferably\b|\bwould appreciate\b|\blet me know\b"
    r"|\b(?:i|we) have (?:a|an|some|the)\b[^.?!]{0,25}\b(?:window|slot|opening|gap)\b",
    re.I,
)
_ASK = re.compile(
    r"\bfind (?:a|some) time\b|\bset up (?:a|some) (?:time|call|meeting|chat)\b|\bschedule (?:a|some|the) (?:call"
    r"|meeting|chat|time)\b|\b(?:your|his|her) availability\b|\bwhen (?:are you|would you be|is|might you be)"
    r" (?:free|available|good|best)\b|\bwhen works\b|\bwhat works (?:for|best)\b|\bsend (?:me|over|us) (?:some"
    r"|a few) (?:times|slots)\b|\b(?:could|can|would) (?:we|you|i) (?:meet|talk|chat|connect|hop on|jump on|get on"
    r"|speak|grab (?:some|a few|time|\d+)|set up|schedule|book)\b|\bwould love to (?:meet|chat|connect|talk|grab"
    r"|catch up)\b|\bbook (?:a|some) time\b|\bput something (?:in|on) the calendar\b",
    re.I,
)
_DECLINE = re.compile(
    r"\b(?:we'll|we will|i'll|i will|we're going to|i'm going to|going to|gonna|have to|need to|must|'ll have to"
    r"|'d like to|would like to|want to|'ve decided to|have decided to|decided to)\s+(?:respectfully\s+|politely\s+"
    r"|kindly\s+)?(?:pass|decline|cancel|bow out|skip)\b|\bpass(?:ing)? (?:on (?:this|it|the (?:meeting|call"
    r"|opportunity))|for now|this time)\b|\bno longer (?:needed|necessary|required|relevant|interested|need (?:to"
    r" meet|the (?:call|meeting)|a (?:call|meeting)))\b|\b(?:don't|do not|doesn't|does not) need (?:to meet|the"
    r" (?:call|meeting|chat)|a (?:call|meeting|chat))\b|\bnot (?:needed|necessary|required) (?:anymore|any more"
    r"|after all)\b|\bno need (?:to meet|for (?:a|the) (?:call|meeting|chat)|to (?:talk|chat|connect))\b"
    r"|\bnot interested\b|\bhold off\b|\bput (?:this|it|things) on hold\b|\bon hold for now\b|\bdecided (?:not to"
    r" (?:move forward|proceed|go ahead|meet)|to go (?:in )?(?:another|a different) direction|against)\b"
    r"|\b(?:not|won't be) (?:moving|going) forward\b|\bwon't be (?:necessary|needed|required)\b|\b(?:let's|lets"
    r"|please) (?:cancel|skip|drop)\b|\bcancel(?:l?ing|led)? (?:the|our|this|my|tomorrow's|today's) (?:meeting"
    r"|call|chat|session|sync)\b|\brain check\b|\bnot the right time\b|\b(?:went|gone|going) with (?:another|a"
    r" different) (?:vendor|provider|option|firm|partner|company)\b",
    re.I,
)
_REJECT = re.compile(
    r"\bnone of (?:these|those|them|the (?:proposed |suggested )?(?:times|options|slots|dates)|the above)\b"
    r"|\bneither (?:of (?:those|these|them)"
    r"|works?|time|option|day)\b|\b(?:those|these|the proposed|the suggested) (?:times|dates|slots|options)"
    r" (?:don't|do not|won't) work\b|\b(?:can|could) we (?:reschedule|move|push|shift)\b|\b(?:need|have|want) to"
    r" (?:reschedule|move|push|shift)\b|\breschedul(?:e|ing)\b|\bpush (?:it|this|the (?:call|meeting)) (?:back|out"
    r"|to)\b|\bmove (?:it|this|the (?:call|meeting)) to\b|\bsomething (?:came|has come) up\b|\bcan't make (?:it"
    r"|that|then|those|the)\b",
    re.I,
)
_COUNTER_CUE = re.compile(
    r"\bhow about\b|\bwhat about\b|\binstead\b|\balternatively\b|\bwould .{0,40}\bwork\b|\bdoes .{0,40}\bwork\b"
    r"|\bcould we (?:do|try|make it|meet)\b|\bcan we (?:do|try|make it)\b|\b(?:works|would work|is) better\b"
    r"|\bi (?:could|can) do\b|\bi'm (?:free|available)\b",
    re.I,
)
_PICK_BEFORE = re.compile(
    r"(?:\b(?:let's|lets|let us)\s+(?:do|go with|say|book|lock in|lock|pencil in|make it|plan on|plan for|go for"
    r"|stick with|settle on|aim for)|\b(?:i'll|we'll|i will|we will)\s+(?:take|go with|grab|book)|\b(?:i'd|we'd)"
    r" (?:prefer|like|love|go with)|\bplease (?:book|confirm|lock in|send (?:the|an|over an?) invite for)"
    r"|\bput (?:me|us) down for|\bconfirm(?:ed|ing)?(?: for)?|\bsee you(?: on| at| then)?|\bbook (?:me|us) (?:in )?for"
    r"|\bgo ahead (?:with|for)|\b(?:i|we) can do|\b(?:perfect|great|excellent|wonderful|lovely)\b)[\s,!.:-]*(?:the\s+"
    r"|on\s+|at\s+)?$",
    re.I,
)
_ORDINAL_PICK = re.compile(
    r"\b(?:the\s+)?(?P<o>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th|former|latter)\s+(?:one|option"
    r"|slot|time slot|timeslot|choice|proposal|suggestion|of (?:those|these|the (?:options|times|slots)))\b"
    r"|\b(?P<bare>former|latter)\b|\boption\s+(?P<n>[1-5]|[A-E]\b|one|two|three|four|five)\b|\b#(?P<h>[1-5])\b"
    r"|\bthe\s+(?P<o2>first|second|third|fourth|last)\b(?=\s+(?:works?|is|sounds|suits?|would|please)\b|\s*[,.!]|\s*$)",
    re.I,
)
_EITHER = re.compile(
    r"\b(?:either|any|all) (?:of (?:those|these|them|the (?:times|options|slots)) )?(?:one )?works?\b", re.I
)
_QUESTION_START = re.compile(
    r"^\W*(?:does|do|would|will|could|can|is|are|how|what|when|shall|should|any chance|might|may)\b", re.I
)
_BULK = re.compile(
    r"\bunsubscribe\b|\bview (?:this email )?in (?:your )?browser\b|\bmanage (?:your )?(?:email )?preferences\b"
    r"|\byou(?:'re| are) receiving this\b|\bnewsletter\b",
    re.I,
)
_DURATION_RE = re.compile(
    r"(?P<half>\bhalf[- ](?:an?[- ])?hour\b)"
    r"|(?P<ninety>\b(?:an?|one|1)\s+hours?\s+and\s+a\s+half\b|\bhour and a half\b|\b(?:one|1) and a half hours?\b)"
    r"|(?P<quarter>\b(?:a\s+)?quarter(?:\s+of)?\s+an?\s+hour\b)"
    r"|(?P<couple>\ba couple (?:of )?hours\b)"
    r"|(?P<hour>\b(?:an?|one)\s+hour(?:-long)?\b)"
    r"|(?P<quick>\b(?:a\s+)?(?:quick|short|brief|fast)\s+(?P<qn>5|10|15|20|25|30|45|ten|fifteen|twenty|thirty)\b"
    r"(?!\s*(?:minutes?|mins?|hours?|people|%|-)))"
    r"|\bgrab\s+(?P<gn>5|10|15|20|25|30|45)\b(?!\s*(?:minutes?|mins?|hours?|people|%))"
    rf"|(?<![\d.$£€])\b(?P<n>\d{{1,3}}(?:\.\d+)?|{NUMBER_PATTERN})(?:\s*(?:-|–|to|or)\s*(?P<n2>\d{{1,3}}(?:\.\d+)?|{NUMBER_PATTERN}))?"
    r"(?:\s*-\s*|\s*)(?P<u>minutes?\b|mins?\b|min\b|m\b|hours?\b|hrs?\b|hr\b|h(?:\b|(?=\d\d)))"
    r"(?:\s*(?:and\s+)?(?P<m2>\d{2})\s*(?P<mu>minutes?\b|mins?\b|m\b)?)?(?:-long)?",
    re.I,
)
_DURATION_BEFORE = re.compile(
    r"\b(?:in|within|every|each|per|after|over the (?:past|last)|for the (?:past|last)|last|past|took|spent|wasted"
    r"|drove|flew|waited|waiting|away|later|from now|takes?(?: me| us| him| her| them)?|took(?: me| us)?)"
    r"\s+(?:about\s+|around\s+|roughly\s+|another\s+|an?\s+)?$",
    re.I,
)
_DURATION_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:long\s+)?(?:drive|drives|flight|flights|ride|commute|walk|train|bus|journey|trip|delay|layover"
    r"|wait|queue|hike|run|workout|nap|movie|film|shift|time difference|difference|ahead|behind|late|early"
    r"|ago|away|from (?:here|now|the)|of (?:work|travel|driving|sleep|delay|flying)|each way"
    r"|a day|a week|per|notice|turnaround|time zone|window|gap|buffer|to (?:get|drive|walk|commute|travel|arrive"
    r"|reach|fly|cycle))\b",
    re.I,
)
_DURATION_RELATIVE = re.compile(r"\s*(?:before|after|earlier|later)\b", re.I)
_MEETING_NOUN = re.compile(
    r"\s*(?:-\s*)?(?:long\s+)?(?:call|meeting|chat|slot|sync|catch[- ]?up|session|conversation|zoom|coffee|intro"
    r"|discussion|block|window|appointment|demo|walkthrough|review|1:1|lunch|touch ?base|of your time|or so)\b",
    re.I,
)


def _durations(s: str) -> list[tuple[int, bool, int]]:
    """(minutes, attached to a meeting noun, position) for each meeting duration in the sentence."""
    out: list[tuple[int, bool, int]] = []
    for m in _DURATION_RE.finditer(s):
        before = s[max(0, m.start() - 40) : m.start()]
        if _DURATION_BEFORE.search(before) or _DURATION_AFTER.match(s, m.end()):
            continue
        if _DURATION_RELATIVE.match(s, m.end()) and not re.search(r"\bfor\s+(?:about\s+|around\s+|just\s+)?$", before):
            continue  # "30 minutes before the call"; but "for 45 min after 3pm" is a duration
        if off_topic(s, m.start(), m.end()):
            continue
        minutes: float
        if m.group("half"):
            minutes = 30
        elif m.group("ninety"):
            minutes = 90
        elif m.group("quarter"):
            minutes = 15
        elif m.group("couple"):
            minutes = 120
        elif m.group("hour"):
            if re.search(r"\bhalf\s+(?:an?\s+)?$", s[: m.start()], re.I):
                continue
            minutes = 60
        elif m.group("quick") or m.group("gn"):
            word = (m.group("qn") or m.group("gn")).lower()
            minutes = int(word) if word.isdigit() else NUMBER_WORDS[word]
        else:
            unit = m.group("u").lower()
            if unit in {"m", "h"} and s[m.end("n") if not m.group("n2") else m.end("n2")] == " ":
                continue  # "30 m", "2 h": too loose
            value = _number(m.group("n2") or m.group("n"))
            if value is None:
                continue
            extra = 0
            if m.group("m2") and (m.group("mu") or (unit == "h" and m.end("u") == m.start("m2"))):
                extra = int(m.group("m2"))  # "1h30", "1 hour 30 minutes", "an hour and 30 min"
            minutes = value * (60 if unit.startswith("h") else 1) + extra
            if m.group("m2") and not unit.startswith("h"):
                continue
        if 5 <= minutes <= 480:
            out.append((round(minutes), bool(_MEETING_NOUN.match(s, m.end())), m.start()))
    return out


def _number(word: str) -> float | None:
    low = word.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", low):
        return float(low)
    return float(NUMBER_WORDS[low]) if low in NUMBER_WORDS else None


# -- reading --------------------------------------------------------------------------------------


def _is_question(s: str) -> bool:
    return s.rstrip().endswith("?") or bool(_QUESTION_START.match(s))


@dataclass
class _Facts:
    days: list[tuple[DaySpec, list[TimeOfDay], str | None]] = field(default_factory=list)
    excluded: list[tuple[DaySpec, bool]] = field(default_factory=list)
    ranges: list[tuple[tuple[date | None, date | None], list[TimeOfDay]]] = field(default_factory=list)
    loose: list[TimeOfDay] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    durations: list[tuple[int, bool, int]] = field(default_factory=list)
    rejected: bool = False
    excluded_any: bool = False
    picked: bool = False
    ordinal: int | None = None
    either: bool = False
    timed_question: bool = False
    mentioned: list[bool] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _facts(sentences: Sequence[str], ctx: Context) -> _Facts:
    facts = _Facts()
    for s in sentences:
        mentions = find_mentions(s, ctx)
        groups = group_mentions(s, mentions)
        question = _is_question(s)
        durations = _durations(s)
        facts.durations.extend(durations)
        facts.mentioned.append(bool(durations) or any(m.kind != "slot" for m in mentions))
        facts.evidence.extend(m.text.strip() for m in mentions)
        loose: list[TimeOfDay] = []
        last_spec: DaySpec | None = None
        for g in groups:
            zone = next((z for z in (zone_of(w, ctx) for w in g.zones) if z), None)
            if zone:
                facts.zones.append(zone)
            last_spec = g.specs[-1] if g.specs else last_spec
            if g.excluded:
                facts.excluded_any = True
                facts.rejected |= g.rejected
                timed = any(isinstance(x, time) for sl in g.slots for x in sl + g.lead)
                facts.excluded.extend((spec, timed) for spec in g.specs)
                continue
            if g.picked or _PICK_BEFORE.search(s[: g.start]):
                facts.picked |= not question
            if g.rng is not None:
                facts.ranges.append((g.rng, list(g.lead)))
            elif g.specs:
                timed = any(isinstance(x, time) for sl in g.slots for x in sl + g.lead)
                facts.timed_question |= question and (timed or bool(durations))
                for spec, slots in zip(g.specs, g.slots, strict=True):
                    facts.days.append((spec, slots + [x for x in g.lead if x not in slots], zone))
            else:
                loose.extend(g.lead)
        if loose and last_spec is not None and re.search(r"\b(?:that|the same|same) day\b", s, re.I):
            facts.days.append((last_spec, loose, None))  # "2 doesn't work but I'm free at 4 that day"
        else:
            facts.loose.extend(loose)
        for m in _ORDINAL_PICK.finditer(s):
            if m.group("n") and len(m.group("n")) == 1 and m.group("n").isalpha() and not m.group("n").isupper():
                continue
            word = (m.group("o") or m.group("o2") or m.group("bare") or m.group("n") or m.group("h") or "").lower()
            after = past_filler(s[m.end() :])
            if NEG_AFTER.match(after):
                facts.rejected = True
                continue
            if word.isdigit():
                facts.ordinal = int(word)
            elif len(word) == 1:
                facts.ordinal = ord(word) - ord("a") + 1
            else:
                facts.ordinal = ORDINAL_WORDS.get(word, NUMBER_WORDS.get(word))
            facts.evidence.append(m.group(0))
        if _EITHER.search(s) and not question:
            facts.either = True
    return facts


def _when(facts: _Facts, ctx: Context) -> When | None:
    tz = facts.zones[0] if facts.zones else ctx.tz
    rng: tuple[date | None, date | None] | None = None
    rng_slots: list[TimeOfDay] = []
    for r, slots in facts.ranges:
        if rng is None:
            rng, rng_slots = r, slots
        else:
            lo = min((d for d in (rng[0], r[0]) if d), default=None)
            hi = None if rng[1] is None or r[1] is None else max(rng[1], r[1])
            rng, rng_slots = (lo, hi), rng_slots or slots
    loose_window = next((s for s in facts.loose if isinstance(s, Window)), None)
    loose_time = next((s for s in facts.loose if isinstance(s, time)), None)
    excluded: set[date] = set()
    timed_out: set[date] = set()  # "Thursday at 2 doesn't work": the day stays open at other times
    for spec, timed in facts.excluded:
        (timed_out if timed else excluded).update(resolve_days(spec, ctx, rng))
    days: list[Day] = []
    for spec, slots, _zone in facts.days:
        on = resolve_days(spec, ctx, rng)[0]
        if on in excluded:
            continue
        own = _tidy(slots) or ([loose_time] if loose_time else [loose_window] if loose_window else [])
        for day in [Day(on, at=x) if isinstance(x, time) else Day(on, window=x) for x in own] or [Day(on)]:
            if day not in days:
                days.append(day)
    window: Window | None = None
    at: time | None = None
    range_slots = _tidy(rng_slots)
    if rng is not None or not days:
        window = next((s for s in range_slots if isinstance(s, Window)), loose_window)
        at = next((s for s in range_slots if isinstance(s, time)), loose_time)
        if at is not None and window is not None and at in window:
            window = None
    excluded |= {d for d in timed_out if all(day.on != d for day in days)}
    if not (days or rng or window or at or excluded):
        return None
    return When(
        tz=tz,
        days=tuple(days),
        earliest=rng[0] if rng else None,
        latest=rng[1] if rng else None,
        window=window,
        at=at,
        excluded=tuple(sorted(excluded)),
    )


def _tidy(slots: list[TimeOfDay]) -> list[TimeOfDay]:
    """A time inside a window said with it ("Tuesday afternoon at 3") is the time alone."""
    times = [s for s in slots if isinstance(s, time)]
    windows = [s for s in slots if isinstance(s, Window)]
    if times and windows and all(any(t in w for w in windows) for t in times):
        return list(times)
    out: list[TimeOfDay] = []
    for s in slots:
        if s in out:
            continue
        if isinstance(s, Window):  # "in the morning, first thing": the narrower of two overlapping windows
            clash = next((o for o in out if isinstance(o, Window) and o.start < s.end and s.start < o.end), None)
            if clash is not None:
                if _span(s) < _span(clash):
                    out[out.index(clash)] = s
                continue
        out.append(s)
    return out


def _span(w: Window) -> int:
    return (w.end.hour * 60 + w.end.minute) - (w.start.hour * 60 + w.start.minute)


def _proposals(quoted: str, ctx: Context) -> list[datetime]:
    """Timed options listed in the quoted message (the executive's offer), in order."""
    if not quoted.strip():
        return []
    own, _ = split_reply(quoted)
    facts = _facts(split_sentences(own), ctx)
    when = _when(facts, ctx)
    if when is None:
        return []
    starts = when.starts()
    return starts if len(starts) >= 2 else []


def _match_choice(when: When | None, proposed: Sequence[datetime]) -> int | None:
    if when is None or not proposed:
        return None
    zone = ZoneInfo(when.tz)
    hits: list[int] = []
    for i, p in enumerate(proposed):
        local = p.astimezone(zone)
        for d in when.days:
            if d.on == local.date() and (
                (d.at is not None and d.at == local.time().replace(second=0, microsecond=0))
                or (d.at is None and (d.window is None or local.time() in d.window))
            ):
                hits.append(i + 1)
                break
    return hits[0] if len(hits) == 1 else None


def _pick(facts: _Facts, when: When | None, offered: Sequence[datetime], exec_tz: str) -> tuple[int, When] | None:
    """The proposed slot a pick chose ("the second option", "Tuesday at 2 works"), and its reading."""
    if facts.ordinal is not None and not (when and when.days) and offered:
        index = len(offered) if facts.ordinal == -1 else facts.ordinal
        if not 1 <= index <= len(offered):
            return None
        p = offered[index - 1]
        key = getattr(p.tzinfo, "key", None) or exec_tz
        local = p.astimezone(ZoneInfo(key))
        return index, When(tz=key, days=(Day(local.date(), at=local.time().replace(second=0, microsecond=0)),))
    matched = _match_choice(when, offered)
    return (matched, when) if matched is not None and when is not None else None


def read_request(
    text: str,
    *,
    now: datetime,
    tz: str | ZoneInfo,
    subject: str = "",
    cc: Iterable[Address | str] = (),
    to: Iterable[Address | str] = (),
    sender: Address | str | None = None,
    me: Iterable[str] = (),
    locale: str | None = None,
    date_header: str | None = None,
    proposed: Sequence[datetime] = (),
    is_reply: bool | None = None,
) -> Reading:
    """Read a message's text as a meeting request; see the module docstring for what each field means.

    ``now`` is the message's date (naive means in ``tz``), ``tz`` the
    executive's zone, ``me`` the executive's addresses (never attendees),
    ``to`` the other To recipients (attendees; leave empty when ``me`` is not
    known), ``locale`` the sender's (``Content-Language``: "en-GB" reads 8/12
    as 8 December), ``proposed`` the slots the executive offered, in order.
    """
    exec_tz = zone_key(tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(exec_tz))
    own, quoted = split_reply(text)
    sentences = split_sentences(own)
    if not sentences or _BULK.search(own):
        return NO_MEETING
    stated = stated_zone(sentences)
    them_tz: str | None
    source: ZoneSource | None
    if stated is not None:
        them_tz, source = stated
    else:
        them_tz = header_zone(date_header, now, exec_tz)
        source = "date-header" if them_tz else None
    reading_tz = them_tz or exec_tz
    today = now.astimezone(ZoneInfo(reading_tz)).date()
    ctx = Context(today, reading_tz, exec_tz, them_tz, day_first(locale, reading_tz))
    facts = _facts(sentences, ctx)
    when = _when(facts, ctx)
    if them_tz is None and facts.zones and facts.zones[0] != exec_tz:
        them_tz, source = facts.zones[0], "abbreviation"

    body = " ".join(sentences)
    reply = is_reply if is_reply is not None else bool(SUBJECT_TAG.match(subject) or quoted.strip() or proposed)
    intent = bool(_INTENT.search(clean_subject(subject)) or facts.timed_question) or any(
        _INTENT.search(s) and (_MOOD.search(s) or mentioned)
        for s, mentioned in zip(sentences, facts.mentioned, strict=True)
    )
    engaged = intent or reply
    exec_today = now.astimezone(ZoneInfo(exec_tz)).date()
    offered = list(proposed)
    if not offered and reply:
        offered = _proposals(quoted, Context(exec_today, exec_tz, exec_tz, None, ctx.day_first))
    positive = when is not None and bool(when.days or when.earliest or when.latest or when.at or when.window)
    picking = facts.picked or facts.ordinal is not None

    kind: Kind = "none"
    choice: int | None = None
    if engaged and _DECLINE.search(body):
        kind = "counter" if positive else "decline"
    elif engaged and (
        _REJECT.search(body) or (reply and (facts.rejected or (facts.excluded_any and _COUNTER_CUE.search(body))))
    ):
        kind = "counter"
        chosen = _pick(facts, when, offered, exec_tz) if picking else None
        if chosen is not None:
            kind, (choice, when) = "pick", chosen
    elif reply and (picking or facts.either):
        kind = "pick"
        chosen = _pick(facts, when, offered, exec_tz)
        if chosen is not None:
            choice, when = chosen
    elif intent and _MOOD.search(body) and (when is not None or facts.durations or _ASK.search(body)):
        kind = "request"
    if kind == "none":
        return NO_MEETING
    if kind == "decline":
        when = None
    duration = None
    if facts.durations and kind != "decline":
        duration = max(facts.durations, key=lambda d: (d[1], -d[2]))[0]

    exclude = {e.lower() for e in me}
    sender_addr = Address.parse(sender) if isinstance(sender, str) else sender
    sender_name = ""
    if sender_addr is not None:
        exclude.add(sender_addr.email.lower())
        sender_name = sender_addr.first_name.lower() if sender_addr.name else ""
    people: list[tuple[str, str, AttendeeSource]] = []
    headers: tuple[tuple[Iterable[Address | str], AttendeeSource], ...] = ((to, "to"), (cc, "cc"))
    for values, src in headers:
        for value in values:
            for addr in Address.parse_list(value) if isinstance(value, str) else [value]:
                people.append((addr.name, addr.email, src))
    attendees = find_attendees(body, people, exclude, sender_name)
    return Reading(
        kind=kind,
        duration=duration,
        when=when,
        timezone=them_tz,
        timezone_source=source if them_tz else None,
        attendees=attendees,
        topic=find_topic(subject, sentences),
        choice=choice,
        evidence=tuple(facts.evidence),
    )


def read_message(
    message: Message,
    *,
    tz: str | ZoneInfo,
    me: Iterable[str] = (),
    proposed: Sequence[datetime] = (),
    now: datetime | None = None,
) -> Reading:
    """:func:`read_request` on a parsed message: its body, subject, Date, Cc (and To minus ``me``), language.

    ``now`` is used when the message has no readable Date header.
    """
    mine = {e.lower() for e in me}
    when = message.date or now
    if when is None:
        raise ValueError("the message has no Date header: pass now=")
    to = [a for a in message.addresses("to") if a.email.lower() not in mine] if mine else []
    return read_request(
        message.body_text,
        now=when,
        tz=tz,
        subject=message.subject,
        cc=message.addresses("cc"),
        to=to,
        sender=message.sender,
        me=mine,
        locale=message.header("content-language"),
        date_header=message.header("date"),
        proposed=proposed,
        is_reply=bool(message.in_reply_to) or None,
    )
