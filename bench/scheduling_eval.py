"""Accuracy of ``mailflow.scheduling.understanding`` on the meeting requests in ``bench/scheduling_requests.json``.

Every case is read with :func:`~mailflow.scheduling.understanding.read_request`
(its Date header is both ``now`` and the weak zone hint) and its
:meth:`~mailflow.scheduling.understanding.Reading.normalized` form compared with
the expected one, field by field: kind, duration, tz, when, attendees, topic and
choice. A case is exactly right when every field is. Negatives (``kind`` none)
are false positives when they read as anything: another kind, a date or a
duration. Prints the exact-match rate overall, per field, per kind and per split,
the false positives, then every wrong case with the fields that differ.
``--json PATH`` writes the numbers. Nothing is asserted here
(``tests/test_scheduling_understanding.py`` sets the floor).

The splits say how much the numbers flatter the extractor: ``dev`` is what it
was written against; ``holdout-1`` was written afterwards (37/50, 74%, exactly
right on its first run, 1 of its 10 negatives read as a date) and
``holdout-2`` after holdout-1 had been adjusted on (42/55, 76%, on its first
run, 1 of 11 negatives read as a date). Both were adjusted on afterwards, so
expect about three in four fresh phrasings read exactly right, not the
overall rate.

    python bench/scheduling_eval.py [--corpus FILE] [--split NAME] [--json PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailflow.scheduling.understanding import read_request  # noqa: E402

CORPUS = ROOT / "bench" / "scheduling_requests.json"
FIELDS = ("kind", "duration", "tz", "when", "attendees", "topic", "choice")
WHEN_KEYS = ("days", "range", "window", "at", "not", "tz")


def expected(case: dict[str, Any], default_tz: str) -> dict[str, Any]:
    """The case's expected normalized reading, absent keys filled with their empty values."""
    want = dict(case["expect"])
    out: dict[str, Any] = {
        "kind": want["kind"],
        "duration": want.get("duration"),
        "tz": want.get("tz"),
        "when": None,
        "attendees": sorted(want.get("attendees", [])),
        "topic": want.get("topic"),
        "choice": want.get("choice"),
    }
    if want.get("when") is not None:
        when = want["when"]
        out["when"] = {
            "days": list(when.get("days", [])),
            "range": when.get("range"),
            "window": when.get("window"),
            "at": when.get("at"),
            "not": list(when.get("not", [])),
            "tz": when.get("tz") or out["tz"] or case.get("tz", default_tz),
        }
    return out


def read(case: dict[str, Any], default_tz: str) -> dict[str, Any]:
    """What the extractor reads from the case, normalized."""
    now = parsedate_to_datetime(case["date"])
    reading = read_request(
        case["text"],
        now=now,
        tz=case.get("tz", default_tz),
        subject=case.get("subject", ""),
        cc=case.get("cc", []),
        sender=case.get("sender"),
        me=case.get("me", []),
        locale=case.get("locale"),
        date_header=case["date"],
        proposed=[datetime.fromisoformat(p) for p in case.get("proposed", [])],
    )
    return reading.normalized()


def evaluate(corpus: Path = CORPUS, split: str | None = None) -> dict[str, Any]:
    """Read every case (of one ``split``, or all); the rates, the false positives and the mistakes."""
    doc = json.loads(corpus.read_text(encoding="utf-8"))
    default_tz = doc["defaults"]["tz"]
    cases = [c for c in doc["cases"] if split is None or c.get("split", "dev") == split]
    field_right = dict.fromkeys(FIELDS, 0)
    per_kind: dict[str, list[int]] = {}
    per_split: dict[str, list[int]] = {}
    exact = 0
    negatives = false_positives = 0
    mistakes: list[dict[str, Any]] = []
    for case in cases:
        want = expected(case, default_tz)
        got = read(case, default_tz)
        wrong = [f for f in FIELDS if got[f] != want[f]]
        for f in FIELDS:
            field_right[f] += f not in wrong
        right = not wrong
        exact += right
        for table, key in ((per_kind, want["kind"]), (per_split, case.get("split", "dev"))):
            table.setdefault(key, [0, 0])
            table[key][0] += right
            table[key][1] += 1
        if want["kind"] == "none":
            negatives += 1
            if got["kind"] != "none" or got["when"] is not None or got["duration"] is not None:
                false_positives += 1
        if wrong:
            mistakes.append(
                {
                    "id": case["id"],
                    "text": case["text"],
                    "fields": {f: {"want": want[f], "got": got[f]} for f in wrong},
                }
            )
    total = len(cases)
    return {
        "cases": total,
        "exact": exact / total if total else 0.0,
        "fields": {f: field_right[f] / total if total else 0.0 for f in FIELDS},
        "kinds": {k: {"right": r, "cases": n} for k, (r, n) in sorted(per_kind.items())},
        "splits": {k: {"right": r, "cases": n} for k, (r, n) in sorted(per_split.items())},
        "negatives": negatives,
        "false_positives": false_positives,
        "mistakes": mistakes,
    }


def _when_diff(want: dict[str, Any] | None, got: dict[str, Any] | None) -> str:
    if want is None or got is None:
        return f"want {json.dumps(want)}\n      got  {json.dumps(got)}"
    parts = [f"{k}: want {want[k]!r} got {got[k]!r}" for k in WHEN_KEYS if want[k] != got[k]]
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the cases (JSON)")
    parser.add_argument("--split", help="only this split: dev, holdout-1 or holdout-2")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--quiet", action="store_true", help="the numbers only, not each mistake")
    args = parser.parse_args(argv)
    report = evaluate(args.corpus, args.split)
    print(f"cases: {report['cases']}   exactly right: {report['exact']:.1%}")
    print("per field: " + "  ".join(f"{f} {v:.1%}" for f, v in report["fields"].items()))
    print("per kind:  " + "  ".join(f"{k} {v['right']}/{v['cases']}" for k, v in report["kinds"].items()))
    print("per split: " + "  ".join(f"{k} {v['right']}/{v['cases']}" for k, v in report["splits"].items()))
    print(f"negatives: {report['negatives']}   read as something (false positives): {report['false_positives']}")
    if not args.quiet:
        for mistake in report["mistakes"]:
            print(f"\n{mistake['id']}: {mistake['text']!r}")
            for field, diff in mistake["fields"].items():
                if field == "when":
                    print(f"  when: {_when_diff(diff['want'], diff['got'])}")
                else:
                    print(f"  {field}: want {diff['want']!r} got {diff['got']!r}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
