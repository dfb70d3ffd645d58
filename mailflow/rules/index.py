"""Which rules can match a message at all: from its senders, recipients, category, headers and words.

Most rules of a real file name a sender (``from = "billing@vendor.example"``),
a domain or a list, or a category; most of the others look for words in the
subject or the body. A rule like that cannot match a message whose From holds
none of those addresses, or whose subject has none of those words, so it need
not be tried. For each rule :func:`guard` derives such necessary conditions
from its ``when`` tree:

* address, header and category keys, one of which the message must have
  (``from = { in = "vip" }``: one of the list's addresses or domains in From;
  a ``header`` condition: that header);
* subject keys, one of which must hold (``subject = { contains = ["invoice",
  "receipt"] }``; the required literals of a ``matches`` regex, see
  :mod:`~mailflow.rules.literals`; an ``is`` value);
* body keys, likewise, for a rule sure to read the body when it is tried (a
  ``body`` condition, or an ``any`` of subject and body ones).

A rule is tried only if the message meets each of those it has; a rule with
none (a ``not``, a regex without a literal) is always tried. A
:class:`RuleIndex` turns a message into the rules to try, in file order: the
address, header and category keys by dictionary look-ups, then the literals of
every rule together, field by field (:class:`~mailflow.rules.literals.LiteralSet`:
each distinct literal looked for once, whatever number of rules share it), the
subject's for every message, the body's only when the evaluation gets to a rule
that would read it. :meth:`RuleSet.evaluate` runs each rule chosen exactly as
before and skips the others, which could not have matched: the plan is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .facts import Facts
from .literals import LiteralSet, Mode, required_literals
from .nodes import (
    AddressCond,
    AllOf,
    AnyOf,
    Condition,
    Contains,
    ContextCond,
    Domain,
    HeaderCond,
    InList,
    Is,
    StrTest,
    TextCond,
)

Key = tuple[str, str, str]
"""``("email" | "domain", field, value)`` (an address or a parent domain in a field), ``("header", "", name)``
(the message has that header) or ``("category", "", name)``."""

TextKey = tuple[str, str, str]
"""``(field, mode, value)``: ``field`` is ``subject`` or ``body``, ``mode`` a :data:`~mailflow.rules.literals.Mode`."""

T = TypeVar("T")
_Chosen = tuple[tuple[T, ...], tuple[int, ...]]  # items, and the place of each

_CACHE_LIMIT = 4096  # distinct combinations of rules remembered
_MIN_LITERALS = 12  # fewer distinct literals in a stage: trying the rules costs less than looking for them


@dataclass(frozen=True, slots=True)
class Guard:
    """Necessary conditions of one rule's ``when``: a message must meet each that is not None."""

    keys: frozenset[Key] | None = None
    """Address, header and category keys, one of which the message has."""
    text: frozenset[TextKey] | None = None
    """Subject keys, one of which holds."""
    body: frozenset[TextKey] | None = None
    """Keys of which one holds, some of them on the body."""


def guard(node: Condition) -> Guard | None:
    """What a message must have to match ``node``; None when nothing is known (always tried)."""
    keys = address_guard(node)
    text, body = text_guards(node)
    if keys is None and text is None and body is None:
        return None
    return Guard(keys, text, body)


# -- addresses and categories ------------------------------------------------------------------


def address_guard(node: Condition) -> frozenset[Key] | None:
    """Keys one of which every message matching ``node`` has, or None when there is no such set.

    A header condition needs the header (``exists = true``, or some value that
    passes the tests), which is a single look-up in the message's headers.
    """
    if isinstance(node, ContextCond):
        return frozenset(("category", "", v) for v in node.values) if node.attr == "category" else None
    if isinstance(node, HeaderCond):
        return None if node.exists is False else frozenset({("header", "", node.name)})
    if isinstance(node, AddressCond):
        found = [_address_keys(node.field, t) for t in node.tests]  # several tests: the same address passes all
        return _narrowest(g for g in found if g is not None)
    if isinstance(node, AllOf):
        return _narrowest(g for g in (address_guard(c) for c in node.children) if g is not None)
    if isinstance(node, AnyOf):
        keys: set[Key] = set()
        for child in node.children:
            found_child = address_guard(child)
            if found_child is None:
                return None
            keys |= found_child
        return frozenset(keys)
    return None  # not, always, subject, body, attachments


def _address_keys(field: str, test: object) -> frozenset[Key] | None:
    if isinstance(test, Is):
        return frozenset(("email", field, v) for v in test.values)
    if isinstance(test, Domain):
        return frozenset(("domain", field, d) for d in test.domains)
    if isinstance(test, InList) and test.list.globs is None:
        emails = {("email", field, e) for e in test.list.emails}
        return frozenset(emails | {("domain", field, d) for d in test.list.domains})
    return None


_RANK = {"email": 0, "domain": 0, "header": 1, "category": 2}


def _narrowest(guards: Iterable[frozenset[Key]]) -> frozenset[Key] | None:
    """Of several guards that all hold, the most selective: addresses, then headers, then categories; the smallest."""
    ranked = sorted(guards, key=lambda g: (max(_RANK[k[0]] for k in g), len(g)))
    return ranked[0] if ranked else None


# -- literals ------------------------------------------------------------------------------------

_TextGuards = tuple[frozenset[TextKey] | None, frozenset[TextKey] | None]


def text_guards(node: Condition) -> _TextGuards:
    """Keys one of which holds for every message matching ``node``: on the subject, and with the body.

    In an ``all``, each child's subject keys are necessary, so the most
    selective are kept; an ``any`` has keys only if every child has some (the
    union). Body keys are only given where evaluating ``node`` is sure to
    read the body (a ``body`` condition, or an ``any`` of subject and body
    ones, whose subject keys are looked at first): checking them then reads
    it no sooner than the rule would, so the body stays undecoded (no MIME
    parse) for a message no rule reaches a ``body`` condition for. A body
    condition next to others in an ``all`` is left to the rule, which may
    well fail on the others first.
    """
    if isinstance(node, TextCond):
        keys = _most_selective(_str_keys(node.field, t) for t in node.tests)
        return (keys, None) if node.field == "subject" else (None, keys)
    if isinstance(node, AllOf):
        return _most_selective(text_guards(c)[0] for c in node.children), None
    if isinstance(node, AnyOf):
        union: set[TextKey] = set()
        on_body = False
        for child in node.children:
            text, body = text_guards(child)
            if text is None and body is None:
                return None, None
            union |= text if text is not None else body or frozenset()
            on_body = on_body or text is None
        return (None, frozenset(union)) if on_body else (frozenset(union), None)
    return None, None  # not, always, headers, addresses, attachments, category, account, folder


def _str_keys(field: str, test: StrTest) -> frozenset[TextKey] | None:
    if isinstance(test, Is):
        return frozenset((field, "is", v) for v in test.values)
    if isinstance(test, Contains):
        if "" in test.needles:
            return None
        return frozenset((field, "fold", n) for n in test.needles)
    keys: set[TextKey] = set()
    for pattern in test.patterns:
        found = required_literals(pattern)
        if found is None:
            return None
        literals, ignore_case = found
        mode: Mode = "ascii" if ignore_case else "case"
        keys.update((field, mode, literal) for literal in literals)
    return frozenset(keys)


def _leak(keys: frozenset[TextKey]) -> float:
    """About how often one of ``keys`` holds for a text that the rule does not match: the smaller the better."""
    return sum(2.0 ** -(10 if mode == "is" else min(len(value), 10)) for _field, mode, value in keys)


def _most_selective(guards: Iterable[frozenset[TextKey] | None]) -> frozenset[TextKey] | None:
    found = [g for g in guards if g is not None]
    return min(found, key=_leak) if found else None


# -- the index -------------------------------------------------------------------------------------


class _FieldScan:
    """The literals of one field (subject or body) and the rules each stands for."""

    __slots__ = ("field", "literals")

    def __init__(self, field: str, keys: dict[tuple[Mode, str], int]) -> None:
        self.field = field
        self.literals = LiteralSet(keys)

    def found(self, facts: Facts, alive: int) -> int:
        """The rules (of ``alive``) for which one of this field's keys holds."""
        text, lower = facts.text(self.field)
        return self.literals.found(text, lower, alive)


def _stage(keys: dict[str, dict[tuple[Mode, str], int]]) -> tuple[_FieldScan, ...]:
    """The scans of one stage, subject first; none if there are too few literals to be worth it."""
    scans = tuple(_FieldScan(field, keys[field]) for field in ("subject", "body") if field in keys)
    return scans if sum(len(scan.literals) for scan in scans) >= _MIN_LITERALS else ()


class RuleIndex(Generic[T]):
    """Rules (any objects, in file order) and their guards, answering which to try for a message.

    The answer for a combination of rules is kept (up to a few thousand
    combinations), so turning the final bit mask into rules is a dict look-up.
    """

    def __init__(self, items: Sequence[T], guards: Sequence[Guard | None], stops: Sequence[bool] = ()) -> None:
        self._items: tuple[T, ...] = tuple(items)
        self._stops = sum(1 << i for i, stop in enumerate(stops) if stop)  # items that may end the evaluation
        self._always = 0  # bit i set: item i has no address or category guard
        self._emails: dict[str, dict[str, int]] = {}
        self._domains: dict[str, dict[str, int]] = {}
        self._categories: dict[str, int] = {}
        self._headers: dict[str, int] = {}
        text_keys: dict[str, dict[tuple[Mode, str], int]] = {}
        body_keys: dict[str, dict[tuple[Mode, str], int]] = {}
        text_rules = body_rules = 0
        for i, found in enumerate(guards):
            bit = 1 << i
            if found is None or found.keys is None:
                self._always |= bit
            else:
                for kind, field, value in found.keys:
                    if kind == "category":
                        self._categories[value] = self._categories.get(value, 0) | bit
                    elif kind == "header":
                        self._headers[value] = self._headers.get(value, 0) | bit
                    else:
                        table = (self._emails if kind == "email" else self._domains).setdefault(field, {})
                        table[value] = table.get(value, 0) | bit
            if found is not None and found.text is not None:
                text_rules |= bit
                _add(text_keys, found.text, bit)
            if found is not None and found.body is not None:
                body_rules |= bit
                _add(body_keys, found.body, bit)
        self._fields = tuple(sorted(set(self._emails) | set(self._domains)))
        self._text = _stage(text_keys)
        self._body = _stage(body_keys)
        self._text_rules = text_rules if self._text else 0  # bit i set: item i must have a subject literal
        self._body_rules = body_rules if self._body else 0  # bit i set: item i must have a body (or subject) literal
        self._chosen: dict[int, _Chosen[T]] = {}

    def select(self, facts: Facts) -> Iterable[T]:
        """The items whose guards ``facts`` meets, and those without any, in order.

        Items with body keys are checked when the first of them is reached:
        the body is read then, as that item's own condition would read it, and
        not at all if iteration stops before (a matching rule with ``stop``;
        ``stops`` at construction says which items have one).
        """
        mask = self._always | self._categories.get(facts.category, 0)
        if self._headers:
            present = facts.message.raw_headers
            for name, bits in self._headers.items():
                if name in present:
                    mask |= bits
        for field in self._fields:
            found = facts.field(field)
            if not found.emails:
                continue
            emails = self._emails.get(field)
            if emails:
                for email in found.emails:
                    mask |= emails.get(email, 0)
            domains = self._domains.get(field)
            if domains:
                for parent in found.parents:
                    mask |= domains.get(parent, 0)
        alive = mask & self._text_rules
        if alive:
            mask &= ~self._text_rules | _scan(self._text, facts, alive)
        body = mask & self._body_rules
        mask ^= body  # the body candidates are merged in as the evaluation gets to them
        chosen = self._chosen.get(mask)
        if chosen is None:
            if len(self._chosen) >= _CACHE_LIMIT:
                self._chosen.clear()
            chosen = self._chosen[mask] = _pick(self._items, mask)
        return self._with_body(chosen, facts, body, (mask | body) & self._stops) if body else chosen[0]

    def _with_body(self, chosen: _Chosen[T], facts: Facts, body: int, stops: int) -> Iterator[T]:
        """The chosen items, with those of ``body`` whose body keys hold merged in, in order.

        The body keys are looked for when the first of ``body`` is reached,
        for those from there to the next item that may stop the evaluation (a
        rule with ``stop``), then again past it if the evaluation goes on: no
        body is scanned for rules it never gets to.
        """
        every = self._items
        pending = body  # candidates not looked at yet
        hits = 0  # candidates whose keys hold, not given yet
        at = (body & -body).bit_length() - 1  # the next candidate's place, or -1

        def due(before: int) -> Iterator[T]:
            """The candidates placed before ``before`` whose keys hold."""
            nonlocal pending, hits, at
            while 0 <= at < before:
                low = 1 << at
                if pending & low:
                    later = stops & ~(low - 1)
                    stretch = pending & ~(low - 1) & ((later & -later) * 2 - 1 if later else -1)
                    pending ^= stretch
                    hits |= _scan(self._body, facts, stretch) & stretch
                if hits & low:
                    hits ^= low
                    yield every[at]
                rest = pending | hits
                at = (rest & -rest).bit_length() - 1

        for item, place in zip(*chosen, strict=True):
            if 0 <= at < place:
                yield from due(place)
            yield item
        yield from due(len(every))


def _add(table: dict[str, dict[tuple[Mode, str], int]], keys: frozenset[TextKey], bit: int) -> None:
    for field, mode, value in keys:
        by_key = table.setdefault(field, {})
        by_key[(mode, value)] = by_key.get((mode, value), 0) | bit


def _scan(scans: tuple[_FieldScan, ...], facts: Facts, alive: int) -> int:
    """The rules of ``alive`` for which a key holds, field by field (a rule found once is not looked for again)."""
    found = 0
    for scan in scans:
        if scan.literals.bits & alive & ~found:
            found |= scan.found(facts, alive & ~found)
    return found


def _pick(items: tuple[T, ...], mask: int) -> _Chosen[T]:
    """The items of the bits set in ``mask``, in order, and their places."""
    out: list[T] = []
    places: list[int] = []
    while mask:
        low = mask & -mask
        place = low.bit_length() - 1
        out.append(items[place])
        places.append(place)
        mask ^= low
    return tuple(out), tuple(places)
