"""Rules-engine speed: mailflow's ``RuleSet.evaluate`` against a naive loop, at 10, 50, 100 and 500 rules.

Writes the client's rules file at each size (``bench/make_rules.py``'s ``rules(n, seed)``:
100 is ``rules_100.toml``, fewer a sample of it, more adds people, domains, and many
subject and body searches, header tests and nesting), and generates ``--count``
messages (``bench/corpus.py``, corpus seed 1). Every message is parsed once, outside
the timing: ``Message`` with its headers, addresses, subject, decoded body text and
attachments, and its triage category; the parsed corpus is then frozen out of the
garbage collector's sight (``gc.freeze``). Then, for each size, best of ``--repeat``
(``time.perf_counter``), in the same run and interleaved:

* **engine**: ``RuleSet.evaluate`` for every message, a freshly loaded ``RuleSet`` for
  each run and a fresh ``Facts`` for each message, so nothing learnt in an earlier run
  helps and the per-evaluation lazy work (lower-casing and the like) is paid every run;
* **naive**: a loop written here that tries every rule in file order and evaluates
  its conditions as written: one ``re.search`` per text test over the whole field
  (``contains``: the ``re.escape``'d needle with ``IGNORECASE``; ``matches``: the
  rule's regex; both compiled once, as any sane loop would), addresses by plain
  comparisons, no index, no pre-check, no caching, no reordering. It plans the same
  actions (``Rule.plan()``) and stops at ``stop``, so both sides build the same output.

Both must agree: before the timed runs, the matching rules of every message are
compared (the count of mismatches must be 0; a digest summarises them), and the
planned actions too; the exit status is 1 on any mismatch. The table gives
messages/s for both, the engine's speedup and its cost relative to 50 rules.
Nothing is asserted on time. ``--profile`` runs the engine once more at the
largest size under cProfile.

    python bench/rules_speed.py [--count 10000] [--repeat 3] [--seed 1] [--rules 10 50 100 500]
                                [--json PATH] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import platform
import pstats
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.make_rules import render  # noqa: E402
from mailflow.message import Message  # noqa: E402
from mailflow.model import Address  # noqa: E402
from mailflow.rules import MatchContext, PlannedAction, RuleSet, load_rules  # noqa: E402
from mailflow.rules.addresses import AddressList  # noqa: E402
from mailflow.rules.diagnostics import Report  # noqa: E402
from mailflow.rules.nodes import (  # noqa: E402
    AddressCond,
    AddressTest,
    AllOf,
    Always,
    AnyOf,
    AttachmentCond,
    Condition,
    Contains,
    ContextCond,
    Domain,
    HeaderCond,
    InList,
    Is,
    Local,
    Name,
    NotOf,
    StrTest,
    TextCond,
)
from mailflow.rules.schema import validate  # noqa: E402
from mailflow.triage import classify  # noqa: E402

SIZES = (10, 50, 100, 500)
BASELINE = 50  # "cost relative to": the engine's time per message at this size
CORPUS_SEED = 1
HEADER_OF = {"from": "from", "to": "to", "cc": "cc", "reply_to": "reply-to", "sender": "sender"}

# -- the messages ---------------------------------------------------------------------------------


def parse_corpus(count: int, seed: int = CORPUS_SEED) -> list[MatchContext]:
    """``count`` corpus messages, parsed as far as any rule reads them, each with its category."""
    contexts: list[MatchContext] = []
    for raw in corpus.generate(count, seed=seed):
        msg = Message(raw)
        _ = msg.key, msg.subject, msg.body_text, msg.attachments, msg.filename_hints
        for header in HEADER_OF.values():
            msg.addresses(header)
        contexts.append(MatchContext(msg, classify(msg), "dana", "INBOX"))
    return contexts


# -- the naive loop ---------------------------------------------------------------------------------

Test = Callable[[MatchContext], bool]
TextTest = Callable[[str], bool]
AddrTest = Callable[[Address], bool]


@dataclass(frozen=True)
class NaiveRule:
    index: int
    stop: bool
    test: Test
    plan: Callable[[], list[PlannedAction]]


def naive_rules(path: Path, rules: RuleSet) -> list[NaiveRule]:
    """The rules of the file at ``path`` as the naive loop runs them (``rules``: the same file, for ``plan``)."""
    doc = validate(tomllib.loads(path.read_text(encoding="utf-8")), Report(), path.parent)
    if len(doc.rules) != len(rules.rules):
        raise SystemExit(f"{path}: {len(doc.rules)} rules validated, {len(rules.rules)} loaded")
    by_index = {rule.index: rule for rule in rules.rules}
    return [NaiveRule(spec.index, spec.stop, _naive(spec.when), by_index[spec.index].plan) for spec in doc.rules]


def naive_evaluate(rules: Sequence[NaiveRule], ctx: MatchContext) -> list[PlannedAction]:
    """Every rule in order, as written; a matching rule's actions are planned, and ``stop`` stops."""
    plan: list[PlannedAction] = []
    for rule in rules:
        if rule.test(ctx):
            plan.extend(rule.plan())
            if rule.stop:
                break
    return plan


def _search(pattern: re.Pattern[str]) -> TextTest:
    search = pattern.search
    return lambda text: search(text) is not None


def _naive_text(test: StrTest) -> TextTest:
    if isinstance(test, Is):
        values = test.values
        return lambda text: text.lower().strip() in values
    if isinstance(test, Contains):
        patterns = [re.compile(re.escape(needle), re.IGNORECASE) for needle in test.needles]
    else:
        patterns = list(test.patterns)
    if len(patterns) == 1:
        return _search(patterns[0])
    searches = [_search(p) for p in patterns]
    return lambda text: any(s(text) for s in searches)


def _at(domain: str, domains: frozenset[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)


def _on_list(email: str, found: AddressList) -> bool:
    if email in found.emails or _at(email.rpartition("@")[2], found.domains):
        return True
    return found.globs is not None and found.globs.match(email) is not None


def _naive_address(test: AddressTest) -> AddrTest:
    if isinstance(test, Is):
        values = test.values
        return lambda a: a.email.lower() in values
    if isinstance(test, Domain):
        domains = test.domains
        return lambda a: _at(a.email.lower().rpartition("@")[2], domains)
    if isinstance(test, InList):
        found = test.list
        return lambda a: _on_list(a.email.lower(), found)
    if isinstance(test, Local):
        locals_ = test.values
        return lambda a: a.email.lower().rpartition("@")[0] in locals_
    if isinstance(test, Name):
        needles = test.needles
        return lambda a: any(n in a.name.lower() for n in needles)
    text_test = _naive_text(test)

    def display(a: Address) -> bool:
        email = a.email.lower()
        return text_test(f"{a.name} <{email}>" if a.name else email)

    return display


def _naive(node: Condition) -> Test:
    if isinstance(node, Always):
        return lambda ctx: True
    if isinstance(node, ContextCond):
        attr, values = node.attr, node.values
        return lambda ctx: str(getattr(ctx, attr)).lower() in values
    if isinstance(node, TextCond):
        text_tests = [_naive_text(t) for t in node.tests]
        if node.field == "subject":
            return lambda ctx: all(t(ctx.message.subject) for t in text_tests)
        return lambda ctx: all(t(ctx.message.body_text) for t in text_tests)
    if isinstance(node, HeaderCond):
        name = node.name
        if node.exists is not None:
            want = node.exists
            return lambda ctx: (name in ctx.message.raw_headers) is want
        value_tests = [_naive_text(t) for t in node.tests]
        return lambda ctx: any(all(t(v) for t in value_tests) for v in ctx.message.headers_all(name))
    if isinstance(node, AddressCond):
        header = HEADER_OF[node.field]
        address_tests = [_naive_address(t) for t in node.tests]
        return lambda ctx: any(all(t(a) for t in address_tests) for a in ctx.message.addresses(header))
    if isinstance(node, AttachmentCond):
        if not node.present:
            return lambda ctx: not ctx.message.attachments
        name_glob, type_glob = node.name, node.type
        return lambda ctx: any(
            (name_glob is None or name_glob.match(a.filename) is not None)
            and (type_glob is None or type_glob.match(a.content_type) is not None)
            for a in ctx.message.attachments
        )
    if isinstance(node, AllOf):
        every = [_naive(c) for c in node.children]
        return lambda ctx: all(c(ctx) for c in every)
    if isinstance(node, AnyOf):
        some = [_naive(c) for c in node.children]
        return lambda ctx: any(c(ctx) for c in some)
    assert isinstance(node, NotOf)
    inner = _naive(node.child)
    return lambda ctx: not inner(ctx)


# -- comparing and timing ---------------------------------------------------------------------------


def matching(plans: Sequence[Sequence[PlannedAction]]) -> list[tuple[int, ...]]:
    """Each message's matching rules (those that planned something), in order."""
    return [tuple(dict.fromkeys(a.rule_index for a in plan)) for plan in plans]


def digest(matches: Sequence[tuple[int, ...]]) -> str:
    h = hashlib.sha256()
    for found in matches:
        h.update(",".join(map(str, found)).encode() + b"\n")
    return h.hexdigest()[:16]


@dataclass
class Size:
    """One rules file: the engine, the naive loop, and what it takes to build them."""

    rules: int
    path: Path
    engine: RuleSet
    naive: list[NaiveRule]


def build(n: int, seed: int, directory: Path) -> Size:
    path = directory / f"rules_{n}.toml"
    path.write_text(render(n, seed), encoding="utf-8")
    engine = load_rules(path)
    return Size(n, path, engine, naive_rules(path, engine))


def run_engine(
    size: Size, contexts: Sequence[MatchContext], engine: RuleSet | None = None
) -> tuple[float, list[list[PlannedAction]]]:
    """``engine`` (by default the size's own) over every message: the time and the plans."""
    evaluate = (engine or size.engine).evaluate
    start = time.perf_counter()
    plans = [evaluate(ctx) for ctx in contexts]
    return time.perf_counter() - start, plans


def run_naive(size: Size, contexts: Sequence[MatchContext]) -> tuple[float, list[list[PlannedAction]]]:
    rules = size.naive
    start = time.perf_counter()
    plans = [naive_evaluate(rules, ctx) for ctx in contexts]
    return time.perf_counter() - start, plans


@dataclass
class Comparison:
    rules: int
    messages: int
    mismatches: int  # messages whose matching rules differ
    plan_mismatches: int  # messages whose planned actions differ
    matches_per_message: float
    digest: str


def compare(size: Size, contexts: Sequence[MatchContext]) -> Comparison:
    """Run both once (untimed) and count the messages on which they disagree."""
    _, engine_plans = run_engine(size, contexts)
    _, naive_plans = run_naive(size, contexts)
    engine, naive = matching(engine_plans), matching(naive_plans)
    mismatches = sum(e != n for e, n in zip(engine, naive, strict=True))
    plan_mismatches = sum(e != n for e, n in zip(engine_plans, naive_plans, strict=True))
    per_message = sum(map(len, engine)) / max(1, len(engine))
    return Comparison(size.rules, len(contexts), mismatches, plan_mismatches, per_message, digest(engine))


def compare_sizes(count: int, sizes: Sequence[int] = SIZES, seed: int = 1) -> list[Comparison]:
    """:func:`compare` at each size over ``count`` corpus messages (what the test runs)."""
    contexts = parse_corpus(count)
    with tempfile.TemporaryDirectory(prefix="rules-speed-") as tmp:
        return [compare(build(n, seed, Path(tmp)), contexts) for n in sizes]


@dataclass
class Row:
    rules: int
    engine_s: float
    naive_s: float
    engine_msg_s: float
    naive_msg_s: float
    speedup: float
    cost_vs_baseline: float | None
    mismatches: int
    plan_mismatches: int
    matches_per_message: float
    digest: str


def measure(size: Size, contexts: Sequence[MatchContext], repeat: int) -> tuple[float, float, Comparison]:
    """Best engine and naive times over ``repeat`` interleaved runs, after the untimed comparison."""
    comparison = compare(size, contexts)  # also the warm-up
    engine_best = naive_best = float("inf")
    for _ in range(repeat):
        # A freshly loaded engine for each run: nothing it remembers from an earlier run over the
        # same messages (such as the rule combinations its index has seen) makes this one faster.
        engine = load_rules(size.path)
        engine_s, _plans = run_engine(size, contexts, engine)
        engine_best = min(engine_best, engine_s)
        naive_s, _plans = run_naive(size, contexts)
        naive_best = min(naive_best, naive_s)
    return engine_best, naive_best, comparison


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="messages (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size, best kept (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the rules files' sample and added rules")
    parser.add_argument("--rules", type=int, nargs="+", default=list(SIZES), metavar="N", help="sizes to run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="also run the engine once at the largest size under cProfile"
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")

    started = time.perf_counter()
    contexts = parse_corpus(args.count)
    print(f"{len(contexts)} messages parsed in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="rules-speed-") as tmp:
        sizes = [build(n, args.seed, Path(tmp)) for n in sorted(set(args.rules))]
        # The parsed corpus is held for the whole run, which a pass over a mailbox never does: out of
        # the collector's sight, so its collections cost what they would in the pipeline (which freezes
        # its import-time objects the same way), not a walk over 10,000 messages each.
        gc.collect()
        gc.freeze()
        for size in sizes:
            engine_s, naive_s, cmp = measure(size, contexts, args.repeat)
            n = len(contexts)
            rows.append(
                Row(
                    size.rules,
                    engine_s,
                    naive_s,
                    n / engine_s,
                    n / naive_s,
                    naive_s / engine_s,
                    None,
                    cmp.mismatches,
                    cmp.plan_mismatches,
                    cmp.matches_per_message,
                    cmp.digest,
                )
            )
            print(
                f"  {size.rules} rules: engine {engine_s:.2f} s, naive {naive_s:.2f} s, "
                f"mismatches {cmp.mismatches} (plans {cmp.plan_mismatches}), digest {cmp.digest}",
                flush=True,
            )
        base = next((r for r in rows if r.rules == BASELINE), None)
        for row in rows:
            row.cost_vs_baseline = row.engine_s / base.engine_s if base else None
        print_table(rows, len(contexts), args.repeat)
        if args.profile:
            profile(sizes[-1], contexts)

    if args.json:
        payload = {
            "count": len(contexts),
            "repeat": args.repeat,
            "seed": args.seed,
            "corpus_seed": CORPUS_SEED,
            "python": platform.python_version(),
            "rows": [asdict(r) for r in rows],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 1 if any(r.mismatches or r.plan_mismatches for r in rows) else 0


def print_table(rows: Sequence[Row], count: int, repeat: int) -> None:
    print(f"\n{count} messages, best of {repeat}; cost = engine time per message / that at {BASELINE} rules")
    print("| rules | engine msg/s | naive msg/s | engine speedup | engine cost vs 50 | matches/msg | mismatches |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        cost = f"{r.cost_vs_baseline:.2f}" if r.cost_vs_baseline is not None else "-"
        print(
            f"| {r.rules} | {r.engine_msg_s:,.0f} | {r.naive_msg_s:,.0f} | {r.speedup:.1f}x | {cost} "
            f"| {r.matches_per_message:.2f} | {r.mismatches} |"
        )
    by_size = {r.rules: r for r in rows}
    top = by_size.get(500)
    if top is not None:
        print(f"\nat 500 rules: speedup {top.speedup:.1f}x (target >= 5)", end="")
        if top.cost_vs_baseline is not None:
            print(f", cost vs {BASELINE} rules {top.cost_vs_baseline:.2f} (target <= 1.5)", end="")
        print()


def profile(size: Size, contexts: Sequence[MatchContext]) -> None:
    print(f"\ncProfile of the engine, {size.rules} rules, {len(contexts)} messages:")
    profiler = cProfile.Profile()
    profiler.runcall(run_engine, size, contexts)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    raise SystemExit(main())
