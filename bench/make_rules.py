"""Write ``bench/rules_100.toml``: a realistic 100-rule rules file for the benchmark client.

The rules are what an assistant would plausibly keep for Dana Whitfield (the
executive that ``bench/corpus.py`` imitates): address lists, per-sender and
per-domain labels, subject regexes, header tests, category tests, a few body
searches, ``any``/``all``/``not`` nesting, and every kind of action (label,
flag, mark_read, move, log_time, draft_reply with a template, stop). They are
written against the senders, subjects and headers the corpus produces, so a
good share of them match.

Run it after editing the rule list below; the output is checked in::

    python bench/make_rules.py            # writes bench/rules_100.toml
    python bench/make_rules.py --check    # exit 1 if the file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import _WORK_DOMAINS

OUT = Path(__file__).with_name("rules_100.toml")

LISTS: dict[str, list[str]] = {
    "vip": ["ceo@bigcorp.example", "@board.example"],
    "board": ["r.okafor@board.example", "hpark@board.example", "l.ortega@board.example"],
    "assistant": ["sam@rivera-va.example"],
    "leadership": ["tom.becker@acme.example", "ceo@bigcorp.example"],
    "vendors": [
        "accounts@brightline.example",
        "billing@northpeak.example",
        "invoices@summitlegal.example",
        "office@clearwater.example",
        "ar@orbitprint.example",
        "billing@keystone-it.example",
        "finance@harbortrans.example",
        "invoice@pinecrest.example",
    ],
    "newsletters": [
        "hello@digest.example",
        "crew@markets.example",
        "deals@travel.example",
        "news@saasweekly.example",
        "letters@lead.example",
        "memo@finmemo.example",
        "daily@producthunt.example",
        "events@cityarts.example",
    ],
    "family": ["@gmail.example", "@icloud.example", "@fastmail.example"],
    "partners": ["@northwind.example", "@contoso.example", "@fabrikam.example", "@globex.example"],
    "legal": ["@lawfirm.example", "invoices@summitlegal.example"],
    "investors": ["@vcpartners.example", "*@*.capital.example"],
    "machines": ["no-reply@*", "noreply@*", "*-notification@*", "notifications@github.com"],
}

TEMPLATES: dict[str, str] = {
    "ack": (
        "Hi {{ sender.first_name }},\n\n"
        "Thank you, {{ client.name }} has received this and will come back to you.\n\n"
        "{{ assistant.name }}, on behalf of {{ client.name }}"
    ),
    "invoice_ack": (
        "Hi {{ sender.first_name }},\n\n"
        'Thanks for "{{ message.subject }}". It is with our bookkeeping and will be paid on the usual terms.\n\n'
        "{{ assistant.name }}, on behalf of {{ client.name }}"
    ),
    "meeting": (
        "Hi {{ sender.first_name }},\n\n"
        "I handle {{ client.name }}'s calendar; I will find a time that works and send an invitation.\n\n"
        "{{ assistant.name }}"
    ),
    "legal_hold": (
        "Hi {{ sender.first_name }},\n\n"
        "Received; {{ client.name }} will review with counsel before replying.\n\n"
        "{{ assistant.name }}"
    ),
}

Rule = dict[str, Any]
TOPICS = [
    ("Budget", r"(?i)\b(q[1-4] )?budget\b|forecast|revenue"),
    ("Board-Prep", r"(?i)board deck|investor update|board meeting"),
    ("Hiring", r"(?i)hiring plan|headcount|recruit"),
    ("Launch", r"(?i)chicago launch|press release|marketing calendar"),
    ("Partnerships", r"(?i)partnership|renewal with|vendor contract"),
    ("Legal", r"(?i)legal review|contract|redlines|audit"),
    ("Offsite", r"(?i)offsite|annual kickoff|office move"),
    ("Roadmap", r"(?i)roadmap|data migration|security review"),
    ("Travel", r"(?i)travel plans|\bflight\b|itinerary"),
    ("Press", r"(?i)podcast|interview|press\b"),
    ("Customers", r"(?i)customer escalation|pricing change"),
]
NEWSLETTERS = [
    ("Operators-Digest", "hello@digest.example", "Reading"),
    ("Markets", "crew@markets.example", "Reading/Markets"),
    ("Travel-Deals", "deals@travel.example", "Reading/Deals"),
    ("SaaS-Weekly", "news@saasweekly.example", "Reading"),
    ("Leadership", "letters@lead.example", "Reading"),
    ("Finance-Memo", "memo@finmemo.example", "Reading/Markets"),
    ("Product-Hunt", "daily@producthunt.example", "Reading"),
    ("City-Arts", "events@cityarts.example", "Personal/Events"),
]
# The corpus's work domains, less Dana's own and those that play other roles in the rules.
PARTNER_DOMAINS = [
    d
    for d in dict.fromkeys(_WORK_DOMAINS)
    if d not in ("acme.example", "bigcorp.example", "lawfirm.example", "vcpartners.example")
]
VENDORS = [
    ("Brightline", "accounts@brightline.example", "design"),
    ("Northpeak", "billing@northpeak.example", "cloud"),
    ("Summit-Legal", "invoices@summitlegal.example", "legal"),
    ("Clearwater", "office@clearwater.example", "office"),
    ("Orbit-Print", "ar@orbitprint.example", "office"),
    ("Keystone-IT", "billing@keystone-it.example", "it"),
    ("Harbor", "finance@harbortrans.example", "translation"),
    ("Pinecrest", "invoice@pinecrest.example", "travel"),
]


def rules() -> list[Rule]:
    out: list[Rule] = []

    def add(name: str, when: dict[str, Any] | None, then: list[dict[str, Any]]) -> None:
        rule: Rule = {"name": name}
        if when is not None:
            rule["when"] = when
        rule["then"] = then
        out.append(rule)

    # 1. People who matter: labels and flags, evaluated for every message.
    add("VIP mail is urgent", {"from": {"in": "vip"}}, [{"label": "Urgent"}, {"flag": True}, {"log_time": "2m"}])
    add(
        "Board members",
        {"from": {"in": "board"}},
        [{"label": "Board"}, {"log_time": {"duration": "3m", "activity": "board"}}],
    )
    add(
        "Leadership on copy",
        {"any": [{"cc": {"in": "leadership"}}, {"to": {"in": "leadership"}}]},
        [{"label": "Leadership-CC"}],
    )
    add("Assistant on copy", {"cc": {"in": "assistant"}}, [{"label": "Sam-CC"}])
    add(
        "Mail from the CEO about the board",
        {"from": "ceo@bigcorp.example", "subject": {"matches": r"(?i)board|investor"}},
        [{"label": "Board-Prep"}, {"flag": True}],
    )
    add("Family and friends", {"from": {"in": "family"}, "category": "personal"}, [{"label": "Personal"}])
    add("Investors", {"from": {"in": "investors"}}, [{"label": "Investors"}, {"flag": True}])
    add("Legal counsel", {"from": {"in": "legal"}}, [{"label": "Legal"}, {"log_time": "5m"}])
    add("Partners", {"from": {"in": "partners"}, "category": "personal"}, [{"label": "Partners"}])
    add(
        "Colleagues at Acme",
        {"from": {"domain": "acme.example"}, "not": {"category": ["notification"]}},
        [{"label": "Acme"}],
    )

    # 2. Topics from the subject line.
    for label, pattern in TOPICS:
        add(f"Topic: {label}", {"subject": {"matches": pattern}, "not": {"category": "newsletter"}}, [{"label": label}])

    add(
        "Urgent in the subject",
        {"subject": {"matches": r"(?i)\b(urgent|asap|eod)\b"}},
        [{"label": "Urgent"}, {"flag": True}],
    )
    add("Quarter end", {"subject": {"matches": r"(?i)\bq[34]\b|year[- ]end"}}, [{"label": "Quarter-End"}])
    add("Notes from the assistant", {"from": {"in": "assistant"}}, [{"label": "Sam"}, {"mark_read": True}])
    add(
        "Updates from Tom",
        {"from": "tom.becker@acme.example", "subject": {"contains": ["update", "notes"]}},
        [{"label": "Tom"}],
    )
    add("Birthdays", {"subject": {"contains": ["birthday", "congrat"]}}, [{"label": "Personal-Notes"}])
    add(
        "Kids and school",
        {"subject": {"contains": ["school", "recital", "fundraiser"]}, "from": {"in": "family"}},
        [{"label": "Family"}, {"move": "Personal/Family"}, {"stop": True}],
    )
    add(
        "Weekend plans",
        {"subject": {"contains": ["tickets", "recipe", "book recommendation", "dinner"]}, "category": "personal"},
        [{"label": "Personal"}],
    )
    add("International names", {"from": {"matches": r"[^\x00-\x7f]"}}, [{"label": "Intl"}])
    add("Sent to Dana directly", {"to": "dana@acme.example", "category": "personal"}, [{"label": "Direct"}])
    add(
        "Only on copy",
        {"not": {"to": "dana@acme.example"}, "cc": "dana@acme.example"},
        [{"label": "CC-Only"}, {"flag": False}],
    )

    # 3. Partner domains, one rule each (the usual way such files grow).
    for domain in PARTNER_DOMAINS:
        short = domain.split(".")[0].capitalize()
        add(f"Partner {short}", {"from": {"domain": domain}}, [{"label": f"Client-{short}"}])

    # 4. Header tests.
    add(
        "High priority",
        {
            "any": [
                {"header": {"name": "Importance", "is": "high"}},
                {"header": {"name": "X-Priority", "matches": r"^\s*[12]\b"}},
            ]
        },
        [{"label": "High-Priority"}, {"flag": True}],
    )
    add("Sent from a phone", {"header": {"name": "X-Mailer", "contains": "iPhone"}}, [{"label": "Mobile"}])
    add("Outlook users", {"header": {"name": "X-Mailer", "matches": r"^Microsoft Outlook"}}, [{"label": "Outlook"}])
    add(
        "Thread replies",
        {"header": {"name": "In-Reply-To", "exists": True}, "category": "personal"},
        [{"label": "Thread"}],
    )
    add(
        "DMARC failures",
        {"header": {"name": "Authentication-Results", "contains": "dmarc=fail"}},
        [{"label": "Suspicious"}, {"flag": True}],
    )
    add(
        "Auto-replies",
        {"header": {"name": "Auto-Submitted", "matches": r"(?i)^auto-replied"}},
        [{"mark_read": True}, {"label": "Auto-Reply"}],
    )
    add("Mail with no Message-ID", {"header": {"name": "Message-ID", "exists": False}}, [{"label": "Odd-Headers"}])
    add(
        "Reply-To elsewhere",
        {"reply_to": {"domain": ["reply.github.com", "gmail.example"]}, "not": {"category": "notification"}},
        [{"label": "Reply-To-Differs"}],
    )

    # 5. Notifications: label, read, file away; GitHub and Jira stop here.
    add(
        "GitHub review requests",
        {
            "from": "notifications@github.com",
            "header": {"name": "X-GitHub-Reason", "is": ["review_requested", "mention"]},
        },
        [
            {"label": ["GitHub", "Needs-Review"]},
            {"flag": True},
            {"move": "Notifications/GitHub"},
            {"log_time": {"duration": "1m", "activity": "code review"}},
            {"stop": True},
        ],
    )
    add(
        "GitHub CI and chatter",
        {"from": "notifications@github.com"},
        [{"label": "GitHub"}, {"mark_read": True}, {"move": "Notifications/GitHub"}, {"stop": True}],
    )
    add(
        "Jira",
        {"from": {"domain": "atlassian.example"}},
        [{"label": "Jira"}, {"mark_read": True}, {"move": "Notifications/Jira"}, {"stop": True}],
    )
    add(
        "Bank alerts over a thousand",
        {"from": {"domain": "alerts.firstbank.example"}, "subject": {"matches": r"\$\d{1,3}(,\d{3})+|\$\d{4,}"}},
        [{"label": ["Finance", "Large-Payment"]}, {"flag": True}],
    )
    add(
        "Bank alerts",
        {"from": {"domain": "firstbank.example"}},
        [{"label": "Finance"}, {"mark_read": True}, {"move": "Finance/Bank"}, {"stop": True}],
    )
    add(
        "Security alerts",
        {"subject": {"matches": r"(?i)^security alert"}, "category": "notification"},
        [{"label": "Security"}, {"flag": True}, {"stop": True}],
    )
    add(
        "Shipping",
        {"from": {"domain": "shop.example"}, "subject": {"contains": ["shipped", "delivered"]}},
        [{"label": "Orders"}, {"mark_read": True}, {"move": "Orders"}, {"stop": True}],
    )
    add(
        "Expense approvals",
        {"from": {"domain": "expensify.example"}},
        [{"label": "Expenses"}, {"mark_read": True}, {"log_time": "30s"}, {"move": "Finance/Expenses"}, {"stop": True}],
    )
    add(
        "Calendar reminders",
        {"from": {"matches": r"calendar-notification@"}},
        [{"mark_read": True}, {"move": "Notifications/Calendar"}, {"stop": True}],
    )
    add(
        "Other machine mail",
        {"category": "notification", "from": {"in": "machines"}},
        [{"label": "Automated"}, {"mark_read": True}],
    )

    # 6. Newsletters: one rule per list, then a catch-all; all stop.
    for label, sender, folder in NEWSLETTERS:
        add(
            f"Newsletter {label}",
            {"from": sender, "category": "newsletter"},
            [{"label": ["Newsletter", label]}, {"mark_read": True}, {"move": folder}, {"stop": True}],
        )
    add(
        "Newsletter with a List-Id",
        {"header": {"name": "List-Id", "exists": True}},
        [{"label": "Newsletter"}, {"move": "Reading"}, {"stop": True}],
    )
    add("Other bulk mail", {"category": "newsletter"}, [{"move": "Reading"}, {"mark_read": True}, {"stop": True}])

    # 7. Invoices: per vendor, then the general invoice rule (subject or attachment).
    for label, sender, activity in VENDORS:
        add(
            f"Vendor {label}",
            {"from": sender},
            [
                {"label": ["Bookkeeping", f"Vendor-{label}"]},
                {"log_time": {"duration": "3m", "activity": f"bookkeeping:{activity}"}},
            ],
        )
    add(
        "Invoice acknowledgement",
        {"from": {"in": "vendors"}, "subject": {"matches": r"(?i)^invoice #\d+"}, "not": {"from": {"in": "legal"}}},
        [{"draft_reply": {"template": "invoice_ack", "quote": False}}],
    )
    add(
        "Invoices go to bookkeeping",
        {"any": [{"subject": {"matches": r"(?i)^invoice #\d+"}}, {"has_attachment": {"name": "invoice-*.pdf"}}]},
        [{"label": "Bookkeeping"}, {"move": "Finance/Invoices"}],
    )
    add(
        "Statements",
        {"subject": {"matches": r"(?i)^your \w+ statement$"}, "from": {"in": "vendors"}},
        [{"label": "Statements"}, {"mark_read": True}],
    )
    add(
        "Payment due",
        {"subject": {"matches": r"(?i)payment due"}},
        [{"label": "Payment-Due"}, {"flag": True}, {"log_time": "2m"}],
    )
    add(
        "PDF attachments from partners",
        {"from": {"in": "partners"}, "has_attachment": {"type": "application/pdf"}},
        [{"label": "Documents"}],
    )

    # 8. Invitations and scheduling.
    add(
        "Invitations",
        {"category": "invite"},
        [{"label": "Calendar"}, {"log_time": {"duration": "2m", "activity": "scheduling"}}],
    )
    add(
        "Invitations from the board",
        {"category": "invite", "from": {"in": "vip"}},
        [{"flag": True}, {"label": "Calendar-VIP"}],
    )
    add(
        "Meeting requests",
        {
            "all": [
                {"category": "personal"},
                {"subject": {"matches": r"(?i)\b(sync|meet|call|coffee)\b"}},
                {"not": {"from": {"in": "family"}}},
            ]
        },
        [{"label": "Scheduling"}, {"draft_reply": {"template": "meeting"}}],
    )
    add(
        "Asks for a time (body)",
        {"from": {"in": "partners"}, "body": ["tuesday or wednesday", "would monday at 10 work"]},
        [{"label": "Scheduling"}, {"log_time": {"duration": "2m", "activity": "scheduling"}}],
    )

    # 9. Body searches on a narrow set of senders.
    add(
        "Deadline in the body",
        {"from": {"in": "leadership"}, "body": "end of day"},
        [{"label": "Deadline"}, {"flag": True}],
    )
    add(
        "Privileged legal mail",
        {"from": {"in": "legal"}, "body": {"contains": ["privileged", "confidential"]}},
        [{"label": "Privileged"}, {"draft_reply": {"template": "legal_hold", "quote": False}}],
    )
    add(
        "Decision needed (body)",
        {
            "from": {"domain": "acme.example"},
            "subject": {"matches": r"(?i)^(re: )?(question|next steps|draft)"},
            "body": {"matches": r"(?i)asked for a decision|signed off"},
        },
        [{"label": "Decision"}, {"log_time": "5m"}],
    )

    # 10. Catch-alls on what is left.
    add(
        "Odd charset or empty subject",
        {
            "any": [
                {"subject": {"matches": r"^\s*$"}},
                {"header": {"name": "Content-Type", "matches": r"(?i)charset=\"?(x-|unknown)"}},
            ]
        },
        [{"label": "Needs-A-Look"}],
    )
    add("Very long subjects", {"subject": {"matches": r"^.{200,}"}}, [{"label": "Needs-A-Look"}])
    add(
        "Personal mail from new people",
        {
            "all": [
                {"category": "personal"},
                {
                    "not": {
                        "any": [
                            {"from": {"in": "vip"}},
                            {"from": {"in": "partners"}},
                            {"from": {"in": "family"}},
                            {"from": {"domain": ["acme.example", "bigcorp.example"]}},
                        ]
                    }
                },
            ]
        },
        [{"label": "New-Contact"}],
    )
    add(
        "Acknowledge introductions",
        {"category": "personal", "subject": {"matches": r"(?i)^(intro|introduction|meet )"}},
        [{"draft_reply": {"template": "ack"}}, {"label": "Intro"}],
    )
    add(
        "Log reading time for personal mail",
        {"category": "personal"},
        [{"log_time": {"duration": "1m", "activity": "email"}}],
    )
    add("Weekend mail", {"header": {"name": "Date", "matches": r"^(Sat|Sun),"}}, [{"label": "Weekend"}])
    add("Old threads", {"header": {"name": "References", "matches": r"(<[^>]+>\s*){5,}"}}, [{"label": "Long-Thread"}])
    return out


def _value(value: Any) -> str:
    """A TOML inline value (strings, booleans, numbers, lists and tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[ " + ", ".join(_value(v) for v in value) + " ]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def render() -> str:
    all_rules = rules()
    if len(all_rules) != 100:
        raise SystemExit(f"expected 100 rules, made {len(all_rules)}")
    lines = [
        "# Benchmark rules for Dana Whitfield: 100 rules, written by bench/make_rules.py (edit that, not this).",
        "# They target the senders, subjects and headers of bench/corpus.py.",
        "",
        "version = 1",
        "",
        "[lists]",
    ]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in LISTS.items()]
    lines += ["", "[templates]"]
    for name, text in TEMPLATES.items():
        lines.append(f'{name} = """{text}"""')
    for rule in all_rules:
        lines += ["", "[[rule]]"]
        lines += [f"{k} = {_value(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if bench/rules_100.toml is out of date")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; run python bench/make_rules.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
