"""The sender's time zone: a place or an abbreviation the text states, else the offset of the message's Date header."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .reading import (
    ZoneSource,
)
from .vocabulary import (
    MONTH_FIRST_LOCALES,
    OFFSET_ZONES,
    PLACES,
    SHORT_ABBREVIATIONS,
    US_ZONE_PREFIXES,
    US_ZONES,
    ZONE_ABBREVIATIONS,
    alternatives,
)

__all__ = [
    "day_first",
    "header_zone",
    "stated_zone",
    "zone_key",
]


_PLACE = r"(?P<place>(?:the\s+)?(?:[A-Z][\w.'-]*|São)(?:\s+[A-Z][\w.'-]*){0,2})"
_PLACE_CUE_RE = re.compile(
    r"(?i:\b(?:i'm|i am|we're|we are|i'll be|i will be|we'll be|we will be|currently|based|located|living|sitting"
    r"|here|i live|we live|i work|we work|our (?:team|office) is|my (?:team|office) is|i'm back|we're back"
    r"|i'm still|i'm now)\s+(?:based\s+|located\s+|currently\s+|now\s+|still\s+)?(?:in|out of)\s+"
    r"|\b(?:i've|we've|i have|we have) (?:moved|relocated) to\s+)" + _PLACE
)
_PLACE_FROM_RE = re.compile(
    r"(?i:\b(?:writing|greetings|hello|hi|calling|joining|dialing in|dialling in|emailing"
    r"|working)\s+(?:you\s+)?from\s+)" + _PLACE
)
_PLACE_BASED_RE = re.compile(r"\b(?P<place>[A-Z][\w]*(?:\s+[A-Z][\w]*)?)-based\b")
_MY_TIME_RE = re.compile(r"(?i:\b(?:my|our) time\s*\(\s*)(?P<place>[A-Za-z][\w .'-]{1,30}?)\s*\)")
_PLACE_TIME_RE = re.compile(r"\b(?P<place>(?:[A-Z][\w.'-]*)(?:\s+[A-Z][\w.'-]*){0,2})\s+(?i:time)\b")
_COAST_RE = re.compile(r"(?i:\bon the\s+)(?P<place>(?i:(?:east|west) coast))\b")
_ABBR_RE = re.compile(
    r"\b(?P<abbr>" + alternatives(a for a in ZONE_ABBREVIATIONS if a not in SHORT_ABBREVIATIONS) + r")\b"
)
_NOT_PLACES = {"jersey", "man", "central", "eastern", "pacific", "mountain", "any", "lunch", "same", "local"}


@cache
def _zoneinfo_cities() -> dict[str, str]:
    cities: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if "/" not in key or key.startswith(("Etc/", "SystemV/", "US/", "posix", "right")):
            continue
        city = key.rsplit("/", 1)[1].replace("_", " ").lower()
        if city not in _NOT_PLACES:
            cities.setdefault(city, key)
    return cities


def _place_zone(place: str) -> str | None:
    words = place.split()
    for n in range(min(3, len(words)), 0, -1):
        key = " ".join(words[:n]).lower().strip(".,'")
        if key.endswith("'s"):
            key = key[:-2]
        if key in PLACES:
            return PLACES[key]
        if key.upper() in ZONE_ABBREVIATIONS:
            return ZONE_ABBREVIATIONS[key.upper()]
        city = _zoneinfo_cities().get(key.removeprefix("the "))
        if city is not None:
            return city
    return None


def stated_zone(sentences: Sequence[str]) -> tuple[str, ZoneSource] | None:
    for s in sentences:
        for regex in (_PLACE_CUE_RE, _PLACE_FROM_RE, _MY_TIME_RE, _PLACE_BASED_RE, _COAST_RE):
            for m in regex.finditer(s):
                place = m.group("place")
                if regex is _PLACE_CUE_RE and re.match(r"\s*(?i:time)\b", s[m.end() :]):
                    continue
                zone = _place_zone(place)
                if zone is not None:
                    return zone, "place"
    for s in sentences:
        for m in _PLACE_TIME_RE.finditer(s):
            words = m.group("place").split()
            for n in range(len(words)):  # "Tuesday 2pm London time": the place is the last words
                zone = _place_zone(" ".join(words[n:]))
                if zone is not None:
                    return zone, "abbreviation" if " ".join(words[n:]).upper() in ZONE_ABBREVIATIONS else "place"
    for s in sentences:
        for m in _ABBR_RE.finditer(s):
            return ZONE_ABBREVIATIONS[m.group("abbr")], "abbreviation"
    return None


def header_zone(date_header: str | None, now: datetime, exec_tz: str) -> str | None:
    if not date_header:
        return None
    try:
        stamped = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    offset = stamped.utcoffset()
    if offset is None or not offset:
        return None
    if stamped.astimezone(ZoneInfo(exec_tz)).utcoffset() == offset:
        return None
    for key in OFFSET_ZONES:
        if stamped.astimezone(ZoneInfo(key)).utcoffset() == offset:
            return key
    return None


def day_first(locale: str | None, zone: str) -> bool:
    if locale:
        low = locale.strip().lower().replace("_", "-")
        return not low.startswith(MONTH_FIRST_LOCALES)
    return not (zone in US_ZONES or zone.startswith(US_ZONE_PREFIXES))


def zone_key(tz: str | ZoneInfo) -> str:
    key = tz.key if isinstance(tz, ZoneInfo) else tz
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {key!r}: expected an IANA name such as 'America/New_York'") from exc
    return key
