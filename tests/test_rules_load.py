"""Loading and validating rules files: every problem, with its file, line, rule and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.errors import Problem, RulesError, RulesSchemaError, RulesSyntaxError
from mailflow.rules import check_rules, load_rules
from mailflow.rules.durations import DurationError, parse_duration

REPO = Path(__file__).resolve().parent.parent

RULE = '[[rule]]\nname = "r"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dana.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[Problem]:
    """The problems of ``text``; load_rules must raise them all, and check_rules return the same."""
    path = write(tmp_path, text)
    with pytest.raises(RulesSchemaError) as raised:
        load_rules(path)
    assert check_rules(path) == raised.value.problems
    return raised.value.problems


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line of ``text`` containing ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


# -- files that load -------------------------------------------------------------------


def test_the_repo_example_loads_with_its_lists_templates_and_rules() -> None:
    path = REPO / "rules" / "dana.toml"
    rules = load_rules(path)
    text = path.read_text(encoding="utf-8")
    assert check_rules(path) == []
    assert rules.path == path and rules.version == 1
    assert sorted(rules.lists) == ["vip"] and sorted(rules.templates) == ["ack"]
    assert [r.name for r in rules.rules] == [
        "VIP mail is urgent",
        "Newsletters leave the inbox",
        "Invoices go to bookkeeping",
    ]
    assert [r.line for r in rules.rules] == [line_of(text, "[[rule]]", n) for n in (1, 2, 3)]
    assert [r.stop for r in rules.rules] == [False, True, False]
    assert rules.template("ack") is rules.templates["ack"]


def test_an_unknown_template_name_is_a_key_error() -> None:
    rules = load_rules(REPO / "rules" / "dana.toml")
    with pytest.raises(KeyError, match="thanks"):
        rules.template("thanks")


def test_a_file_with_only_a_version_has_no_rules(tmp_path: Path) -> None:
    assert load_rules(write(tmp_path, "version = 1\n")).rules == []


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbfversion = 1\n")
    assert load_rules(path).version == 1


def test_rules_may_be_written_with_expanded_tables(tmp_path: Path) -> None:
    text = (
        'version = 1\n[[rule]]\nname = "r"\n[rule.when]\nsubject.contains = "x"\n'
        '[rule.when.header]\nname = "X-A"\nexists = true\n[[rule.then]]\nlabel = "A"\n[[rule.then]]\nstop = true\n'
    )
    rule = load_rules(write(tmp_path, text)).rules[0]
    assert [(a.kind, a.params) for a in rule.actions] == [("label", {"labels": ["A"]})] and rule.stop


# -- each kind of problem, at its exact line ----------------------------------------------


def test_an_unknown_key_is_reported_at_its_line_with_rule_and_key(tmp_path: Path) -> None:
    text = (
        'version = 1\n\n[[rule]]\nname = "VIP"\nwhen = { from = "a@b.example" }\n'
        'then = [ { label = "X" } ]\n\n\n[[rule]]\nname = "Second"\n'
        'when = { subjct = "hello" }\nthen = [ { label = "Y" } ]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (line_of(text, "subjct"), "Second", "when.subjct")
    assert problem.line == 11
    assert problem.message == "unknown key 'subjct'; did you mean 'subject'?"
    assert str(problem) == f"{tmp_path / 'dana.toml'}:11: rule 'Second': key 'when.subjct': {problem.message}"


@pytest.mark.parametrize(
    ("body", "needle", "key"),
    [
        ('nmae = "x"\nthen = [ { flag = true } ]\n', "nmae", "nmae"),
        ('then = [ { flag = true } ]\ncolor = "red"\n', "color", "color"),
        ('then = [ { flag = true, label = "x" } ]\n', "flag = true, label", "then[0]"),
        ('then = [ { flag = true }, { lable = "x" } ]\n', "lable", "then[1].lable"),
        (
            'when = { header = { name = "X-A", exist = true } }\nthen = [ { flag = true } ]\n',
            "exist",
            "when.header.exist",
        ),
        (
            'when = { not = { any = [ { from = { is = "a@b.example", domian = "x" } } ] } }\n'
            "then = [ { flag = true } ]\n",
            "domian",
            "when.not.any[0].from.domian",
        ),
        ('then = [ { draft_reply = { text = "hi", cc = true } } ]\n', "cc = true", "then[0].draft_reply.cc"),
    ],
)
def test_unknown_keys_anywhere_in_a_rule_are_reported(tmp_path: Path, body: str, needle: str, key: str) -> None:
    text = 'version = 1\n# a comment\n\n[[rule]]\nname = "r"\n' + body
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (line_of(text, needle), "r", key)
    assert problem.message.startswith(f"unknown key {key.rpartition('.')[2]!r}") or key == "then[0]"


def test_an_unknown_top_level_key_is_reported(tmp_path: Path) -> None:
    problem = only(problems(tmp_path, "version = 1\n\nrules = []\n"))
    assert (problem.line, problem.rule, problem.key) == (3, None, "rules")
    assert "did you mean 'rule'?" in problem.message


def test_a_bad_regex_is_reported_with_the_regex_at_its_line(tmp_path: Path) -> None:
    text = (
        "version = 1\n" + RULE + 'then = [ { flag = true } ]\n\n[[rule]]\nname = "Invoices"\n'
        'when = { any = [\n  { from = "a@b.example" },\n  { subject = { matches = "^invoice #(\\\\d+" } },\n] }\n'
        "then = [ { flag = true } ]\n"
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (10, "Invoices", "when.any[1].subject.matches")
    assert problem.message.startswith("bad regular expression '^invoice #(\\\\d+': missing )")


def test_a_bad_regex_in_a_list_of_regexes_is_reported(tmp_path: Path) -> None:
    text = "version = 1\n" + RULE + 'when = { body = { matches = ["ok", "[z-a]"] } }\nthen = [ { flag = true } ]\n'
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.key) == (4, "when.body.matches[1]") and "'[z-a]'" in problem.message


def test_an_undefined_template_is_reported(tmp_path: Path) -> None:
    text = (
        'version = 1\n[templates]\nack = "Hi"\n\n' + RULE + 'when = { subject = "x" }\n'
        'then = [ { label = "A" },\n  { draft_reply = { template = "thanks" } } ]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (9, "r", "then[1].draft_reply.template")
    assert problem.message == "template 'thanks' is not defined in [templates] (defined: ack)"


def test_an_undefined_list_is_reported(tmp_path: Path) -> None:
    text = "version = 1\n\n" + RULE + 'when = { cc = { in = "vips" } }\nthen = [ { flag = true } ]\n'
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (5, "r", "when.cc.in")
    assert problem.message == "list 'vips' is not defined in [lists] (defined: none)"


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("version = 2\n", 1, "version", "version 2 is not supported; this mailflow reads version 1"),
        ('# rules\n\nversion = "1"\n', 3, "version", "version expects the number 1, got '1'"),
        ("version = true\n", 1, "version", "version expects the number 1, got true"),
        ("[lists]\nvip = []\n", 1, None, "the file needs version = 1 at the top"),
    ],
)
def test_a_missing_or_wrong_version_is_reported(
    tmp_path: Path, text: str, line: int, key: str | None, message: str
) -> None:
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key, problem.message) == (line, None, key, message)


@pytest.mark.parametrize(
    ("action", "key", "message"),
    [
        ('{ flag = "yes" }', "then[0].flag", "flag expects true or false, got 'yes'"),
        ("{ mark_read = 1 }", "then[0].mark_read", "mark_read expects true or false, got 1"),
        ("{ label = 3 }", "then[0].label", "label expects a label name or a list of them, got 3"),
        ("{ label = [] }", "then[0].label", "label expects a label name or a list of them, got an empty list"),
        ('{ label = ["A", 2] }', "then[0].label[1]", "label[1] expects a label name, got 2"),
        ('{ move = "" }', "then[0].move", "move expects a folder name, got an empty text"),
        (
            "{ archive = false }",
            "then[0].archive",
            "archive only accepts true; remove it to keep the message where it is",
        ),
        ('{ stop = "yes" }', "then[0].stop", "stop expects true, got 'yes'"),
        (
            "{ log_time = 2 }",
            "then[0].log_time",
            'log_time expects a duration like "2m" or "1h30m", got 2; write a unit, like "2m"',
        ),
        (
            '{ log_time = "2 weeks" }',
            "then[0].log_time",
            'log_time expects a duration like "2m", "1h30m" or "1.5h", got \'2 weeks\'',
        ),
        (
            '{ log_time = { activity = "x" } }',
            "then[0].log_time",
            'log_time needs a duration, like { duration = "2m" }',
        ),
        ('{ log_time = { duration = "30h" } }', "then[0].log_time.duration", "duration must be at most 24h, got '30h'"),
        (
            '{ draft_reply = "ack" }',
            "then[0].draft_reply",
            "draft_reply expects a table like { template = \"ack\" }, got 'ack'",
        ),
        (
            '{ draft_reply = { text = "x", quote = "no" } }',
            "then[0].draft_reply.quote",
            "quote expects true or false, got 'no'",
        ),
        (
            "{ draft_reply = { reply_all = true } }",
            "then[0].draft_reply",
            'draft_reply needs either template = "name" or text = "...", not both',
        ),
        ('"label"', "then[0]", "each action is a table with one key, like { label = \"X\" }; got 'label'"),
    ],
)
def test_wrong_types_in_actions_are_reported(tmp_path: Path, action: str, key: str, message: str) -> None:
    text = "version = 1\n" + RULE + f"then = [\n  {action},\n]\n"
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key, problem.message) == (5, "r", key, message)


@pytest.mark.parametrize(
    ("when", "key", "message"),
    [
        ('{ from = "ceo" }', "when.from", "'ceo' is not an email address"),
        (
            '{ from = { is = "@board.example" } }',
            "when.from.is",
            "'@board.example' is not an email address (for a whole domain write { domain = \"...\" })",
        ),
        ('{ from = { domain = "not a domain" } }', "when.from.domain", "'not a domain' is not a domain"),
        ("{ from = 3 }", "when.from", 'from expects an address or a table like { domain = "..." }, got 3'),
        ("{ from = {} }", "when.from", "from needs an operator: is, contains, matches, domain, in, name, local"),
        ("{ subject = true }", "when.subject", 'subject expects a text or a table like { contains = "..." }, got true'),
        (
            "{ subject = { matches = 3 } }",
            "when.subject.matches",
            "matches expects a regular expression or a list of them, got 3",
        ),
        (
            '{ category = "spam" }',
            "when.category",
            # triage has seven categories now (receipt, scheduling, cold_outreach added), listed sorted
            "unknown category 'spam'; known: cold_outreach, invite, newsletter, notification, personal, receipt, "
            "scheduling",
        ),
        (
            '{ has_attachment = "yes" }',
            "when.has_attachment",
            "has_attachment expects true, false or a table like "
            '{ name = "*.pdf", type = "application/pdf" }, got \'yes\'',
        ),
        ('{ header = { name = "X-A" } }', "when.header", "header needs one of: is, contains, matches, exists"),
        (
            "{ header = { exists = true } }",
            "when.header",
            'header needs a name, like { name = "X-Foo", exists = true }',
        ),
        (
            '{ header = { name = "X-A", exists = true, is = "1" } }',
            "when.header.exists",
            "exists cannot be combined with is, contains or matches",
        ),
        ("{ any = [] }", "when.any", "any expects a list of condition tables, got an empty list"),
        (
            '{ all = [ { subject = "a" }, "b" ] }',
            "when.all[1]",
            "all[1] expects a table with at least one condition, got 'b'",
        ),
        ("{ not = {} }", "when.not", "not expects a table with at least one condition, got a table"),
        ('"everything"', "when", "when expects a table of conditions, got 'everything'"),
    ],
)
def test_wrong_types_in_conditions_are_reported(tmp_path: Path, when: str, key: str, message: str) -> None:
    text = "version = 1\n" + RULE + f"when = {when}\nthen = [ {{ flag = true }} ]\n"
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key, problem.message) == (4, "r", key, message)


def test_an_unknown_key_and_a_bad_regex_are_reported_together(tmp_path: Path) -> None:
    text = (
        'version = 1\n\n[[rule]]\nname = "A"\nwhen = { subject = { matches = "(" } }\nthen = [ { flag = true } ]\n'
        '\n[[rule]]\nname = "B"\nwhen = { form = "x@y.example" }\nthen = [ { flag = true } ]\n'
    )
    found = problems(tmp_path, text)
    assert [(p.line, p.rule, p.key) for p in found] == [(5, "A", "when.subject.matches"), (10, "B", "when.form")]
    assert "'('" in found[0].message and "did you mean 'from'?" in found[1].message


def test_all_problems_of_a_file_are_collected_in_line_order(tmp_path: Path) -> None:
    text = (REPO / "tests" / "rules_golden" / "broken.toml").read_text(encoding="utf-8")
    found = problems(tmp_path, text)
    expected = [
        (line_of(text, "colour"), None, "colour"),
        (line_of(text, '"board.example"'), None, "lists.vip[1]"),
        (line_of(text, '"board.example"'), None, "lists.vip[2]"),
        (line_of(text, "Thanks {{ client.name }"), None, "templates.ack"),
        (line_of(text, "clinet"), None, "templates.oops"),
        (line_of(text, "vipp"), "VIP", "when.subjct"),
        (line_of(text, "vipp"), "VIP", "when.from.in"),
        (line_of(text, '"yes"'), "VIP", "then[1].flag"),
        (line_of(text, '"2 minutes"'), "VIP", "then[2].log_time"),
        (line_of(text, "(?i)^invoice"), "Invoices", "when.any[0].subject.matches"),
        (line_of(text, "size = 3"), "Invoices", "when.any[1].has_attachment.size"),
        (line_of(text, '"thanks"'), "Invoices", "then[1].draft_reply.template"),
        (line_of(text, "activty"), "Invoices", "then[2].log_time.activty"),
        (line_of(text, "newsleter"), "Expanded", "when.category"),
        (line_of(text, "contains = 4"), "Expanded", "when.header.contains"),
        (line_of(text, "flag = 1"), "Expanded", "then[1].flag"),
        (line_of(text, "[[rule]]", 4), "#4", None),
        (line_of(text, 'matches = "a)"'), "#4", "when.subject.matches"),
        (line_of(text, "stop = false"), "#4", "then[0].stop"),
    ]
    assert [(p.line, p.rule, p.key) for p in found] == expected
    assert all(p.file == str(tmp_path / "dana.toml") for p in found)


def test_a_template_syntax_error_is_reported_at_its_line_inside_the_template(tmp_path: Path) -> None:
    text = (
        'version = 1\n\n[templates]\nack = """\nHi {{ sender.first_name }},\n\n{% if client.name %}\n'
        'Thanks {{ client.name }\n"""\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (8, None, "templates.ack")
    assert problem.message.startswith("template does not compile: unexpected '}'")


def test_a_template_using_an_unknown_variable_is_reported(tmp_path: Path) -> None:
    text = "version = 1\n" + RULE + 'then = [ { draft_reply = { text = "Dear {{ recipient.name }}" } } ]\n'
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.key) == (4, "then[0].draft_reply.text")
    assert "unknown variable 'recipient'" in problem.message


def test_a_template_that_does_not_compile_is_not_reported_again_where_it_is_used(tmp_path: Path) -> None:
    text = 'version = 1\n[templates]\nack = "{% if %}"\n' + RULE + 'then = [ { draft_reply = { template = "ack" } } ]\n'
    assert [p.key for p in problems(tmp_path, text)] == ["templates.ack"]


def test_an_invalid_list_entry_is_reported_once_not_again_where_it_is_used(tmp_path: Path) -> None:
    text = (
        'version = 1\n[lists]\nvip = [\n  "a@b.example",\n  "just-a-name",\n]\n'
        + RULE
        + 'when = { from = { in = "vip" } }\nthen = [ { flag = true } ]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.key) == (5, "lists.vip[1]")


def test_rules_need_a_name_and_unique_names_and_actions(tmp_path: Path) -> None:
    text = (
        'version = 1\n[[rule]]\nthen = [ { flag = true } ]\n[[rule]]\nname = "A"\n'
        'then = [ { flag = true } ]\n[[rule]]\nname = "A"\nthen = [ { flag = true } ]\n'
        '[[rule]]\nname = "B"\nwhen = { subject = "x" }\n[[rule]]\nname = "C"\nthen = []\n'
    )
    found = problems(tmp_path, text)
    assert [(p.line, p.rule, p.key) for p in found] == [
        (2, "#1", None),
        (8, "A", "name"),
        (10, "B", None),
        (15, "C", "then"),
    ]
    assert "already has this name" in found[1].message


def test_a_rule_header_inside_a_template_does_not_shift_the_rule_lines(tmp_path: Path) -> None:
    text = (
        'version = 1\n[templates]\nack = """\n[[rule]]\nname = "fake"\n"""\n'
        '[[rule]]\nname = "real"  # [[rule]]\nwhen = { subject = { matches = "(" } }\nthen = [ { flag = true } ]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule) == (9, "real")


def test_keys_in_string_values_do_not_confuse_the_line_search(tmp_path: Path) -> None:
    text = (
        "version = 1\n" + RULE + 'when = { all = [\n  { subject = "matches = (" },\n'
        '  { subject = { matches = "(" } },\n] }\nthen = [ { flag = true } ]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.key) == (6, "when.all[1].subject.matches")


def test_inline_rule_arrays_get_their_element_lines(tmp_path: Path) -> None:
    text = (
        'version = 1\nrule = [\n  { name = "one", then = [ { flag = true } ] },\n'
        '  { name = "two", then = [ { flag = "on" } ] },\n]\n'
    )
    problem = only(problems(tmp_path, text))
    assert (problem.line, problem.rule, problem.key) == (4, "two", "then[0].flag")


# -- files that are not rules files at all -----------------------------------------------


def test_a_toml_syntax_error_is_reported_at_its_line(tmp_path: Path) -> None:
    text = 'version = 1\n\n[[rule]]\nname = "r"\nwhen = { subject = "x" \nthen = []\n'
    path = write(tmp_path, text)
    with pytest.raises(RulesSyntaxError) as raised:
        load_rules(path)
    problem = only(raised.value.problems)
    assert problem.line == 5 and problem.message.startswith("not valid TOML: ")
    assert "(at line" not in problem.message
    assert check_rules(path) == [problem]


def test_a_syntax_error_at_the_end_of_the_file_is_reported_at_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'version = 1\nack = """\nHi\n')
    (problem,) = check_rules(path)
    assert problem.line == 4 and "not valid TOML" in problem.message


def test_a_file_that_is_not_utf8_is_a_syntax_error_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'version = 1\n\n[[rule]]\nname = "Caf\xe9"\n')
    with pytest.raises(RulesSyntaxError) as raised:
        load_rules(path)
    assert raised.value.problems[0].line == 4


def test_check_rules_never_raises_for_a_missing_file(tmp_path: Path) -> None:
    (problem,) = check_rules(tmp_path / "nope.toml")
    assert problem.line is None and "cannot read" in problem.message
    with pytest.raises(RulesError):
        load_rules(tmp_path / "nope.toml")


def test_check_rules_returns_nothing_for_a_good_file() -> None:
    assert check_rules(REPO / "rules" / "dana.toml") == []


# -- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("2m", 120),
        ("1h", 3600),
        ("1h30m", 5400),
        ("1.5h", 5400),
        ("1h 30m 15s", 5415),
        (" 2M ", 120),
        ("0.5m", 30),
        ("24h", 86400),
    ],
)
def test_durations_are_read_as_whole_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2", "2 minutes", "m", "30m1h", "1h1h", "0s", "0.4s", "25h", "-1m", "1d"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)
