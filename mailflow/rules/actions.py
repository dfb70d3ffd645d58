"""Validating a rule's ``then`` list into action specs.

Each item is a table with exactly one key:

=================  ==================================================  ==========================================
item               written                                             planned params
=================  ==================================================  ==========================================
``label``          ``"X"`` or ``["X", "Y"]``                           ``{"labels": ["X", "Y"]}``
``move``           ``"Folder"``                                        ``{"folder": "Folder"}``
``archive``        ``true``                                            ``{}``
``flag``           ``true`` / ``false``                                ``{"on": bool}``
``mark_read``      ``true`` / ``false``                                ``{"on": bool}``
``draft_reply``    ``{ template = "ack" }`` or ``{ text = "..." }``,   ``{"template", "text", "reply_all", "quote"}``
                   optional ``reply_all`` (false), ``quote`` (true)
``log_time``       ``"2m"`` or ``{ duration = "1h30m",                 ``{"seconds": int, "activity": str}``
                   activity = "bookkeeping" }``                        (activity defaults to ``"email"``)
``propose_meeting`` ``true`` or ``{ duration, within, slots,          ``{"duration", "within_days", "business",
                   hold_for, vip }``                                   "slots", "hold_for"[, "vip"]}``
``book``           ``propose_meeting``'s options and ``otherwise``      those and ``"otherwise"``
                   (``"propose"`` or ``"leave"``)
``answer_invitation`` ``true`` or ``{ accept, on_conflict }``           ``{"accept": bool[, "on_conflict"]}``
``stop``           ``true``                                            not planned: ends evaluation
=================  ==================================================  ==========================================

``forward`` and ``notify`` are described at their parsers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from .addresses import AddressList, domain_parents
from .diagnostics import (
    Path,
    Report,
    check_keys,
    describe,
    expect_bool,
    expect_choice,
    expect_table,
    expect_text,
    expect_texts,
    expect_true,
)
from .durations import DurationError, parse_duration
from .nodes import ActionSpec
from .templates import compile_template, unknown_variables

ACTION_KEYS = (
    "label",
    "unlabel",
    "move",
    "archive",
    "flag",
    "unflag",
    "mark_read",
    "mark_unread",
    "draft_reply",
    "forward",
    "notify",
    "propose_meeting",
    "book",
    "answer_invitation",
    "log_time",
    "stop",
)
_WITHIN = re.compile(r"^\s*(\d+)\s*(business\s+days?|working\s+days?|days?|weeks?)\s*$", re.I)
# Written as their own keys, planned as the other state of a kind: { unflag = true } is flag off.
_OPPOSITES = {"unflag": "flag", "mark_unread": "mark_read"}
DEFAULT_ACTIVITY = "email"
_CONFLICT = ("leave", "decline")  # answer_invitation's on_conflict
_OTHERWISE = ("propose", "leave")  # book's otherwise


def check_template(report: Report, source: str, path: Path, name: str | None) -> jinja2.Template | None:
    """Compile a template, reporting a syntax error (at its line) or an unknown variable."""
    try:
        template = compile_template(source, name)
    except jinja2.TemplateSyntaxError as exc:
        report.error(
            path, f"template does not compile: {exc.message} (template line {exc.lineno})", inner_line=exc.lineno
        )
        return None
    unknown = unknown_variables(source)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        report.error(
            path, f"template uses unknown variable {names}; templates can use sender, message, client and assistant"
        )
        return None
    return template


class ActionParser:
    """Turns ``then`` lists into :class:`~mailflow.rules.nodes.ActionSpec` tuples, reporting problems."""

    def __init__(
        self, report: Report, templates: Mapping[str, jinja2.Template | None], forward_to: Sequence[str] = ()
    ) -> None:
        self.report = report
        self.templates = templates  # None for a template that exists but does not compile
        self.inline: dict[str, jinja2.Template] = {}  # compiled inline draft texts, by source
        self.forward_to = AddressList.build("forward_to", forward_to)  # the client's allow-list, from the config
        self.forward_entries = tuple(forward_to)

    def parse_then(self, value: object, path: Path) -> tuple[tuple[ActionSpec, ...], bool] | None:
        """The rule's actions and whether it stops evaluation."""
        if not isinstance(value, list) or not value:
            got = "an empty list" if isinstance(value, list) else describe(value)
            self.report.error(path, f'then expects a list of actions like [ {{ label = "X" }} ], got {got}')
            return None
        specs: list[ActionSpec] = []
        stop = False
        ok = True
        for i, item in enumerate(value):
            where = (*path, i)
            if not isinstance(item, Mapping) or len(item) != 1:
                what = f"a table with {len(item)} keys" if isinstance(item, Mapping) else describe(item)
                self.report.error(where, f'each action is a table with one key, like {{ label = "X" }}; got {what}')
                ok = False
                continue
            ((key, arg),) = item.items()
            if not check_keys(self.report, item, ACTION_KEYS, where):
                ok = False
                continue
            if key == "stop":
                stop = expect_true(self.report, arg, (*where, key), "remove it to let later rules run") or stop
                ok = ok and arg is True
                continue
            params = self._params(key, arg, (*where, key))
            if params is None:
                ok = False
            else:
                specs.append(ActionSpec(i, _OPPOSITES.get(str(key), str(key)), params))
        return (tuple(specs), stop) if ok else None

    def _params(self, kind: str, arg: Any, path: Path) -> dict[str, Any] | None:
        report = self.report
        if kind in ("label", "unlabel"):
            labels = expect_texts(report, arg, path, "a label name")
            return None if labels is None else {"labels": [label.strip() for label in labels]}
        if kind in _OPPOSITES:
            return {"on": False} if expect_true(report, arg, path, "remove it to leave the state as it is") else None
        if kind == "move":
            folder = expect_text(report, arg, path, "a folder name")
            return None if folder is None else {"folder": folder.strip()}
        if kind == "archive":
            return {} if expect_true(report, arg, path, "remove it to keep the message where it is") else None
        if kind in ("flag", "mark_read"):
            on = expect_bool(report, arg, path)
            return None if on is None else {"on": on}
        if kind == "draft_reply":
            return self._draft(arg, path)
        if kind == "notify":
            return self._notify(arg, path)
        if kind == "forward":
            return self._forward(arg, path)
        if kind == "propose_meeting":
            return self._propose(arg, path)
        if kind == "book":
            return self._book(arg, path)
        if kind == "answer_invitation":
            return self._answer_invitation(arg, path)
        return self._log_time(arg, path)

    def _answer_invitation(self, arg: Any, path: Path) -> dict[str, Any] | None:
        """``true`` or ``{ accept = true, on_conflict = "leave" | "decline" }``."""
        if arg is True:
            arg = {}
        table = expect_table(self.report, arg, path, 'true or a table like { accept = false, on_conflict = "decline" }')
        if table is None or not check_keys(self.report, table, ("accept", "on_conflict"), path):
            return None
        accept = expect_bool(self.report, table.get("accept", True), (*path, "accept"))
        on_conflict = expect_choice(self.report, table.get("on_conflict", "leave"), (*path, "on_conflict"), _CONFLICT)
        if on_conflict is None or accept is None:
            return None
        return {"accept": accept} if on_conflict == "leave" else {"accept": accept, "on_conflict": on_conflict}

    def _book(self, arg: Any, path: Path) -> dict[str, Any] | None:
        """``propose_meeting``'s options plus ``otherwise = "propose" | "leave"``: what to do when the time is taken."""
        if arg is True:
            arg = {}
        table = expect_table(self.report, arg, path, 'true or a table like { duration = "30m", otherwise = "leave" }')
        if table is None:
            return None
        params = self._propose(table, path, extra=("otherwise",))
        otherwise = expect_choice(self.report, table.get("otherwise", "propose"), (*path, "otherwise"), _OTHERWISE)
        return None if params is None or otherwise is None else {**params, "otherwise": otherwise}

    def _propose(self, arg: Any, path: Path, extra: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """``{ duration = "30m", within = "5 business days", slots = 3, hold_for = "3d" }`` (all optional).

        ``extra`` keys are allowed and left to the caller.
        """
        if arg is True:
            arg = {}
        table = expect_table(self.report, arg, path, 'a table like { duration = "30m", slots = 3 }')
        keys = ("duration", "within", "slots", "hold_for", "vip")
        if table is None or not check_keys(self.report, table, (*keys, *extra), path):
            return None
        params: dict[str, Any] = {"duration": None, "within_days": 10, "business": True, "slots": 3}
        params["hold_for"] = 3 * 86400
        ok = True
        for key in ("duration", "hold_for"):
            if key in table:
                text = table[key]
                try:
                    seconds = _days_or_duration(text) if isinstance(text, str) else None
                except DurationError as exc:
                    self.report.error((*path, key), f"{key} {exc}")
                    ok = False
                    continue
                if seconds is None or seconds <= 0:
                    self.report.error(
                        (*path, key), f'{key} expects a duration like "30m" or "3d", got {describe(text)}'
                    )
                    ok = False
                else:
                    params[key] = seconds
        if "within" in table:
            m = _WITHIN.match(table["within"]) if isinstance(table["within"], str) else None
            if m is None:
                got = describe(table["within"])
                self.report.error(
                    (*path, "within"), f'within expects "5 business days", "10 days" or "2 weeks", got {got}'
                )
                ok = False
            else:
                n, unit = int(m.group(1)), m.group(2).lower()
                params["business"] = unit.startswith(("business", "working"))
                params["within_days"] = n * 7 if unit.startswith("week") else n
        if "vip" in table:
            vip = expect_bool(self.report, table["vip"], (*path, "vip"))
            ok = ok and vip is not None
            params["vip"] = bool(vip)
        if "slots" in table:
            n = table["slots"]
            if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10:
                self.report.error((*path, "slots"), f"slots expects a number from 1 to 10, got {describe(n)}")
                ok = False
            else:
                params["slots"] = n
        return params if ok else None

    def _text_or_template(self, table: Mapping[str, Any], path: Path, what: str) -> dict[str, Any] | None:
        """``{"template": name, "text": None}`` or ``{"template": None, "text": source}``, checked and compiled."""
        if ("template" in table) == ("text" in table):
            self.report.error(path, f'{what} needs either template = "name" or text = "...", not both')
            return None
        if "template" in table:
            name = expect_text(self.report, table["template"], (*path, "template"), "a template name")
            if name is None:
                return None
            if name not in self.templates:
                known = ", ".join(sorted(self.templates)) or "none"
                self.report.error(
                    (*path, "template"), f"template {name!r} is not defined in [templates] (defined: {known})"
                )
                return None
            return {"template": name, "text": None} if self.templates[name] is not None else None
        text = expect_text(self.report, table["text"], (*path, "text"), "the text")
        if text is None:
            return None
        compiled = check_template(self.report, text, (*path, "text"), None)
        if compiled is None:
            return None
        self.inline[text] = compiled
        return {"template": None, "text": text}

    def _notify(self, arg: Any, path: Path) -> dict[str, Any] | None:
        """``notify = "text"`` or ``{ text = "..." }`` / ``{ template = "name" }``: a notice for the assistant."""
        if isinstance(arg, str):
            arg = {"text": arg}
        table = expect_table(self.report, arg, path, '"the notice text" or a table like { template = "vip" }')
        if table is None or not check_keys(self.report, table, ("text", "template"), path):
            return None
        return self._text_or_template(table, path, "notify")

    def _forward(self, arg: Any, path: Path) -> dict[str, Any] | None:
        """``forward = "a@b"`` / ``["a@b", ...]`` or ``{ to = ..., text = "note" }``: only to the allow-list."""
        if isinstance(arg, str | list):
            arg = {"to": arg}
        table = expect_table(self.report, arg, path, '"an address" or a table like { to = "a@b", text = "note" }')
        if table is None or not check_keys(self.report, table, ("to", "text", "template"), path):
            return None
        if "to" not in table:
            self.report.error(path, 'forward needs to = "address" (or a list of addresses)')
            return None
        recipients = expect_texts(self.report, table["to"], (*path, "to"), "an address")
        if recipients is None:
            return None
        ok = True
        for address in recipients:
            email = address.strip().lower()
            if "@" not in email or email.startswith("@"):
                self.report.error((*path, "to"), f"{address!r} is not an address; write it in full, like a@b.example")
                ok = False
            elif not self.forward_to.contains(email, domain_parents(email.rpartition("@")[2])):
                allowed = ", ".join(self.forward_entries) or "none"
                self.report.error(
                    (*path, "to"),
                    f"{address!r} is not on this client's forward_to allow-list in the config (allowed: {allowed}); "
                    "a rule can only forward to addresses listed there",
                )
                ok = False
        note: dict[str, Any] = {"template": None, "text": None}
        if "text" in table or "template" in table:
            found = self._text_or_template(table, path, "forward")
            ok = ok and found is not None
            note = found or note
        if not ok:
            return None
        return {"to": sorted({a.strip().lower() for a in recipients}), **note}

    def _draft(self, arg: Any, path: Path) -> dict[str, Any] | None:
        table = expect_table(self.report, arg, path, 'a table like { template = "ack" }')
        if table is None:
            return None
        ok = check_keys(self.report, table, ("template", "text", "reply_all", "quote"), path)
        params: dict[str, Any] = {"template": None, "text": None, "reply_all": False, "quote": True}
        for key in ("reply_all", "quote"):
            if key in table:
                on = expect_bool(self.report, table[key], (*path, key))
                ok = ok and on is not None
                params[key] = on
        if ("template" in table) == ("text" in table):
            self.report.error(path, 'draft_reply needs either template = "name" or text = "...", not both')
            return None
        if "template" in table:
            name = expect_text(self.report, table["template"], (*path, "template"), "a template name")
            if name is None:
                return None
            if name not in self.templates:
                known = ", ".join(sorted(self.templates)) or "none"
                self.report.error(
                    (*path, "template"), f"template {name!r} is not defined in [templates] (defined: {known})"
                )
                return None
            params["template"] = name
            return params if ok and self.templates[name] is not None else None
        text = expect_text(self.report, table["text"], (*path, "text"), "the text of the reply")
        if text is None:
            return None
        compiled = check_template(self.report, text, (*path, "text"), None)
        if compiled is None:
            return None
        self.inline[text] = compiled
        params["text"] = text
        return params if ok else None

    def _log_time(self, arg: Any, path: Path) -> dict[str, Any] | None:
        activity = DEFAULT_ACTIVITY
        where = path
        if isinstance(arg, Mapping):
            ok = check_keys(self.report, arg, ("duration", "activity"), path)
            if "activity" in arg:
                found = expect_text(self.report, arg["activity"], (*path, "activity"), "an activity name")
                ok = ok and found is not None
                activity = (found or "").strip()
            if "duration" not in arg:
                self.report.error(path, 'log_time needs a duration, like { duration = "2m" }')
                return None
            arg, where = arg["duration"], (*path, "duration")
            if not ok:
                return None
        if not isinstance(arg, str):
            number = isinstance(arg, int | float) and not isinstance(arg, bool)
            hint = f'; write a unit, like "{arg}m"' if number else ""
            self.report.error(where, f'{where[-1]} expects a duration like "2m" or "1h30m", got {describe(arg)}{hint}')
            return None
        try:
            seconds = parse_duration(arg)
        except DurationError as exc:
            self.report.error(where, f"{where[-1]} {exc}")
            return None
        return {"seconds": seconds, "activity": activity}


def _days_or_duration(text: str) -> int:
    """``"3d"`` or a duration like ``"30m"``, ``"1h"`` as seconds."""
    m = re.fullmatch(r"\s*(\d+)\s*d\s*", text)
    return int(m.group(1)) * 86400 if m else parse_duration(text)
