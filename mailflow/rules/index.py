"""Which rules can match a message at all, from its senders, recipients and category.

Most rules of a real file name a sender (``from = "billing@vendor.example"``),
a domain or a list, or a category: a rule like that cannot match a message
whose From holds none of those addresses, so it need not be tried. For each
rule :func:`guard` derives such a necessary condition from its ``when`` tree,
a set of :data:`Key` of which the message must have at least one; a rule
without one (a subject search, a ``not``) is always tried. A
:class:`RuleIndex` then turns a message's keys into the rules to try, in file
order, so :meth:`RuleSet.evaluate` runs each of those exactly as before and
skips the others, which could not have matched: the plan is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from .facts import Facts
from .nodes import AddressCond, AllOf, AnyOf, Condition, ContextCond, Domain, InList, Is

Key = tuple[str, str, str]
"""``("email" | "domain", field, value)`` (an address or a parent domain in a field) or ``("category", "", name)``."""

T = TypeVar("T")

_CACHE_LIMIT = 4096  # distinct key combinations remembered; a real mailbox has a few hundred


def guard(node: Condition) -> frozenset[Key] | None:
    """Keys one of which every message matching ``node`` has, or None when there is no such set."""
    if isinstance(node, ContextCond):
        return frozenset(("category", "", v) for v in node.values) if node.attr == "category" else None
    if isinstance(node, AddressCond):
        found = [_address_guard(node.field, t) for t in node.tests]  # several tests: the same address passes all
        return _narrowest(g for g in found if g is not None)
    if isinstance(node, AllOf):
        return _narrowest(g for g in (guard(c) for c in node.children) if g is not None)
    if isinstance(node, AnyOf):
        keys: set[Key] = set()
        for child in node.children:
            found_child = guard(child)
            if found_child is None:
                return None
            keys |= found_child
        return frozenset(keys)
    return None  # not, always, subject, body, header, attachments


def _address_guard(field: str, test: object) -> frozenset[Key] | None:
    if isinstance(test, Is):
        return frozenset(("email", field, v) for v in test.values)
    if isinstance(test, Domain):
        return frozenset(("domain", field, d) for d in test.domains)
    if isinstance(test, InList) and test.list.globs is None:
        emails = {("email", field, e) for e in test.list.emails}
        return frozenset(emails | {("domain", field, d) for d in test.list.domains})
    return None


def _narrowest(guards: Iterable[frozenset[Key]]) -> frozenset[Key] | None:
    """Of several guards that all hold, the most selective: an address one before a category, then the smallest."""
    ranked = sorted(guards, key=lambda g: (all(k[0] == "category" for k in g), len(g)))
    return ranked[0] if ranked else None


class RuleIndex(Generic[T]):
    """Rules (any objects, in file order) and their guards, answering which to try for a message.

    The answer for a combination of keys is kept (up to a few thousand
    combinations), so a message costs a handful of dict look-ups.
    """

    def __init__(self, items: Sequence[T], guards: Sequence[frozenset[Key] | None]) -> None:
        self._items: tuple[T, ...] = tuple(items)
        self._always = 0  # bit i set: item i has no guard
        self._emails: dict[str, dict[str, int]] = {}
        self._domains: dict[str, dict[str, int]] = {}
        self._categories: dict[str, int] = {}
        for i, keys in enumerate(guards):
            bit = 1 << i
            if keys is None:
                self._always |= bit
                continue
            for kind, field, value in keys:
                if kind == "category":
                    self._categories[value] = self._categories.get(value, 0) | bit
                else:
                    table = (self._emails if kind == "email" else self._domains).setdefault(field, {})
                    table[value] = table.get(value, 0) | bit
        self._fields = tuple(sorted(set(self._emails) | set(self._domains)))
        self._chosen: dict[int, tuple[T, ...]] = {}

    def select(self, facts: Facts) -> tuple[T, ...]:
        """The items whose guard ``facts`` meets, and those without one, in order."""
        mask = self._always | self._categories.get(facts.category, 0)
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
        chosen = self._chosen.get(mask)
        if chosen is None:
            if len(self._chosen) >= _CACHE_LIMIT:
                self._chosen.clear()
            items = self._items
            chosen = self._chosen[mask] = tuple(items[i] for i in range(len(items)) if mask >> i & 1)
        return chosen
