"""Compiling condition nodes into closures over :class:`~mailflow.rules.facts.Facts`.

Everything that can be prepared is prepared here, once per load: regexes are
already compiled by validation, lists are frozensets, and each node becomes a
plain function. Inside ``all`` and ``any`` (and a ``when`` with several keys)
children are reordered by cost, so the cheap tests (context, headers,
addresses, subject) run before the body, which runs before the attachments
(a full MIME parse); short-circuiting then often saves the expensive ones.
Reordering cannot change a result: conditions have no side effects.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence

from .facts import AddressFacts, Facts, FieldFacts
from .literals import prefiltered, required_literals
from .nodes import (
    AddressCond,
    AddressTest,
    AllOf,
    Always,
    AnyOf,
    AttachmentCond,
    AttachmentStats,
    Condition,
    Contains,
    ContextCond,
    Domain,
    HeaderCond,
    InList,
    Is,
    Local,
    Matches,
    Name,
    NotOf,
    RetainerCond,
    SizeCond,
    StrTest,
    TextCond,
    ThreadCond,
    WhenCond,
)

Predicate = Callable[[Facts], bool]
_TextTest = Callable[[str, str], bool]
_AddressTest = Callable[[AddressFacts], bool]

COST_CONTEXT = 0
COST_HEADER = 2
COST_ADDRESS = 3
COST_REGEX = 1  # added per regex test
COST_BODY = 50
COST_ATTACHMENTS = 100


def compile_conditions(nodes: Sequence[Condition]) -> list[Predicate]:
    """A predicate for each of ``nodes`` (the ``when`` of each rule of a file).

    A field condition written identically in several rules (``from = { in =
    "vip" }`` in three rules, say) is evaluated once per message: its result
    is kept in the evaluation's cache.
    """
    counts = Counter(leaf for node in nodes for leaf in _leaves(node))
    shared = {leaf: f"c:{i}" for i, (leaf, n) in enumerate(counts.items()) if n > 1}
    return [compile_condition(node, shared)[0] for node in nodes]


def compile_condition(node: Condition, shared: Mapping[Condition, str] | None = None) -> tuple[Predicate, int]:
    """A predicate for ``node`` and its estimated cost; results of ``shared`` nodes are cached under their key."""
    pred, cost = _compile(node, shared or {})
    key = (shared or {}).get(node)
    return (pred, cost) if key is None else (_memo(pred, key), cost)


def _compile(node: Condition, shared: Mapping[Condition, str]) -> tuple[Predicate, int]:
    if isinstance(node, Always):
        return (lambda f: True), 0
    if isinstance(node, ContextCond):
        return _context(node), COST_CONTEXT
    if isinstance(node, TextCond):
        base = COST_HEADER if node.field == "subject" else COST_BODY
        return _text(node), base + _regex_cost(node.tests)
    if isinstance(node, HeaderCond):
        return _header(node), COST_HEADER + _regex_cost(node.tests)
    if isinstance(node, AddressCond):
        return _address(node), COST_ADDRESS + _regex_cost(node.tests)
    if isinstance(node, AttachmentCond):
        return _attachment(node), COST_ATTACHMENTS
    if isinstance(node, AttachmentStats):
        return _attachment_stats(node), COST_ATTACHMENTS
    if isinstance(node, SizeCond):
        size = node.size
        return (lambda f: size.holds(len(f.message.raw))), COST_CONTEXT
    if isinstance(node, WhenCond):
        return _when(node), COST_HEADER
    if isinstance(node, ThreadCond):
        return _thread(node), COST_ADDRESS
    if isinstance(node, RetainerCond):
        percent = node.percent
        return (lambda f: f.ctx.retainer_used is not None and percent.holds(int(f.ctx.retainer_used))), COST_CONTEXT
    if isinstance(node, NotOf):
        inner, cost = compile_condition(node.child, shared)
        return (lambda f: not inner(f)), cost
    assert isinstance(node, AllOf | AnyOf)
    return _combine(node, shared)


def _leaves(node: Condition) -> Iterator[Condition]:
    """The field conditions worth sharing (not the trivial context ones) in ``node``."""
    if isinstance(node, AllOf | AnyOf):
        for child in node.children:
            yield from _leaves(child)
    elif isinstance(node, NotOf):
        yield from _leaves(node.child)
    elif isinstance(node, TextCond | HeaderCond | AddressCond | AttachmentCond | AttachmentStats | ThreadCond):
        yield node


def _memo(pred: Predicate, key: str) -> Predicate:
    def shared(f: Facts) -> bool:
        cache = f.cache
        found: bool | None = cache.get(key)
        if found is None:
            found = cache[key] = pred(f)
        return found

    return shared


def uses_body(node: Condition) -> bool:
    """Whether ``node`` reads the body or the attachments (both need the whole message)."""
    if isinstance(node, TextCond):
        return node.field == "body"
    if isinstance(node, AttachmentCond | AttachmentStats):
        return True
    if isinstance(node, AllOf | AnyOf):
        return any(uses_body(c) for c in node.children)
    if isinstance(node, NotOf):
        return uses_body(node.child)
    return False


def _regex_cost(tests: tuple[StrTest | AddressTest, ...]) -> int:
    return sum(COST_REGEX for t in tests if isinstance(t, Matches))


def _combine(node: AllOf | AnyOf, shared: Mapping[Condition, str]) -> tuple[Predicate, int]:
    compiled = sorted((compile_condition(c, shared) for c in node.children), key=lambda pc: pc[1])
    preds = tuple(p for p, _ in compiled)
    cost = sum(c for _, c in compiled)
    if len(preds) == 1:
        return preds[0], cost
    if isinstance(node, AllOf):
        if len(preds) == 2:
            a, b = preds
            return (lambda f: a(f) and b(f)), cost

        def all_of(f: Facts) -> bool:
            for p in preds:  # noqa: SIM110 -- a plain loop is faster than all(<generator>)
                if not p(f):
                    return False
            return True

        return all_of, cost
    if len(preds) == 2:
        a, b = preds
        return (lambda f: a(f) or b(f)), cost

    def any_of(f: Facts) -> bool:
        for p in preds:  # noqa: SIM110 -- a plain loop is faster than any(<generator>)
            if p(f):
                return True
        return False

    return any_of, cost


def _context(node: ContextCond) -> Predicate:
    values = node.values
    if node.attr == "category":
        return lambda f: f.category in values
    if node.attr == "account":
        return lambda f: f.account in values
    return lambda f: f.folder in values


def _text_test(test: StrTest) -> _TextTest:
    """A test on (text, lower-case text)."""
    if isinstance(test, Is):
        values = test.values
        return lambda text, lower: lower.strip() in values
    if isinstance(test, Contains):
        needles = test.needles
        if len(needles) == 1:
            needle = needles[0]
            return lambda text, lower: needle in lower
        return lambda text, lower: any(n in lower for n in needles)
    searches = tuple(prefiltered(p) for p in test.patterns)
    if len(searches) == 1:
        return searches[0]
    return lambda text, lower: any(s(text, lower) for s in searches)


def _all_text(tests: tuple[StrTest, ...]) -> _TextTest:
    compiled = tuple(_text_test(t) for t in tests)
    if len(compiled) == 1:
        return compiled[0]
    return lambda text, lower: all(t(text, lower) for t in compiled)


def _text(node: TextCond) -> Predicate:
    test = _all_text(node.tests)
    field = node.field

    def text_cond(f: Facts) -> bool:
        text, lower = f.text(field)
        return test(text, lower)

    return text_cond


def _header(node: HeaderCond) -> Predicate:
    name = node.name
    if node.exists is not None:
        want = node.exists
        return lambda f: f.has_header(name) is want
    test = _all_text(node.tests)

    def header_cond(f: Facts) -> bool:
        for text, lower in f.header(name):  # noqa: SIM110
            if test(text, lower):
                return True
        return False

    return header_cond


def _address_test(test: AddressTest) -> _AddressTest:
    """A test on one address (for a table of several tests, which must hold for the same address)."""
    if isinstance(test, Is):
        values = test.values
        return lambda a: a.email in values
    if isinstance(test, Domain):
        domains = test.domains
        return lambda a: any(p in domains for p in a.parents)
    if isinstance(test, InList):
        contains = test.list.contains
        return lambda a: contains(a.email, a.parents)
    if isinstance(test, Local):
        locals_ = test.values
        return lambda a: a.email.rpartition("@")[0] in locals_
    if isinstance(test, Name):
        needles = test.needles
        return lambda a: any(n in a.name_lower for n in needles)
    text_test = _text_test(test)
    return lambda a: text_test(a.display, a.display_lower)


def _field_test(test: AddressTest) -> Callable[[FieldFacts], bool]:
    """A single test on a whole field: whether some address passes it.

    ``is``, ``domain`` and ``in`` become set operations on the field's
    e-mail and parent-domain sets; ``contains`` and ``matches`` go through
    the addresses' display forms.
    """
    if isinstance(test, Is):
        values = test.values
        if len(values) == 1:
            (value,) = values
            return lambda a: value in a.emails
        return lambda a: not values.isdisjoint(a.emails)
    if isinstance(test, Domain):
        domains = test.domains
        if len(domains) == 1:
            (domain,) = domains
            return lambda a: domain in a.parents
        return lambda a: not domains.isdisjoint(a.parents)
    if isinstance(test, InList):
        contains_any = test.list.contains_any
        return lambda a: contains_any(a.emails, a.parents)
    if isinstance(test, Local | Name):
        one = _address_test(test)
        return lambda a: any(one(each) for each in a.each)
    text_test = _text_test(test)

    def display_test(a: FieldFacts) -> bool:
        for each in a.each:  # noqa: SIM110 -- a plain loop is faster than any(<generator>)
            if text_test(each.display, each.display_lower):
                return True
        return False

    return display_test


def _address(node: AddressCond) -> Predicate:
    field = node.field
    if len(node.tests) == 1:
        test = _field_test(node.tests[0])

        def address_cond(f: Facts) -> bool:
            found = f.field(field)
            return bool(found.emails) and test(found)

        return address_cond

    compiled = tuple(_address_test(t) for t in node.tests)

    def address_all(f: Facts) -> bool:
        return any(all(t(a) for t in compiled) for a in f.addresses(field))

    return address_all


def _attachment(node: AttachmentCond) -> Predicate:
    if not node.present:
        return lambda f: not f.attachments()
    name, ctype = node.name, node.type
    type_literals = _type_literals(ctype)

    def attachment_cond(f: Facts) -> bool:
        if name is not None:
            hints, hidden = f.message.filename_hints
            if not hidden and not any(name.match(h) for h in hints):
                return False  # no file name in the bytes can match: skip the MIME parse
        if type_literals is not None and not f.message.may_contain(type_literals):
            return False  # no part's Content-Type can match: skip the MIME parse
        for att in f.attachments():
            if name is not None and name.match(att.filename) is None:
                continue
            if ctype is not None and ctype.match(att.content_type) is None:
                continue
            return True
        return False

    return attachment_cond


def _attachment_stats(node: AttachmentStats) -> Predicate:
    count, total = node.count, node.total_size

    def attachment_stats(f: Facts) -> bool:
        found = f.attachments()
        if count is not None and not count.holds(len(found)):
            return False
        return total is None or total.holds(sum(a.size for a in found))

    return attachment_stats


def _when(node: WhenCond) -> Predicate:
    dates, weekdays, minutes = node.dates, node.weekdays, node.minutes

    def when_cond(f: Facts) -> bool:
        at = f.sent_at()
        if weekdays is not None and at.weekday() not in weekdays:
            return False
        if dates is not None:
            day = at.date().isoformat()
            first, last = dates
            if (first is not None and day < first) or (last is not None and day > last):
                return False
        if minutes is not None:
            now = at.hour * 60 + at.minute
            after, before = minutes
            if after is not None and before is not None and after > before:  # wraps past midnight: 18:00 to 08:00
                return now >= after or now < before
            if (after is not None and now < after) or (before is not None and now >= before):
                return False
        return True

    return when_cond


def _thread(node: ThreadCond) -> Predicate:
    want = node.value
    if node.fact == "participants":
        count = node.count
        assert count is not None
        return lambda f: count.holds(f.participants())
    if node.fact == "is_reply":
        return lambda f: f.is_reply() is want
    if node.fact == "replied":
        return lambda f: f.replied() is want
    return lambda f: f.first_time_sender() is want


def _type_literals(ctype: re.Pattern[str] | None) -> tuple[bytes, ...] | None:
    """Lower-case ASCII literals one of which is in the bytes of any message with a part of type ``ctype``.

    A part's content type is its ``Content-Type`` value (lower-cased, up to
    the ``;``) or a default, ``text/plain`` or ``message/rfc822``; so when
    ``ctype`` matches neither default, a literal it requires must be in the
    message's bytes (see :meth:`Message.may_contain`, which holds to ASCII
    messages, where header values are those bytes). None: no such literals.
    """
    if ctype is None or any(ctype.match(default) for default in ("text/plain", "message/rfc822")):
        return None
    found = required_literals(ctype)
    if found is None or not found[1]:  # globs are compiled case-insensitive: anything else is unexpected
        return None
    return tuple(literal.encode("ascii") for literal in found[0])
