"""CPU per message of the in-memory pipeline steps: parse + key, classify, evaluate, drafting.

Generates ``--count`` messages (``bench/corpus.py``, ``--seed``) in memory, loads
``bench/rules_100.toml`` and times each phase over all messages (``time.perf_counter``,
best of ``--repeat`` runs after one warm-up; every run starts from fresh ``Message``
objects, so lazy parses are paid again), with the interpreter tuned as for a pass
(``workers.runner.tune_interpreter``: the garbage collector's pace shows here).
Drafting renders the template and builds the reply for every planned
``draft_reply``, as the pipeline does.

It also prints two digests: ``plan`` over every message's key, category and planned
actions (rule, kind, params), and ``drafts`` over the built drafts (minus the random
Message-ID), so an optimisation can be shown not to change any output. Nothing is
asserted: the script reports numbers.

    python bench/rules_bench.py [--count 10000] [--seed 1] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from mailflow.drafting import Person, build_reply, template_context  # noqa: E402
from mailflow.message import Message  # noqa: E402
from mailflow.rules import MatchContext, PlannedAction, RuleSet, load_rules  # noqa: E402
from mailflow.rules.templates import render  # noqa: E402
from mailflow.triage import classify  # noqa: E402
from workers.runner import tune_interpreter  # noqa: E402

RULES = ROOT / "bench" / "rules_100.toml"
CLIENT = Person("dana", "Dana Whitfield", "dana@acme.example")
ASSISTANT = Person("assistant", "Sam Rivera", "sam@rivera-va.example")
NOW = datetime(2024, 11, 28, 9, 0, tzinfo=UTC)
_MSGID_LINE = re.compile(rb"(?im)^Message-ID:[^\r\n]*\r?\n")
PHASES = ("parse+key", "classify", "evaluate", "drafting")


class Run:
    """One pass over the corpus, phase by phase, keeping every output for the digests."""

    def __init__(self, raws: list[bytes], rules: RuleSet) -> None:
        self.raws = raws
        self.rules = rules
        self.messages: list[Message] = []
        self.categories: list[str] = []
        self.plans: list[list[PlannedAction]] = []
        self.drafts: list[bytes] = []

    def parse(self) -> None:
        self.messages = [Message(raw) for raw in self.raws]
        for msg in self.messages:
            _ = msg.key

    def classify(self) -> None:
        self.categories = [classify(msg) for msg in self.messages]

    def evaluate(self) -> None:
        evaluate = self.rules.evaluate
        self.plans = [
            evaluate(MatchContext(msg, category, "dana", "INBOX"))
            for msg, category in zip(self.messages, self.categories, strict=True)
        ]

    def draft(self) -> None:
        self.drafts = []
        for msg, plan in zip(self.messages, self.plans, strict=True):
            for action in plan:
                if action.kind != "draft_reply":
                    continue
                text = render(self.rules.draft_template(action), template_context(msg, CLIENT, ASSISTANT))
                key = f"{msg.key}/{action.rule_index}/{action.index}"
                draft = build_reply(
                    msg,
                    text,
                    CLIENT,
                    key,
                    reply_all=bool(action.params.get("reply_all", False)),
                    include_quote=bool(action.params.get("quote", True)),
                    now=NOW,
                )
                self.drafts.append(draft.raw)

    def steps(self) -> list[Callable[[], None]]:
        return [self.parse, self.classify, self.evaluate, self.draft]

    def digests(self) -> tuple[str, str]:
        plan = hashlib.sha256()
        for msg, category, actions in zip(self.messages, self.categories, self.plans, strict=True):
            planned = [(a.rule, a.kind, a.params) for a in actions]
            plan.update(json.dumps([msg.key, category, planned], sort_keys=True).encode() + b"\n")
        drafts = hashlib.sha256()
        for raw in self.drafts:
            drafts.update(_MSGID_LINE.sub(b"", raw) + b"\0")
        return plan.hexdigest()[:16], drafts.hexdigest()[:16]


def timed_run(raws: list[bytes], rules: RuleSet) -> tuple[list[float], Run]:
    run = Run(raws, rules)
    seconds: list[float] = []
    for step in run.steps():
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return seconds, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also run once under cProfile, print the top 25")
    args = parser.parse_args(argv)

    raws = list(corpus.generate(args.count, seed=args.seed))
    rules = load_rules(RULES)
    tune_interpreter()  # as a pass runs: the collector's pace matters here (workers.runner)
    timed_run(raws, rules)  # warm-up
    best = [float("inf")] * len(PHASES)
    run: Run | None = None
    for _ in range(args.repeat):
        run = None  # one run's messages alive at a time, as in one pass (the GC walks them all)
        seconds, run = timed_run(raws, rules)
        best = [min(b, s) for b, s in zip(best, seconds, strict=True)]
    assert run is not None
    n = len(raws)
    drafts = len(run.drafts)
    print(f"{n} messages, {len(rules.rules)} rules, {drafts} drafts; best of {args.repeat}, ms per message:")
    for name, s in zip(PHASES, best, strict=True):
        extra = f"  ({s * 1000 / drafts:.3f} ms per draft)" if name == "drafting" and drafts else ""
        print(f"  {name:<10} {s * 1000 / n:8.4f}{extra}")
    core = sum(best[:3])
    print(f"  {'core':<10} {core * 1000 / n:8.4f}  (parse+key + classify + evaluate)")
    print(f"  {'total':<10} {sum(best) * 1000 / n:8.4f}")
    plan_digest, draft_digest = run.digests()
    print(f"digest: plan {plan_digest} drafts {draft_digest}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(timed_run, raws, rules)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
