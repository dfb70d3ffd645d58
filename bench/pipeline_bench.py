"""End-to-end benchmark: one mailflow pass over a large mailbox served by a real Dovecot, against ``mbsync``.

For each ``--count N`` this

1. writes N messages from ``bench/corpus.py`` (once, to a pristine Maildir);
2. starts a private Dovecot 2.3 on loopback with ``tests/servers/dovecot.py``
   (once for the whole run);
3. gives a fresh Dovecot user the N messages by hard-linking the pristine
   files into its ``Maildir/new/`` (owned by the mail user) and has Dovecot
   index them with ``doveadm index`` -- none of this is timed;
4. runs a full mailflow pass over that account in a SEPARATE child process
   (``ImapConnector`` + ``AccountPass`` with ``bench/rules_100.toml`` and a fresh
   SQLite store): fetch, parse, classify, 100 rules, ledger writes and every
   action applied over IMAP. It reports messages/s over ``AccountPass.run()``,
   the child's peak RSS (``ru_maxrss``), RSS after each batch, and the actions;
5. gives another fresh user the same N messages and times ``mbsync`` (isync)
   pulling INBOX into an empty local Maildir, wall clock;
6. reports both rates and the ratio mailflow / mbsync.

``--profile`` adds two more mailflow runs per count on fresh users: one with
low-overhead timers around the pipeline's collaborators (IMAP calls, SQLite,
classification, rules, full MIME parses, drafting: a wall-clock breakdown) and
one under cProfile (the top 25 functions by cumulative time, printed).

Needs root (Dovecot drops to ``nobody``), ``dovecot-imapd`` and ``isync``::

    python bench/pipeline_bench.py --count 10000 --count 50000 --json bench-results.json
    python bench/pipeline_bench.py --count 10000 --profile

Numbers are reported, never asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/pipeline_bench.py` from anywhere
    sys.path.insert(0, str(ROOT))

DEFAULT_RULES = Path(__file__).with_name("rules_100.toml")
MBSYNC = "/usr/bin/mbsync"
TARGET_RATE = 2000.0  # messages/s, from the issue; reported against, never asserted
TARGET_RSS_MB = 100.0
PROFILE_TOP = 25
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- small helpers ---------------------------------------------------------------


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    """This process's current resident set size, in MB (from /proc/self/statm)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE_KB / 1024


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (``ru_maxrss`` is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` plus its reaped children (utime + stime + cutime + cstime)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / CLK_TCK


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU seconds used so far by a process, its live children and its reaped ones.

    Dovecot's master reaps each ``imap`` process when its session ends, so the
    master's cutime/cstime carry the CPU of finished sessions.
    """
    total = proc_cpu_seconds(root_pid)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == root_pid:
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


@dataclass
class ChildRun:
    returncode: int
    wall: float
    user_cpu: float
    sys_cpu: float
    peak_rss_mb: float


def run_child(cmd: list[str], **kwargs: Any) -> ChildRun:
    """Run ``cmd`` and collect its own resource usage with ``wait4`` (not that of earlier children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, **kwargs)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(proc.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)


# -- the mailbox -------------------------------------------------------------------


class Mailboxes:
    """A private Dovecot and fresh users that each hold the same pristine corpus in INBOX."""

    def __init__(self, workdir: Path) -> None:
        from tests.servers.dovecot import DOVEADM, DOVECOT, DovecotServer

        for binary in (DOVECOT, DOVEADM):
            if not os.path.exists(binary):
                raise SystemExit(f"{binary} is missing: apt-get install dovecot-imapd")
        if os.geteuid() != 0:
            raise SystemExit(
                "run as root: Dovecot is started as root and drops to nobody (see tests/servers/dovecot.py)"
            )
        self.doveadm_bin = DOVEADM
        self.server_root = workdir / "dovecot"
        self.server_root.mkdir()
        self.server = DovecotServer(self.server_root)
        self._users = 0

    def start(self) -> None:
        self.server.start()
        log(f"dovecot listening on {self.server.host}:{self.server.port} (root {self.server_root})")

    def stop(self) -> None:
        self.server.stop()

    @property
    def master_pid(self) -> int | None:
        """The Dovecot master's pid, for CPU accounting (the harness keeps its Popen privately)."""
        process = getattr(self.server, "_process", None)
        return process.pid if process is not None else None

    def dovecot_cpu(self) -> float:
        pid = self.master_pid
        return tree_cpu_seconds(pid) if pid else 0.0

    def doveadm(self, *args: str, timeout: float = 1800) -> str:
        result = subprocess.run(
            [self.doveadm_bin, "-c", str(self.server.config_path), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def user_with(self, corpus: Path, count: int, tag: str) -> tuple[str, str]:
        """A new user whose INBOX holds every file of ``corpus/new``, indexed; returns (name, password)."""
        from tests.servers.dovecot import NOBODY_UID, NOGROUP_GID

        self._users += 1
        name = f"bench{self._users}-{tag}"
        password = f"pw-{os.urandom(8).hex()}"
        user = self.server.add_user(name, password)
        start = time.perf_counter()
        maildir = user.maildir
        for sub in ("", "cur", "new", "tmp"):
            (maildir / sub).mkdir(exist_ok=True)
            os.chown(maildir / sub, NOBODY_UID, NOGROUP_GID)
        target = maildir / "new"
        for entry in os.scandir(corpus / "new"):
            link = target / entry.name
            try:
                os.link(entry.path, link)  # the content is never modified: Maildir files are immutable
            except OSError:
                shutil.copyfile(entry.path, link)
            os.chown(link, NOBODY_UID, NOGROUP_GID)
        self.doveadm("index", "-u", name, "INBOX")
        status = self.doveadm("-f", "flow", "mailbox", "status", "-u", name, "messages", "INBOX")
        held = int(status.strip().partition("messages=")[2].split()[0])
        if held != count:
            raise RuntimeError(f"{name}: INBOX holds {held} messages after indexing, expected {count}")
        log(f"user {name}: {count} messages linked and indexed in {time.perf_counter() - start:.1f}s (not timed)")
        return name, password


def write_corpus(path: Path, count: int, seed: int) -> int:
    """The pristine Maildir for ``count`` messages; returns its total size in bytes."""
    from bench.corpus import write_maildir

    start = time.perf_counter()
    write_maildir(path, count, seed)
    size = sum(e.stat().st_size for e in os.scandir(path / "new"))
    log(f"corpus: {count} messages, {size / 1e6:.0f} MB, written in {time.perf_counter() - start:.1f}s (not timed)")
    return size


# -- mailflow, in a child process --------------------------------------------------


def run_mailflow(
    boxes: Mailboxes, corpus: Path, count: int, args: argparse.Namespace, workdir: Path, mode: str = "measure"
) -> dict[str, Any]:
    name, password = boxes.user_with(corpus, count, "mf" if mode == "measure" else mode)
    rundir = Path(tempfile.mkdtemp(prefix=f"mailflow-{mode}-", dir=workdir))
    spec = {
        "mode": mode,
        "host": boxes.server.host,
        "port": boxes.server.port,
        "user": name,
        "password": password,
        "rules": str(args.rules),
        "db": str(rundir / "mailflow.db"),
        "batch_size": args.batch_size,
        "write_every": args.write_every,
        "result": str(rundir / "result.json"),
        "profile_out": str(args.profile_out) if args.profile_out and mode == "cprofile" else "",
    }
    spec_path = rundir / "spec.json"
    spec_path.write_text(json.dumps(spec))
    log(f"mailflow ({mode}): one pass over {count} messages in a child process")
    cpu_before = boxes.dovecot_cpu()
    child = run_child([sys.executable, str(Path(__file__).resolve()), "--child", str(spec_path)])
    time.sleep(0.3)  # let the master reap the session's imap process
    dovecot_cpu = boxes.dovecot_cpu() - cpu_before
    if child.returncode != 0:
        raise RuntimeError(f"the mailflow child failed with exit code {child.returncode}")
    result: dict[str, Any] = json.loads(Path(spec["result"]).read_text())
    result.update(
        child_wall_s=round(child.wall, 3),
        child_user_cpu_s=round(child.user_cpu, 2),
        child_sys_cpu_s=round(child.sys_cpu, 2),
        child_peak_rss_mb_wait4=round(child.peak_rss_mb, 1),
        dovecot_cpu_s=round(dovecot_cpu, 2),
    )
    if not args.keep:
        shutil.rmtree(rundir, ignore_errors=True)
    return result


class GcTimer:
    """A ``gc.callbacks`` entry: the collections of each generation, their seconds and the garbage they freed."""

    def __init__(self) -> None:
        self.started = 0.0
        self.runs = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.collected = [0, 0, 0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            generation = info["generation"]
            self.runs[generation] += 1
            self.seconds[generation] += time.perf_counter() - self.started
            self.collected[generation] += info["collected"]

    def summary(self) -> dict[str, Any]:
        return {"runs": self.runs, "seconds": [round(s, 3) for s in self.seconds], "collected": self.collected}


def child_main(spec_path: str) -> int:
    """The mailflow pass itself; runs in its own process so its RSS is the pipeline's alone."""
    spec = json.loads(Path(spec_path).read_text())
    setup_start = time.perf_counter()
    from connectors.imap import ImapConnector
    from mailflow.config import ImapAccount
    from mailflow.drafting import Person
    from mailflow.pipeline import AccountPass
    from mailflow.rules import load_rules
    from mailflow.store import open_store
    from workers.runner import tune_interpreter

    tune_interpreter()  # as workers.runner.run_account does
    store = open_store(f"sqlite:///{spec['db']}")
    rules = load_rules(Path(spec["rules"]))
    account = ImapAccount.model_validate(
        {
            "kind": "imap",
            "id": "dana-bench",
            "host": spec["host"],
            "port": spec["port"],
            "username": spec["user"],
            "password": spec["password"],
            "tls": "none",
            "timeout": 120.0,
            "batch_size": spec["batch_size"],
        }
    )
    connector = ImapConnector(account)
    samples: list[tuple[int, float, float]] = []  # (messages done, seconds, RSS MB) after each batch
    done = 0
    run_start = 0.0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        samples.append((done, round(time.perf_counter() - run_start, 3), round(rss_mb(), 1)))

    step = AccountPass(
        store,
        connector,
        rules,
        Person("dana", "Dana Whitfield", "dana@acme.example"),
        Person("assistant", "Sam Rivera", "sam@rivera-va.example"),
        folders=["INBOX"],
        batch_size=spec["batch_size"],
        **({"write_every": spec["write_every"]} if spec.get("write_every") else {}),
        progress=progress,
        reader=ImapConnector(account),
    )  # as workers.runner.run_account does for IMAP
    timers: PhaseTimers | None = None
    if spec["mode"] == "phases":
        timers = PhaseTimers()
        timers.install(step)
    setup_s = time.perf_counter() - setup_start
    rss_before = rss_mb()
    collections = GcTimer()
    gc.callbacks.append(collections)
    run_start = time.perf_counter()
    if spec["mode"] == "cprofile":
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(step.run)
    else:
        report = step.run()
    seconds = time.perf_counter() - run_start
    peak = peak_rss_mb()
    statuses: dict[str, int] = {}
    for _client, _account, status, n in store.counts():
        statuses[status] = statuses.get(status, 0) + n
    store.close()
    total = report.new + report.skipped
    result: dict[str, Any] = {
        "mode": spec["mode"],
        "messages": total,
        "new": report.new,
        "skipped": report.skipped,
        "quarantined": report.quarantined,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(total / seconds, 1) if seconds else None,
        "setup_s": round(setup_s, 3),
        "rss_before_run_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "rss_after_batches": _thin(samples, 12),
        # After the last batch is planned: the last round's writes and their recording.
        "tail_s": round(seconds - samples[-1][1], 3) if samples else None,
        # The cyclic garbage collector during the pass, per generation: runs, seconds, objects freed.
        "gc": collections.summary(),
        "actions_applied": sum(report.actions.values()),
        "actions": dict(sorted(report.actions.items())),
        "actions_failed": report.failed,
        "seconds_logged": report.seconds_logged,
        "ledger_messages": statuses,
        "error": report.error,
    }
    if timers is not None:
        result["phases"] = timers.summary(seconds)
        print(timers.table(seconds, total))
    if spec["mode"] == "cprofile":
        print_profile(profiler, seconds, total, spec.get("profile_out") or None)
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


def _thin(samples: list[tuple[int, float, float]], keep: int) -> list[list[float]]:
    """At most ``keep`` evenly spread samples, always with the last one."""
    if len(samples) <= keep:
        return [list(s) for s in samples]
    step = len(samples) / keep
    picked = [samples[int(i * step)] for i in range(keep - 1)] + [samples[-1]]
    return [list(s) for s in picked]


# -- where the time goes -----------------------------------------------------------

# Top-level phases: disjoint calls made by AccountPass, so their sum is comparable to the pass's wall time.
_CONNECTOR_PHASES = {
    "open": "imap: connect + login",
    "close": "imap: logout",
    "changes": "imap: SELECT + UID SEARCH (changes)",
    "fetch": "imap: FETCH BODY.PEEK[] (transfer + imaplib parse)",
    "add_labels": "imap: STORE keywords (label)",
    "set_flagged": "imap: STORE \\Flagged",
    "set_read": "imap: STORE \\Seen",
    "move": "imap: UID MOVE",
    "archive": "imap: archive",
    "find_draft": "imap: find draft",
    "save_draft": "imap: save draft (APPEND)",
    "update": "imap: STORE keywords and flags (update)",
    "update_many": "imap: pipelined UID STOREs, keywords and flags (update_many)",
    "save_drafts": "imap: save drafts (MULTIAPPEND)",
}
_STORE_PHASES = (
    "pending",
    "get_cursor",
    "set_cursor",
    "known_locators",
    "known_keys",
    "relocate",
    "record",
    "mark_applying",
    "complete",
)
# Nested measurements: already inside one of the phases above, shown as "of which".
_NESTED = {
    "mime": "of which: full MIME parse (Message.parsed, email.parser + compat32)",
    "headers": "of which: header split (Message.raw_headers)",
}


class PhaseTimers:
    """Wall-clock time spent in each collaborator of one ``AccountPass``, by wrapping it (no source edits)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.order: list[str] = []

    def _add(self, name: str, dt: float) -> None:
        if name not in self.seconds:
            self.order.append(name)
            self.seconds[name] = 0.0
            self.calls[name] = 0
        self.seconds[name] += dt
        self.calls[name] += 1

    def timed(self, name: str, func: Callable[..., Any], *, materialise: bool = False) -> Callable[..., Any]:
        clock = time.perf_counter

        def wrapper(*a: Any, **k: Any) -> Any:
            start = clock()
            try:
                out = func(*a, **k)
                return list(out) if materialise else out
            finally:
                self._add(_thread_label(name), clock() - start)

        return wrapper

    def install(self, step: Any) -> None:
        from functools import cached_property

        import mailflow.applying as applying
        import mailflow.pipeline as pipeline
        from mailflow.message import Message

        connector, store = step.connector, step.store
        for attr, label in _CONNECTOR_PHASES.items():
            setattr(connector, attr, self.timed(label, getattr(connector, attr), materialise=attr == "fetch"))
        for attr in _STORE_PHASES:
            setattr(store, attr, self.timed(f"sqlite: Store.{attr}", getattr(store, attr)))
        step.rules.evaluate = self.timed("rules: RuleSet.evaluate (100 rules, incl. lazy parsing)", step.rules.evaluate)
        # The names AccountPass looks up in its module at call time (getattr: they are imports there).
        for module, attr, label in (
            (pipeline, "classify", "classify: triage (incl. lazy parsing)"),
            (pipeline, "Message", "parse: Message(raw) + Message.key"),
            (pipeline, "action_key", "plan: action_key (BLAKE2b per action)"),
            (applying, "build_reply", "drafting: build_reply"),
            (applying, "template_context", "drafting: template_context"),
            (applying, "render", "drafting: render template"),
        ):
            func = getattr(module, attr)
            setattr(module, attr, self.timed(label, _keyed(func) if attr == "Message" else func))
        for attr, key in (("parsed", "mime"), ("raw_headers", "headers")):
            original = Message.__dict__[attr].func
            prop = cached_property(self.timed(_NESTED[key], original))
            prop.__set_name__(Message, attr)
            setattr(Message, attr, prop)

    def summary(self, total: float) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.order:
            out[name] = {
                "seconds": round(self.seconds[name], 3),
                "calls": self.calls[name],
                "share": round(self.seconds[name] / total, 3) if total else None,
            }
        top = sum(v for k, v in self.seconds.items() if not k.startswith(("of which", "[")))
        out["other (pipeline bookkeeping, reports, not wrapped)"] = {
            "seconds": round(total - top, 3),
            "calls": 0,
            "share": round((total - top) / total, 3),
        }
        return out

    def table(self, total: float, messages: int) -> str:
        rows = self.summary(total)
        lines = [
            f"\nWhere the time goes: one pass over {messages} messages, {total:.2f}s wall clock "
            "(timers around each call; nested rows are part of the row above them; rows in [brackets] run on\n"
            "the store, writer or reader thread, overlap the pass's own work and are not part of its sum)",
            f"{'phase':<78} {'seconds':>8} {'share':>6} {'calls':>7} {'ms/call':>8}",
        ]
        for name, row in sorted(rows.items(), key=lambda kv: -kv[1]["seconds"]):
            per = 1000 * row["seconds"] / row["calls"] if row["calls"] else 0.0
            lines.append(
                f"{name:<78} {row['seconds']:>8.2f} {100 * (row['share'] or 0):>5.1f}% {row['calls']:>7} {per:>8.3f}"
            )
        return "\n".join(lines)


def _thread_label(name: str) -> str:
    """Phases on the store, writer or reader thread overlap the pass's own: marked and left out of "other"."""
    import threading

    thread = threading.current_thread().name
    if thread.startswith("mailflow-record"):
        return f"[store thread] {name}"
    if thread.startswith("mailflow-write"):
        return f"[writer thread] {name}"
    if thread.startswith("mailflow-fetch"):
        return f"[reader thread] {name}"
    return name


def _keyed(cls: Any) -> Callable[[bytes], Any]:
    """``Message(raw)`` that also computes ``.key`` at once, so the timer covers the header split."""

    def make(raw: bytes) -> Any:
        msg = cls(raw)
        _ = msg.key
        return msg

    return make


def print_profile(profiler: Any, seconds: float, messages: int, out: str | None) -> None:
    import io
    import pstats

    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(PROFILE_TOP)
    print(
        f"\ncProfile of one pass over {messages} messages ({seconds:.2f}s under the profiler): "
        f"top {PROFILE_TOP} by cumulative time"
    )
    print(buf.getvalue())
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("tottime").print_stats(15)
    print("Top 15 by own time (tottime):")
    print(buf.getvalue())
    if out:
        profiler.dump_stats(out)
        print(f"(full profile saved to {out}; view with python -m pstats {out})")


# -- mbsync ----------------------------------------------------------------------


MBSYNCRC = """\
IMAPAccount bench
Host 127.0.0.1
Port {port}
User {user}
Pass {password}
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
"""


def run_mbsync(boxes: Mailboxes, corpus: Path, count: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    name, password = boxes.user_with(corpus, count, "mbsync")
    rundir = Path(tempfile.mkdtemp(prefix="mbsync-", dir=workdir))
    local = rundir / "Mail"
    local.mkdir()
    rc = rundir / "mbsyncrc"
    rc.write_text(MBSYNCRC.format(port=boxes.server.port, user=name, password=password, local=local))
    rc.chmod(0o600)
    log(f"mbsync: pulling {count} messages into an empty Maildir")
    cpu_before = boxes.dovecot_cpu()
    errors = rundir / "mbsync.stderr"
    with errors.open("wb") as err:  # it warns that the password goes in the clear: true, on loopback
        child = run_child([MBSYNC, "-c", str(rc), "-q", "bench"], stdin=subprocess.DEVNULL, stderr=err)
    time.sleep(0.3)
    dovecot_cpu = boxes.dovecot_cpu() - cpu_before
    if child.returncode != 0:
        raise RuntimeError(f"mbsync failed with exit code {child.returncode}: {errors.read_text(errors='replace')}")
    copied = sum(1 for sub in ("cur", "new") for _ in os.scandir(local / "INBOX" / sub))
    if copied != count:
        raise RuntimeError(f"mbsync copied {copied} messages, expected {count}")
    if not args.keep:
        shutil.rmtree(rundir, ignore_errors=True)
    return {
        "messages": copied,
        "seconds": round(child.wall, 3),
        "msgs_per_s": round(count / child.wall, 1),
        "user_cpu_s": round(child.user_cpu, 2),
        "sys_cpu_s": round(child.sys_cpu, 2),
        "peak_rss_mb": round(child.peak_rss_mb, 1),
        "dovecot_cpu_s": round(dovecot_cpu, 2),
    }


def mbsync_version() -> str:
    try:
        return subprocess.run([MBSYNC, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "missing"


# -- the run -----------------------------------------------------------------------


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="mailflow-bench-", dir="/tmp"))
    path.chmod(0o755)  # Dovecot's unprivileged processes must traverse it
    try:
        yield path
    finally:
        if keep:
            log(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def bench_one(boxes: Mailboxes, count: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    corpus = workdir / f"corpus-{count}"
    size = write_corpus(corpus, count, args.seed)
    entry: dict[str, Any] = {"count": count, "corpus_mb": round(size / 1e6, 1)}
    mf = run_mailflow(boxes, corpus, count, args, workdir)
    entry["mailflow"] = mf
    log(
        f"mailflow: {mf['msgs_per_s']:.0f} msg/s ({mf['seconds']:.1f}s, of which {mf['tail_s']}s after the last "
        f"batch), peak RSS {mf['peak_rss_mb']:.0f} MB, {mf['actions_applied']} actions applied"
    )
    if not args.skip_mbsync:
        mb = run_mbsync(boxes, corpus, count, args, workdir)
        entry["mbsync"] = mb
        entry["ratio_mailflow_to_mbsync"] = round(mf["msgs_per_s"] / mb["msgs_per_s"], 3)
        log(f"mbsync: {mb['msgs_per_s']:.0f} msg/s ({mb['seconds']:.1f}s); ratio {entry['ratio_mailflow_to_mbsync']}")
    if args.profile:
        entry["phases"] = run_mailflow(boxes, corpus, count, args, workdir, mode="phases")
        entry["cprofile"] = run_mailflow(boxes, corpus, count, args, workdir, mode="cprofile")
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
    return entry


def summary_table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'messages':>9} {'corpus MB':>9} {'mailflow msg/s':>14} {'seconds':>8} {'peak RSS MB':>11} "
        f"{'actions':>8} {'mbsync msg/s':>12} {'mbsync s':>8} {'ratio':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        mf, mb = r["mailflow"], r.get("mbsync")
        lines.append(
            f"{r['count']:>9} {r['corpus_mb']:>9.0f} {mf['msgs_per_s']:>14.0f} {mf['seconds']:>8.1f} "
            f"{mf['peak_rss_mb']:>11.1f} {mf['actions_applied']:>8} "
            + (
                f"{mb['msgs_per_s']:>12.0f} {mb['seconds']:>8.1f} {r['ratio_mailflow_to_mbsync']:>6.2f}"
                if mb
                else f"{'-':>12} {'-':>8} {'-':>6}"
            )
        )
    lines.append(
        f"(targets from the issue, not asserted: >= {TARGET_RATE:.0f} msg/s, faster than mbsync, "
        f"peak RSS < {TARGET_RSS_MB:.0f} MB and flat as the mailbox grows)"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark one mailflow pass over a Dovecot mailbox against mbsync.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            examples:
              python bench/pipeline_bench.py --count 10000 --count 50000 --json results.json
              python bench/pipeline_bench.py --count 10000 --profile
        """),
    )
    parser.add_argument(
        "--count",
        type=int,
        action="append",
        metavar="N",
        help="messages in the mailbox; repeat for several sizes (default 10000)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every number to FILE")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run a phase-timed pass and a cProfile pass (top 25 by cumulative time)",
    )
    parser.add_argument("--profile-out", type=Path, metavar="FILE", help="save the raw cProfile stats to FILE")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES, help=f"rules file (default {DEFAULT_RULES.name})")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--batch-size", type=int, default=250, help="pipeline and IMAP batch size (default 250)")
    parser.add_argument(
        "--write-every",
        type=int,
        metavar="N",
        help="messages whose keyword changes and moves are held per write (default: AccountPass's, 10000)",
    )
    parser.add_argument("--skip-mbsync", action="store_true", help="measure mailflow only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (corpus, Maildirs, logs)")
    parser.add_argument("--child", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.count = args.count or [10000]
    if any(n <= 0 for n in args.count):
        parser.error("--count must be positive")
    if args.profile_out:
        args.profile_out = args.profile_out.resolve()
    args.rules = args.rules.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args.child)
    if not os.path.exists(MBSYNC) and not args.skip_mbsync:
        raise SystemExit(f"{MBSYNC} is missing: apt-get install isync (or pass --skip-mbsync)")
    results: list[dict[str, Any]] = []
    with workspace(args.keep) as workdir:
        boxes = Mailboxes(workdir)
        boxes.start()
        try:
            for count in args.count:
                results.append(bench_one(boxes, count, args, workdir))
        finally:
            boxes.stop()
    print("\n" + summary_table(results))
    if args.json:
        meta = {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "mbsync": mbsync_version(),
            "rules": str(args.rules),
            "batch_size": args.batch_size,
            "write_every": args.write_every,
            "seed": args.seed,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
