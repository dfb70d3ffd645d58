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

The same client's file at other sizes (``rules(n, seed)``, used by
``bench/rules_speed.py``; not checked in) is printed with ``--rules``::

    python bench/make_rules.py --rules 500 [--seed 1] [--out FILE]

Fewer than 100 rules keep a seeded sample of the 100, in order; more add rules
of the kinds such a file grows by (people, domains, and above all subject and
body searches, header tests, category-scoped searches, nesting) at seeded
places among them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import _NEWSLETTERS as _CORPUS_NEWSLETTERS
from bench.corpus import (
    _OPENERS,
    _SUBJ_PERSONAL,
    _TOPICS,
    _WORK_DOMAINS,
)
from bench.corpus import _Generator as _CorpusGenerator

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


def base_rules() -> list[Rule]:
    """The hand-written 100 rules of ``rules_100.toml``, in file order."""
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


# -- other sizes: the same client's file, smaller or grown ----------------------------------------
#
# For bench/rules_speed.py. A smaller file keeps a seeded sample of the 100 rules, in file order.
# A larger one adds rules of the kinds such a file grows by, each at a seeded place among the 100:
# people and domains, and above all subject and body searches (projects, clients, phrases,
# reference numbers; ``contains`` and ``matches``), header tests, category-scoped searches and
# ``any``/``all``/``not`` combinations. Their words come from what the corpus says (so a good share
# of them match) and from what it does not (so others never do), as in a real file.

_PROJECTS = (
    "Atlas",
    "Orion",
    "Bluebird",
    "Falcon",
    "Nimbus",
    "Polaris",
    "Cobalt",
    "Juniper",
    "Sequoia",
    "Meridian",
    "Tidewater",
    "Aurora",
    "Lighthouse",
    "Redwood",
    "Ember",
    "Quartz",
    "Willow",
    "Granite",
    "Beacon",
    "Saffron",
)
# What the corpus's subjects say (topics without their article, openers, personal subjects) ...
_SUBJECT_SEEN = tuple(
    dict.fromkeys(
        [t.removeprefix("the ").removeprefix("our ").lower() for t in _TOPICS]
        + [o.lower() for o in _OPENERS]
        + [s.rstrip("?!").lower() for s in _SUBJ_PERSONAL]
        + ["budget", "renewal", "contract", "review", "launch", "plan", "update", "has shipped", "approved"]
        + ["statement", "payment due", "invitation:", "reminder:", "[jira]", "security alert", "issue #"]
    )
)
# ... and what it does not.
_SUBJECT_UNSEEN = (
    "term sheet",
    "due diligence",
    "nda",
    "wire transfer",
    "payroll",
    "benefits enrollment",
    "reimbursement",
    "webinar",
    "conference",
    "speaking slot",
    "award",
    "survey",
    "rsvp",
    "out of office",
    "vacation",
    "dentist",
    "flight",
    "hotel",
    "itinerary",
    "visa",
    "gala",
    "donation",
    "alumni",
    "reunion",
    "all-hands",
    "town hall",
    "performance review",
    "offer letter",
    "background check",
    "farewell",
    "kudos",
    "press inquiry",
    "purchase order",
    "signature requested",
    "docusign",
    "quarterly business review",
    "churn",
    "pipeline review",
    "board seat",
    "cap table",
)
# Phrases of the corpus's bodies that some messages have (0.3-15% of them; a body rule that
# matched half the mail would be no use), then phrases no generated body has.
_BODY_SEEN = (
    "please find attached",
    "amount due",
    "net 30",
    "pay online",
    "thank you for your business",
    "for services rendered",
    "due date",
    "invoice #",
    "view it on github",
    "commented on this pull request",
    "review requested",
    "ci activity",
    "invited to the following event",
    "invitation from google calendar",
    "please do not reply",
    "would monday at 10 work",
    "end of day thursday",
    "no rush on this one",
    "sounds good",
    "following up",
    "hey dana",
    "best regards",
    "on se voit",
    "salut dana",
    "voilà",
    "denver",
    "chicago",
    "globex",
    "offsite",
    "podcast",
    "headcount",
)
_BODY_UNSEEN = (
    "wire instructions",
    "tracking number",
    "docusign",
    "zoom.us/j/",
    "gift cards",
    "bank details have changed",
    "out of the office",
    "per our conversation",
    "action items",
    "meeting minutes",
    "save the date",
    "rsvp by",
    "password reset",
    "verification code",
    "lunch next week",
    "speaking invitation",
    "term sheet",
    "cap table",
    "data room",
    "reference check",
    "non-disclosure",
    "statement of work",
    "purchase order",
    "letter of intent",
    "press inquiry",
    "on the record",
    "keynote",
    "panel discussion",
    "parental leave",
    "expense policy",
)
_WEEKDAYS = "(monday|tuesday|wednesday|thursday|friday)"
_SUBJECT_REGEXES = (
    r"(?i)\b(po|purchase order) ?#?\d{4,}",
    r"(?i)\bticket #?\d{3,}",
    r"\(PR #\d+\)$",
    r"(?i)^(fw|fwd): ",
    r"(?i)reminder: .+ sync @ \d{1,2}:00(am|pm)",
    r"(?i)\b(q[1-4]|fy\d\d) (plan|review|numbers)\b",
    r"\$\d{4,}\.\d\d",
    r"(?i)order #sh-\d+ has (shipped|been delivered)",
    r"(?i)^(re: ){3,}",
    r"(?i)expense report #\d+ (approved|rejected)",
    r"(?i)new sign-in on (mac|windows|iphone|android)",
    r"[A-Z]{6,}",
    r"\d{5,}",
)
_BODY_REGEXES = (
    r"(?i)amount due: usd (\d{1,3},)*\d{3}\.\d\d",
    rf"(?i)\bby {_WEEKDAYS}\b",
    rf"(?i)confirm by end of day {_WEEKDAYS}",
    r"(?i)https://pay\.[\w.-]+/i/\d+",
    r"(?i)\b(invoice|order) #\d{4,}",
    r"(?i)tracking (number|#):? *\w+",
    rf"(?i)\b\d+ minutes on {_WEEKDAYS}",
    r"(?i)(zoom\.us|meet\.google\.com|teams\.microsoft\.com)/",
    r"(?i)(wire|bank) (transfer|details|instructions)",
    r"(?i)\bdeadline\b.*\b(tomorrow|today)\b",
    r"(?i)you are receiving this because of (review requested|mention)",
    r"(?i)\bfinished a first pass of the (contract redlines|pilot results)",
    r"(?i)unsubscribe: https://[\w.]+/u/[0-9a-f]{8}",
)
_MAILERS = ("thunderbird", "superhuman", "apple mail", "campaigns", "outlook 16", "iphone mail")
_LIST_IDS = (*(list_id for _name, _email, list_id in _CORPUS_NEWSLETTERS), "announce.example", "news.vendor.example")
_EXTRA_DOMAINS = (
    "meridian-capital.example",
    "harborview.example",
    "quantum-labs.example",
    "bluepeak.example",
    "silverline.example",
    "ironbridge.example",
    "cloudmail.example",
    "google.example",
    "shop.example",
    "outlook.example",
    "proton.example",
)


_HEADER_TESTS: tuple[dict[str, Any], ...] = (
    *({"name": "X-Mailer", "contains": m} for m in _MAILERS),
    *({"name": "List-Id", "matches": rf"(?i)<{re.escape(i)}>"} for i in _LIST_IDS),
    *({"name": "X-GitHub-Reason", "is": r} for r in ("author", "comment", "ci_activity")),
    {"name": "Precedence", "is": ["bulk", "list"]},
    *({"name": "Reply-To", "contains": r} for r in ("reply.github.com", "editors@", "support@")),
    *({"name": "Received", "contains": f"smtp1.{d}"} for d in ("contoso.example", "globex.example", "stark.example")),
    *({"name": "Authentication-Results", "contains": r} for r in ("spf=fail", "dkim=fail", "spf=softfail")),
    {"name": "Content-Type", "matches": r"(?i)^multipart/(mixed|related)"},
    {"name": "Feedback-ID", "exists": True},
    {"name": "X-Campaign", "exists": True},
    {"name": "Sensitivity", "is": ["private", "confidential"]},
    {"name": "Organization", "contains": "acme"},
)
_NOT_WORDS = frozenset(
    {"matches", "contains", "is", "name", "any", "all", "not", "subject", "body", "from", "re", "fw"}
)


def _escape(text: str) -> str:
    """``re.escape``, leaving spaces as they are (easier to read in the file)."""
    return re.escape(text).replace("\\ ", " ")


def _label(text: str) -> str:
    """A label from the words of ``text`` (a rule name, or a test written out)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if w.lower() not in _NOT_WORDS]
    return "-".join(w.capitalize() for w in words[:3]) or "Misc"


class _Grower:
    """Makes the added rules: each a kind picked by weight, its words from the lists above.

    The fixed regexes and header tests are each used once (shuffled), as a real
    file would not test the same thing in several rules; phrases may recur.
    """

    KINDS = ("person", "person+subject", "domain", "subject", "body", "header", "category", "nested", "list+text")
    WEIGHTS = (15, 5, 10, 30, 8, 8, 11, 8, 5)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people = _CorpusGenerator(1).people  # the correspondents of the corpus's default seed
        self.subject_regexes = self._shuffled(_SUBJECT_REGEXES)
        self.body_regexes = self._shuffled(_BODY_REGEXES)
        self.headers = self._shuffled(_HEADER_TESTS)

    def _shuffled(self, items: tuple[Any, ...]) -> list[Any]:
        found = list(items)
        self.rng.shuffle(found)
        return found

    def phrase(self, seen: tuple[str, ...], unseen: tuple[str, ...]) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return f"project {rng.choice(_PROJECTS).lower()}"
        return rng.choice(seen if rng.random() < 0.5 else unseen)

    def phrases(self, seen: tuple[str, ...], unseen: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys(self.phrase(seen, unseen) for _ in range(self.rng.choice((1, 1, 2, 2, 3)))))

    def subject(self) -> dict[str, Any]:
        """A ``subject`` table: contains some phrases, or matches a regex made of them (or a fixed one)."""
        rng = self.rng
        roll = rng.random()
        if roll >= 0.88 and self.subject_regexes:
            return {"matches": self.subject_regexes.pop()}
        if roll < 0.5:
            return {"contains": self.phrases(_SUBJECT_SEEN, _SUBJECT_UNSEEN)}
        if roll < 0.76:
            words = [_escape(p) for p in self.phrases(_SUBJECT_SEEN, _SUBJECT_UNSEEN)]
            if rng.random() < 0.5:
                return {"matches": r"(?i)\b(" + "|".join(words) + r")\b"}
            return {"matches": r"(?i)^(re: |fw: )*" + words[0]}
        a, b = rng.sample(_PROJECTS, 2)
        return {"matches": rf"(?i)\b(project )?({a}|{b})\b"}

    def body(self) -> dict[str, Any] | str:
        roll = self.rng.random()
        if roll >= 0.8 and self.body_regexes:
            return {"matches": self.body_regexes.pop()}
        if roll < 0.3:
            return self.phrase(_BODY_SEEN, _BODY_UNSEEN)
        if roll < 0.65:
            return {"contains": self.phrases(_BODY_SEEN, _BODY_UNSEEN)}
        words = [_escape(p) for p in self.phrases(_BODY_SEEN, _BODY_UNSEEN)]
        return {"matches": "(?i)" + "|".join(words)}

    def header(self) -> dict[str, Any]:
        if self.headers:
            return dict(self.headers.pop())
        return {"name": "X-Mailer", "contains": self.rng.choice(_MAILERS)}

    def then(self, label: str) -> list[dict[str, Any]]:
        rng = self.rng
        actions: list[dict[str, Any]] = [{"label": label}]
        roll = rng.random()
        if roll < 0.15:
            actions.append({"flag": True})
        elif roll < 0.25:
            actions.append({"mark_read": True})
        elif roll < 0.35:
            actions.append({"log_time": rng.choice(["1m", "2m", "5m"])})
        elif roll < 0.4:
            actions.append({"move": f"Filed/{label}"})
        if rng.random() < 0.02:
            actions.append({"stop": True})
        return actions

    def rule(self) -> tuple[str, dict[str, Any]]:
        """One more rule's name and ``when``."""
        rng = self.rng
        kind = rng.choices(self.KINDS, weights=self.WEIGHTS)[0]
        if kind == "person":
            name, email = rng.choice(self.people)
            return f"From {name}", {"from": email}
        if kind == "person+subject":
            name, email = rng.choice(self.people)
            subject = self.subject()
            return f"{name} about {_label(str(subject))}", {"from": email, "subject": subject}
        if kind == "domain":
            domain = rng.choice(_WORK_DOMAINS + _EXTRA_DOMAINS)
            when: dict[str, Any] = {"from": {"domain": domain}}
            if rng.random() < 0.4:
                when["not"] = {"category": rng.choice(["newsletter", "notification"])}
            return f"Domain {domain}", when
        if kind == "subject":
            subject = self.subject()
            return f"Subject {_label(str(subject))}", {"subject": subject}
        if kind == "body":
            body = self.body()
            return f"Body {_label(str(body))}", {"body": body}
        if kind == "header":
            header = self.header()
            return f"Header {header['name']}", {"header": header}
        if kind == "category":
            category = rng.choice(["personal", "personal", "newsletter", "notification", "invite"])
            field = rng.choice(["subject", "subject", "body"])
            test = self.subject() if field == "subject" else self.body()
            return f"{category.capitalize()} {field} {_label(str(test))}", {"category": category, field: test}
        if kind == "nested":
            roll = rng.randrange(4)
            if roll == 0:
                when = {"any": [{"subject": self.subject()}, {"body": self.body()}]}
            elif roll == 1:
                when = {"all": [{"subject": self.subject()}, {"not": {"from": {"in": "newsletters"}}}]}
            elif roll == 2:
                domain = rng.choice(_WORK_DOMAINS)
                when = {
                    "any": [{"from": {"domain": domain}}, {"cc": {"domain": domain}}],
                    "subject": self.subject(),
                }
            else:
                when = {
                    "subject": self.subject(),
                    "not": {"any": [{"category": "newsletter"}, {"from": {"in": "machines"}}]},
                }
            return f"Combined {_label(json.dumps(when))}", when
        listed = rng.choice(["vip", "partners", "leadership", "family", "investors", "vendors"])
        field = rng.choice(["subject", "body"])
        test = self.subject() if field == "subject" else self.body()
        return f"List {listed} {field} {_label(str(test))}", {"from": {"in": listed}, field: test}


def rules(n: int = 100, seed: int = 1) -> list[Rule]:
    """A rules file of ``n`` rules for the same client, deterministic for ``(n, seed)``.

    ``n = 100`` is :func:`base_rules` itself (``rules_100.toml``); fewer keeps a sample of
    them, more adds rules of the kinds a file grows by (see above), at seeded places.
    """
    base = base_rules()
    if n == len(base):
        return base
    rng = random.Random(f"mailflow-rules:{n}:{seed}")
    if n < len(base):
        keep = sorted(rng.sample(range(len(base)), n))
        return [base[i] for i in keep]
    grower = _Grower(rng)
    names = {r["name"] for r in base}
    placed: list[tuple[float, int, Rule]] = [(float(i), 0, r) for i, r in enumerate(base)]
    for k in range(n - len(base)):
        name, when = grower.rule()
        unique, again = name, 2
        while unique in names:
            unique, again = f"{name} ({again})", again + 1
        names.add(unique)
        rule: Rule = {"name": unique, "when": when, "then": grower.then(_label(name))}
        placed.append((rng.uniform(-0.5, len(base) - 0.5), k + 1, rule))
    return [rule for _at, _k, rule in sorted(placed, key=lambda p: (p[0], p[1]))]


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


def render(n: int = 100, seed: int = 1) -> str:
    """The TOML text of :func:`rules` ``(n, seed)``, with the lists and templates every size shares."""
    all_rules = rules(n, seed)
    if len(all_rules) != n:
        raise SystemExit(f"expected {n} rules, made {len(all_rules)}")
    made = f"{n} rules" if n == 100 else f"{n} rules (seed {seed})"
    lines = [
        f"# Benchmark rules for Dana Whitfield: {made}, written by bench/make_rules.py (edit that, not this).",
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
    parser.add_argument("--out", type=Path, help=f"where to write (default {OUT}; stdout for other sizes)")
    parser.add_argument("--rules", type=int, default=100, metavar="N", help="how many rules (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the sample or of the added rules")
    args = parser.parse_args(argv)
    if args.rules < 1:
        parser.error("--rules must be at least 1")
    text = render(args.rules, args.seed)
    out: Path | None = args.out if args.out is not None or args.rules != 100 else OUT
    if args.check:
        if out is None:
            parser.error("--check needs --out for other sizes than 100")
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is out of date; run python bench/make_rules.py", file=sys.stderr)
            return 1
        return 0
    if out is None:
        sys.stdout.write(text)
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
