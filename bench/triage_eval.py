"""Precision and recall of the built-in triage on the labelled corpus in ``bench/triage/``.

Every ``.eml`` file listed in ``bench/triage/labels.json`` is classified with
``mailflow.triage.classify``; its ``known`` label is the correspondent
history (``known_sender`` answers it for the message's sender, as the
pipeline's database lookup would). Prints, per category, the support (how
many messages carry the label), precision, recall and F1, then the
confusion matrix (rows: the label, columns: what ``classify`` said) and every
misclassified file with its source and note; then the same tables for each
split: ``dev`` (the messages the classifier was adjusted on) and
``holdout-1`` to ``holdout-3`` (each written after the previous adjustment;
``holdout-3`` never adjusted on: the estimate to quote). ``--json PATH``
writes the same numbers as JSON (``splits`` holds the per-split ones).
Nothing is asserted (``tests/test_triage.py`` sets a floor).

    python bench/triage_eval.py [--corpus DIR] [--json PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailflow.message import Message  # noqa: E402
from mailflow.triage import CATEGORIES, classify  # noqa: E402

CORPUS = ROOT / "bench" / "triage"


def evaluate(corpus: Path = CORPUS, split: str | None = None) -> dict[str, Any]:
    """Classify every labelled message (of one ``split``, or all); the numbers and the mistakes."""
    labels: dict[str, dict[str, Any]] = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    pairs: list[tuple[str, str, str]] = []  # file, label, got
    seconds = 0.0
    for name, entry in sorted(labels.items()):
        if split is not None and entry.get("split", "dev") != split:
            continue
        message = Message((corpus / name).read_bytes())
        is_known = bool(entry["known"])
        start = time.perf_counter()
        got = classify(message, lambda address, is_known=is_known: is_known)
        seconds += time.perf_counter() - start
        pairs.append((name, entry["category"], got))
    confusion = {want: dict.fromkeys(CATEGORIES, 0) for want in CATEGORIES}
    for _, want, got in pairs:
        confusion[want][got] += 1
    categories: dict[str, dict[str, float]] = {}
    for category in CATEGORIES:
        tp = confusion[category][category]
        support = sum(confusion[category].values())
        predicted = sum(confusion[want][category] for want in CATEGORIES)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        categories[category] = {"support": support, "precision": precision, "recall": recall, "f1": f1}
    correct = sum(want == got for _, want, got in pairs)
    mistakes = [
        {
            "file": name,
            "label": want,
            "got": got,
            "source": labels[name]["source"],
            "note": labels[name].get("note", ""),
        }
        for name, want, got in pairs
        if want != got
    ]
    return {
        "split": split or "all",
        "messages": len(pairs),
        "accuracy": correct / len(pairs) if pairs else 0.0,
        "macro_f1": sum(c["f1"] for c in categories.values()) / len(categories),
        "classify_us_per_message": seconds * 1e6 / len(pairs) if pairs else 0.0,
        "categories": categories,
        "confusion": confusion,
        "mistakes": mistakes,
    }


def report(result: dict[str, Any], mistakes: bool = True) -> str:
    lines = [
        f"{result['split']}: {result['messages']} messages, accuracy {result['accuracy']:.3f}, "
        f"macro F1 {result['macro_f1']:.3f}",
        "",
    ]
    lines.append(f"{'category':<14} {'support':>7} {'precision':>9} {'recall':>7} {'F1':>6}")
    for category, c in result["categories"].items():
        lines.append(f"{category:<14} {c['support']:>7} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f}")
    short = {c: c[:7] for c in CATEGORIES}
    lines += [
        "",
        "confusion (rows: label, columns: classify)",
        f"{'':<14}" + "".join(f"{short[c]:>9}" for c in CATEGORIES),
    ]
    for want, row in result["confusion"].items():
        lines.append(f"{want:<14}" + "".join(f"{row[c]:>9}" for c in CATEGORIES))
    if not mistakes:
        return "\n".join(lines)
    lines += ["", f"misclassified ({len(result['mistakes'])}):"]
    for m in result["mistakes"]:
        note = f" ({m['note']})" if m["note"] else ""
        lines.append(f"  {m['file']}: label {m['label']}, got {m['got']}; {m['source']}{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the folder with labels.json and the .eml files")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers as JSON")
    parser.add_argument("--quiet", action="store_true", help="print nothing (with --json)")
    args = parser.parse_args(argv)
    result = evaluate(args.corpus)
    splits = {name: evaluate(args.corpus, name) for name in ("dev", "holdout-1", "holdout-2", "holdout-3")}
    result["splits"] = {name: {k: v for k, v in r.items() if k != "mistakes"} for name, r in splits.items()}
    if not args.quiet:
        print(report(result))
        for r in splits.values():
            if r["messages"]:
                print("\n" + report(r, mistakes=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
