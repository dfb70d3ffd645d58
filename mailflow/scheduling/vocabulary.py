"""The words the meeting-request reader knows: parts of the day, time zones and places, weekdays, months, numbers.

Tables, and the regular-expression alternatives built from them
(``WEEKDAY_PATTERN``, ``MONTH_PATTERN``, ``NUMBER_PATTERN``, ``ZONE_PATTERN``)
that :mod:`~mailflow.scheduling.mentions` and
:mod:`~mailflow.scheduling.understanding` put in their patterns: a word the
reader understands is in one of these, and a word that is not is not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from .reading import Window

__all__ = [
    "CASED_WORDS",
    "HOUR_WORDS",
    "MONTH_FIRST_LOCALES",
    "MONTH_PATTERN",
    "MONTH_WORDS",
    "NUMBER_PATTERN",
    "NUMBER_WORDS",
    "OFFSET_ZONES",
    "ORDINAL_WORDS",
    "PARTS_OF_DAY",
    "PLACES",
    "POD_ALIASES",
    "SHORT_ABBREVIATIONS",
    "US_ZONES",
    "US_ZONE_PREFIXES",
    "WEEKDAY_PATTERN",
    "WEEKDAY_WORDS",
    "ZONE_ABBREVIATIONS",
    "ZONE_PATTERN",
    "alternatives",
]

POD_ALIASES = {
    "am": "morning",
    "pm": "afternoon",
    "night": "evening",
    "tonight": "evening",
    "lunchtime": "lunch",
    "lunch time": "lunch",
    "over lunch": "lunch",
    "eod": "end of day",
    "cob": "end of day",
    "close of business": "end of day",
    "end of business day": "end of day",
    "end of the day": "end of day",
    "end of the business day": "end of day",
    "first thing in the morning": "first thing",
    "working hours": "business hours",
    "office hours": "business hours",
}

ZONE_ABBREVIATIONS: dict[str, str] = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "MOUNTAIN": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "CENTRAL": "America/Chicago",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "EASTERN": "America/New_York",
    "GMT": "Europe/London",
    "BST": "Europe/London",
    "UK": "Europe/London",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Athens",
    "EEST": "Europe/Athens",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "UTC": "UTC",
}
"""Zone abbreviations (written in capitals) and words ("Pacific time") to IANA zones; CET is read as Berlin."""

SHORT_ABBREVIATIONS = {"PT", "MT", "CT", "ET", "UK", "PACIFIC", "MOUNTAIN", "CENTRAL", "EASTERN"}
"""Read as a zone only right after a time or before "time" ("2pm PT", "Pacific time"), never alone."""

PLACES: dict[str, str] = {
    **dict.fromkeys(
        ["london", "manchester", "birmingham", "edinburgh", "glasgow", "bristol", "leeds", "oxford"], "Europe/London"
    ),
    **dict.fromkeys(["the uk", "uk", "england", "scotland", "wales", "britain"], "Europe/London"),
    **dict.fromkeys(["dublin", "ireland"], "Europe/Dublin"),
    **dict.fromkeys(["paris", "lyon", "france"], "Europe/Paris"),
    **dict.fromkeys(["berlin", "munich", "hamburg", "frankfurt", "cologne", "germany"], "Europe/Berlin"),
    **dict.fromkeys(["amsterdam", "rotterdam", "the netherlands", "netherlands"], "Europe/Amsterdam"),
    **dict.fromkeys(["brussels", "belgium"], "Europe/Brussels"),
    **dict.fromkeys(["madrid", "barcelona", "spain"], "Europe/Madrid"),
    **dict.fromkeys(["lisbon", "porto", "portugal"], "Europe/Lisbon"),
    **dict.fromkeys(["rome", "milan", "italy"], "Europe/Rome"),
    **dict.fromkeys(["zurich", "geneva", "switzerland"], "Europe/Zurich"),
    **dict.fromkeys(["vienna", "austria"], "Europe/Vienna"),
    **dict.fromkeys(["stockholm", "sweden"], "Europe/Stockholm"),
    **dict.fromkeys(["oslo", "norway"], "Europe/Oslo"),
    **dict.fromkeys(["copenhagen", "denmark"], "Europe/Copenhagen"),
    **dict.fromkeys(["helsinki", "finland"], "Europe/Helsinki"),
    **dict.fromkeys(["warsaw", "poland"], "Europe/Warsaw"),
    "prague": "Europe/Prague",
    "budapest": "Europe/Budapest",
    "athens": "Europe/Athens",
    "istanbul": "Europe/Istanbul",
    "moscow": "Europe/Moscow",
    **dict.fromkeys(["kyiv", "kiev"], "Europe/Kyiv"),
    **dict.fromkeys(["tel aviv", "jerusalem", "israel"], "Asia/Jerusalem"),
    **dict.fromkeys(["dubai", "abu dhabi", "the uae", "uae"], "Asia/Dubai"),
    **dict.fromkeys(
        ["mumbai", "bangalore", "bengaluru", "delhi", "new delhi", "pune", "hyderabad", "chennai", "india"],
        "Asia/Kolkata",
    ),
    "singapore": "Asia/Singapore",
    "hong kong": "Asia/Hong_Kong",
    **dict.fromkeys(["shanghai", "beijing", "shenzhen", "china"], "Asia/Shanghai"),
    **dict.fromkeys(["tokyo", "osaka", "japan"], "Asia/Tokyo"),
    **dict.fromkeys(["seoul", "korea", "south korea"], "Asia/Seoul"),
    **dict.fromkeys(["sydney", "canberra"], "Australia/Sydney"),
    "melbourne": "Australia/Melbourne",
    "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth",
    **dict.fromkeys(["auckland", "wellington", "new zealand"], "Pacific/Auckland"),
    **dict.fromkeys(
        [
            "new york",
            "nyc",
            "manhattan",
            "brooklyn",
            "boston",
            "washington dc",
            "dc",
            "philadelphia",
            "atlanta",
            "miami",
            "new jersey",
            "east coast",
            "the east coast",
        ],
        "America/New_York",
    ),
    **dict.fromkeys(["toronto", "ottawa"], "America/Toronto"),
    "montreal": "America/Toronto",
    **dict.fromkeys(
        ["chicago", "dallas", "houston", "austin", "minneapolis", "nashville", "new orleans", "texas"],
        "America/Chicago",
    ),
    **dict.fromkeys(["denver", "boulder", "salt lake city", "colorado"], "America/Denver"),
    **dict.fromkeys(["phoenix", "arizona"], "America/Phoenix"),
    **dict.fromkeys(
        [
            "seattle",
            "portland",
            "san francisco",
            "sf",
            "the bay area",
            "bay area",
            "silicon valley",
            "los angeles",
            "la",
            "san diego",
            "san jose",
            "palo alto",
            "oakland",
            "california",
            "west coast",
            "the west coast",
        ],
        "America/Los_Angeles",
    ),
    "vancouver": "America/Vancouver",
    "mountain view": "America/Los_Angeles",
    **dict.fromkeys(["honolulu", "hawaii"], "Pacific/Honolulu"),
    **dict.fromkeys(["anchorage", "alaska"], "America/Anchorage"),
    "mexico city": "America/Mexico_City",
    **dict.fromkeys(["sao paulo", "são paulo", "brazil"], "America/Sao_Paulo"),
    "buenos aires": "America/Argentina/Buenos_Aires",
    **dict.fromkeys(["johannesburg", "cape town", "south africa"], "Africa/Johannesburg"),
    **dict.fromkeys(["lagos", "nigeria"], "Africa/Lagos"),
    **dict.fromkeys(["nairobi", "kenya"], "Africa/Nairobi"),
    **dict.fromkeys(["cairo", "egypt"], "Africa/Cairo"),
}
"""Places (lower case) to zones; any other zoneinfo city ("Lisbon", "Reykjavik") is found too."""

OFFSET_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Pacific/Auckland",
)
"""For a Date header's offset, the first of these zones with that offset at the message's instant."""

US_ZONES = frozenset(
    {
        "America/New_York",
        "America/Detroit",
        "America/Chicago",
        "America/Denver",
        "America/Boise",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "America/Juneau",
        "Pacific/Honolulu",
        "America/Puerto_Rico",
    }
)
US_ZONE_PREFIXES = ("US/", "America/Indiana/", "America/Kentucky/", "America/North_Dakota/")
MONTH_FIRST_LOCALES = ("en-us", "en-ph", "en-ca", "es-us")

WEEKDAY_WORDS: dict[str, int] = {
    **dict.fromkeys(["monday", "mon", "mondays"], 0),
    **dict.fromkeys(["tuesday", "tues", "tue", "tuesdays", "tuseday", "tusday", "teusday"], 1),
    **dict.fromkeys(["wednesday", "wed", "weds", "wednesdays", "wendesday", "wensday", "wednsday", "wedensday"], 2),
    **dict.fromkeys(["thursday", "thu", "thur", "thurs", "thursdays", "thrusday", "thurday", "thursady"], 3),
    **dict.fromkeys(["friday", "fri", "fridays", "firday", "fridey"], 4),
    **dict.fromkeys(["saturday", "sat", "saturdays"], 5),
    **dict.fromkeys(["sunday", "sun", "sundays"], 6),
}
CASED_WORDS = {"sat", "sun", "wed", "may", "march", "mar"}
"""Words that are a day or a month only when capitalised ("sat down", "the sun", "you may", "march on")."""

MONTH_WORDS: dict[str, int] = {
    **dict.fromkeys(["january", "jan"], 1),
    **dict.fromkeys(["february", "feb", "febuary", "feburary"], 2),
    **dict.fromkeys(["march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    "may": 5,
    **dict.fromkeys(["june", "jun"], 6),
    **dict.fromkeys(["july", "jul"], 7),
    **dict.fromkeys(["august", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["october", "oct"], 10),
    **dict.fromkeys(["november", "nov"], 11),
    **dict.fromkeys(["december", "dec"], 12),
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "twenty five": 25,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "a couple of": 2,
    "couple of": 2,
    "a couple": 2,
    "couple": 2,
    "few": 3,
    "a few": 3,
    "several": 4,
}
ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "1st": 1,
    "former": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "latter": -1,
}
HOUR_WORDS: dict[str, int] = {
    word: hour
    for hour, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], 1
    )
}
"""The hours of a clock in words ("at three", "ten-thirty")."""


# -- parts of the day, and the patterns built from the words ------------------------------------


def _w(a: str, b: str) -> Window:
    return Window(time.fromisoformat(a), time.fromisoformat(b))


PARTS_OF_DAY: dict[str, Window] = {
    "morning": _w("09:00", "12:00"),
    "early morning": _w("07:00", "09:00"),
    "first thing": _w("08:00", "10:00"),
    "mid morning": _w("10:00", "12:00"),
    "late morning": _w("10:00", "12:00"),
    "lunch": _w("12:00", "14:00"),
    "afternoon": _w("12:00", "17:00"),
    "early afternoon": _w("13:00", "15:00"),
    "mid afternoon": _w("14:00", "16:00"),
    "late afternoon": _w("15:00", "17:00"),
    "end of day": _w("16:00", "18:00"),
    "after work": _w("17:00", "19:00"),
    "evening": _w("17:00", "20:00"),
    "breakfast": _w("08:00", "10:00"),
    "dinner": _w("18:00", "21:00"),
    "after lunch": _w("13:00", "17:00"),
    "before lunch": _w("09:00", "12:00"),
    "business hours": _w("09:00", "17:00"),
}
"""Parts of the day and their windows; "AM"/"PM" after a day are morning and afternoon, "tonight" today's evening."""


def alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


WEEKDAY_PATTERN = alternatives(WEEKDAY_WORDS)
MONTH_PATTERN = alternatives(MONTH_WORDS)
NUMBER_PATTERN = alternatives(
    k for k in NUMBER_WORDS if k not in {"a", "an", "few", "a few", "several", "couple", "a couple"}
)
_ZONE_WORDS = alternatives([*ZONE_ABBREVIATIONS, *(k.upper() for k in ("east coast", "west coast"))])
ZONE_PATTERN = (
    rf"(?:\s*\(?\s*(?P<zone>(?:your|my|our|local) (?:time|timezone|time zone)\b|(?:{_ZONE_WORDS})\b(?:\s+time\b)?"
    rf"|(?:{alternatives(PLACES)})\s+time\b)\s*\)?)?"
)
