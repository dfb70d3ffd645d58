"""Built-in triage (``mailflow.triage``): each category, the tricky negatives, the order, and the corpus.

The phrasings here are the classifier's own unit tests, written apart from
the evaluation corpus in ``bench/triage/`` (made by ``bench/triage_corpus.py``),
so the corpus measures the classifier rather than repeating these.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from mailflow.message import Message
from mailflow.triage import CATEGORIES, TEXT_LIMIT, classify, text_prefix

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "triage"


def mail(
    subject: str = "Hello",
    body: str | None = "Hi,\n\nJust a note.\n\nBest,\nAl",
    *,
    sender: str = "Al Ruiz <al.ruiz@ruiz-partners.example>",
    to: str = "Dana Whitfield <dana@acme.example>",
    cc: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    calendar: str | None = None,
) -> Message:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 20, 15, 4, tzinfo=UTC))
    msg["Message-ID"] = "<unit.test@ruiz-partners.example>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    if calendar is not None:
        msg.add_attachment(calendar.encode(), maintype="text", subtype="calendar", filename="invite.ics")
    for name, ctype, data in attachments or []:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return Message(bytes(msg))


def known(*addresses: str) -> Callable[[str], bool]:
    """A correspondent history holding ``addresses``."""
    history = {a.lower() for a in addresses}
    return lambda address: address in history


# -- each category ---------------------------------------------------------------


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//unit//test//EN\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n"
    "UID:unit-1@ruiz-partners.example\r\nDTSTAMP:20261120T150000Z\r\nDTSTART:20261124T170000Z\r\n"
    "SUMMARY:Budget walk-through\r\nORGANIZER:mailto:al.ruiz@ruiz-partners.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "REPLY"])
def test_any_imip_message_is_an_invite(method: str) -> None:
    assert classify(mail("Budget walk-through", "See the invitation.", calendar=ICS.format(method=method))) == "invite"


def test_a_calendar_invitation_wins_over_list_headers_and_a_no_reply_sender() -> None:
    msg = mail(
        "Webinar: planning season",
        "Add it to your calendar.",
        sender="Events <no-reply@events.example>",
        headers={"List-Unsubscribe": "<mailto:u@events.example>"},
        calendar=ICS.format(method="REQUEST"),
    )
    assert classify(msg) == "invite"


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"List-Unsubscribe": "<https://news.example/u/1>"}, "The Ledger <editor@news.example>"),
        ({"List-Id": "Growth circle <growth.lists.example>"}, "Pat Lee <pat@lists.example>"),
        ({"Precedence": "bulk"}, "Deals <deals@shop.example>"),
        ({"Feedback-ID": "41:campaign:esp"}, "Spring Sale <hello@shop.example>"),
    ],
)
def test_list_and_bulk_mail_is_a_newsletter(headers: dict[str, str], sender: str) -> None:
    body = "This week: five ideas for calmer Mondays, and a reader asks whether we can meet expectations."
    assert classify(mail("Five ideas", body, sender=sender, headers=headers)) == "newsletter"


@pytest.mark.parametrize(
    ("headers", "sender", "subject"),
    [
        ({"Auto-Submitted": "auto-generated"}, "Build bot <ci@builds.example>", "Pipeline #88 passed"),
        (
            {"X-GitHub-Reason": "mention", "List-Id": "acme/api <api.acme.github.com>"},
            "bo <notifications@github.com>",
            "Re: [acme/api] Retry logic (#41)",
        ),
        ({}, "Security <no-reply@accounts.example>", "New sign-in from Firefox"),
        ({"X-Auto-Response-Suppress": "All"}, "Helpdesk <helpdesk@acme.example>", "Ticket 5521 updated"),
        ({}, "Alerts <alerts@monitoring.example>", "Disk usage above 90%"),
    ],
)
def test_machine_mail_is_a_notification(headers: dict[str, str], sender: str, subject: str) -> None:
    assert classify(mail(subject, "Details are in the dashboard.", sender=sender, headers=headers)) == "notification"


def test_a_bounce_and_an_auto_reply_are_notifications_even_about_an_invoice() -> None:
    dsn = mail(
        "Undeliverable: Invoice #2231 for October",
        "Your message could not be delivered to ap@client.example.",
        sender="Mail Delivery System <MAILER-DAEMON@mx.acme.example>",
    )
    assert classify(dsn) == "notification"
    ooo = mail(
        "Automatic reply: Invoice #2231 for October",
        "I am away until Monday and will reply when I am back.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert classify(ooo) == "notification"


@pytest.mark.parametrize(
    ("subject", "body", "sender"),
    [
        ("Your receipt from Parkway Garage", "Thanks for parking with us.", "Parkway <no-reply@parkway.example>"),
        ("Invoice INV-0091 from Lumen Studio", "Attached, due in 14 days.", "Lumen Studio <billing@lumen.example>"),
        ("Payment received - thank you", "We have applied it to your account.", "Ledgerly <ar@ledgerly.example>"),
        ("Order confirmation #A-5530", "We are getting it ready.", "Kettle & Co <orders@kettle.example>"),
        ("Your October statement is ready", "Sign in to view it.", "Harbor Card <statements@harborcard.example>"),
        ("Rechnung 2026-114", "Anbei die Rechnung.", "Druckerei Vogt <buchhaltung@vogt.example>"),
    ],
)
def test_receipt_subjects(subject: str, body: str, sender: str) -> None:
    assert classify(mail(subject, body, sender=sender, headers={"Auto-Submitted": "auto-generated"})) == "receipt"


def test_a_receipt_by_its_total_line_and_by_its_pdf() -> None:
    body = (
        "Thanks for riding with us, Dana.\n\nTrip fare  $18.20\nService fee  $2.10\nTotal: $20.30\n"
        "Visa ending in 4242\n"
    )
    assert classify(mail("Your Tuesday evening ride", body, sender="Zoom Cabs <rides@zoomcabs.example>")) == "receipt"
    pdf = [("Receipt-77120.pdf", "application/pdf", b"%PDF-1.4 fake")]
    assert classify(mail("Documents for your records", "Please keep for your files.", attachments=pdf)) == "receipt"


def test_a_receipt_with_list_headers_is_a_receipt_only_when_the_subject_says_so() -> None:
    bulk = {"List-Unsubscribe": "<https://store.example/u>"}
    assert classify(mail("Your receipt from Pine Books", "Total: $31.00", headers=bulk)) == "receipt"
    promo = "Our fall catalogue is here.\nTotal savings: $40 on orders over $200\nTax not included."
    assert classify(mail("Fall catalogue: 20% off", promo, headers=bulk)) == "newsletter"


def test_a_receipt_sent_by_a_person_and_a_forwarded_receipt() -> None:
    body = (
        "Hi Dana,\n\nHere's the invoice for the October bookkeeping.\n\nAmount due: USD 1,450.00\n"
        "Due date: Nov 30\n\nThanks,\nRita"
    )
    assert classify(mail("October bookkeeping", body, sender="Rita Osei <rita@oseibooks.example>")) == "receipt"
    fwd = (
        "For the expense report, please.\n\n---------- Forwarded message ---------\n"
        "From: Skyway <no-reply@skyway.example>\n"
        "Subject: Your trip\n\nBase fare $220.00\nTaxes $31.40\nTotal $251.40\nPaid with Amex ending 1001\n"
    )
    assert classify(mail("Fwd: Your trip", fwd, sender="Dana Whitfield <dana@acme.example>")) == "receipt"


def test_scheduling_needs_a_request_and_a_time() -> None:
    assert classify(mail("Budget", "Could we meet Thursday afternoon to go over the budget?")) == "scheduling"
    assert classify(mail("Quick sync", "Are you free for 20 minutes after lunch?")) == "scheduling"
    assert classify(mail("Coffee next week?", "It has been too long.")) == "scheduling"
    assert classify(mail("Re: plan", "Does 3:30pm on the 14th work for you? Happy to move it.")) == "scheduling"
    assert classify(mail("Termin", "Hätten Sie nächste Woche Zeit für ein kurzes Gespräch?")) == "scheduling"
    assert classify(mail("Visite", "Seriez-vous disponible mardi matin pour un café ?")) == "scheduling"
    assert classify(mail("Budget", "Could we meet to go over the budget?")) == "personal"  # no time


@pytest.mark.parametrize(
    "body",
    [
        "Meeting notes from Tuesday are attached; the action items are on page two.",
        "I met him yesterday at the conference and he sends his regards.",
        "The board meeting went well on Monday. Thanks for the deck.",
        "We had a good time on Saturday, the kids loved the lake.",
        "I'm not available next week, so please send questions to Jo.",
    ],
)
def test_no_request_no_scheduling(body: str) -> None:
    assert classify(mail("Update", body)) == "personal"


def test_cold_outreach_is_a_pitch_from_a_first_time_sender() -> None:
    pitch = (
        "Hi Dana,\n\nI came across Acme on a list of fast-growing logistics firms. Our platform helps operations "
        "teams cut dispatch time in half.\n\nWould you be open to a quick chat next week?\n\nMarco"
    )
    msg = mail("Idea for Acme", pitch, sender="Marco Bell <marco@shiftly.example>")
    assert classify(msg) == "cold_outreach"
    assert classify(msg, known("someone@else.example")) == "cold_outreach"
    assert classify(msg, known("marco@shiftly.example")) == "scheduling"  # a past correspondent asking to talk


def test_known_sender_is_only_asked_about_a_pitch() -> None:
    asked: list[str] = []

    def history(address: str) -> bool:
        asked.append(address)
        return False

    classify(mail("Lunch Friday?", "Are you around for lunch Friday?"), history)
    assert asked == []
    classify(mail("Quick question", "Who is the right person to talk to about your vendor onboarding?"), history)
    assert asked == ["al.ruiz@ruiz-partners.example"]


def test_a_strangers_demo_pitch_vs_a_colleagues_meeting_request() -> None:
    stranger = mail(
        "15 minutes?",
        "Hi Dana - can I borrow 15 minutes of your time Tuesday to demo how we automate invoice chasing?",
        sender="Gia Park <gia@chaseflow.example>",
    )
    assert classify(stranger) == "cold_outreach"
    colleague = mail(
        "Tuesday",
        "Can we meet Tuesday to go through the vendor list? 30 minutes should do.",
        sender="Tom Becker <tom.becker@acme.example>",
    )
    assert classify(colleague) == "scheduling"  # same domain as the recipient: a colleague, no history needed
    assert classify(colleague, known()) == "scheduling"


def test_an_unsubscribe_line_in_a_personal_looking_mail_is_a_pitch() -> None:
    body = "Hi Dana, we build dashboards for finance teams.\n\nIf you'd rather not hear from me, just reply 'stop'.\n"
    assert classify(mail("dashboards", body, sender="Lou <lou@metricsly.example>")) == "cold_outreach"


def test_tricky_negatives_stay_personal() -> None:
    invoice_talk = "Did you ever get the invoice I sent on the 3rd? No rush, just checking it arrived."
    assert classify(mail("that invoice", invoice_talk)) == "personal"
    asked = mail("Invoice #4471?", "Is this one ours? I can't find the PO.")
    assert classify(asked) == "personal"  # a question about an invoice
    reply = mail("Re: Invoice #4471", "> Total: $900.00\n\nLooks right to me, approve it.")
    assert classify(reply) == "personal"  # a conversation about an invoice
    split = "Dinner was great. It came to $84 in total, I'll put it on my card."
    assert classify(mail("dinner", split)) == "personal"
    family = mail(
        "puppy!", "Quick demo of the new puppy's tricks: book a call with grandma!", sender="Noa <noa@mail.example>"
    )
    assert classify(family) == "personal"


def test_a_known_correspondent_selling_is_not_cold_outreach() -> None:
    pitch = "Our platform helps companies like yours close the books faster. Worth a quick chat?"
    msg = mail("New product", pitch, sender="Ines <ines@vendor.example>")
    assert classify(msg) == "cold_outreach"
    assert classify(msg, known("ines@vendor.example")) == "personal"


def test_shipping_notices_and_failed_payments_are_not_receipts() -> None:
    ship = mail(
        "Your order #8812 has shipped",
        "Order total: $45.00\nTrack it online.",
        sender="Shop <no-reply@shop.example>",
    )
    assert classify(ship) == "notification"
    failed = mail(
        "Payment failed for your subscription", "Please update your card.", sender="Billing <no-reply@app.example>"
    )
    assert classify(failed) == "notification"


def test_categories_are_the_published_names_in_the_order_checked() -> None:
    assert CATEGORIES == ("invite", "notification", "receipt", "newsletter", "cold_outreach", "scheduling", "personal")


def test_the_order_between_categories() -> None:
    # a receipt from a no-reply sender with Auto-Submitted: receipt before notification
    auto = mail(
        "Your receipt #9913",
        "Total: $9.99",
        sender="Apps <no-reply@apps.example>",
        headers={"Auto-Submitted": "auto-generated"},
    )
    assert classify(auto) == "receipt"
    # a GitHub notification with list headers: notification before newsletter
    gh = mail(
        "[acme/web] CI failed",
        "See the run.",
        sender="ci <notifications@github.com>",
        headers={"List-Id": "<web.acme.github.com>", "X-GitHub-Reason": "ci_activity"},
    )
    assert classify(gh) == "notification"
    # a pitch asking to meet: cold_outreach before scheduling
    ask = mail(
        "Tuesday?",
        "Our software helps agencies like yours. Could we meet Tuesday at 2pm?",
        sender="Ann <ann@seller.example>",
    )
    assert classify(ask) == "cold_outreach"
    # a pitch sent with list headers: newsletter (bulk mail), not cold_outreach
    assert (
        classify(
            mail(
                "Tuesday?",
                "Our software helps agencies like yours.",
                headers={"List-Unsubscribe": "<mailto:u@seller.example>"},
            )
        )
        == "newsletter"
    )


def test_a_time_choice_and_a_short_meeting_question_are_scheduling() -> None:
    choice = "Three slots are open: Mon 9:00, Tue 14:00, Wed 16:30 - which works best for you?"
    assert classify(mail("slots", choice)) == "scheduling"
    assert classify(mail("weekend", "Golf on Saturday morning? I have a tee time at 8.")) == "scheduling"
    long_question = "Was the dinner on the 9th expensed to the Initech project or to the overhead budget line?"
    assert classify(mail("expenses", long_question)) == "personal"  # a question with a meal and a date, not a plan


def test_with_a_history_a_weaker_pitch_is_enough_from_a_stranger() -> None:
    msg = mail(
        "cafés", "We design loyalty programs for independent cafés and bakeries.", sender="Rae <rae@loyal.example>"
    )
    assert classify(msg) == "personal"  # no history: "we design" alone (2 points) is not a pitch
    assert classify(msg, known()) == "cold_outreach"  # never corresponded: it is
    assert classify(msg, known("rae@loyal.example")) == "personal"
    vocabulary = mail("hello", "Our clients see real savings, backed by a guarantee and a dedicated consultation.")
    assert classify(vocabulary, known()) == "cold_outreach"
    assert classify(vocabulary) == "personal"  # vocabulary counts two points at most


def test_naming_the_recipients_company_and_a_claim_tip_a_borderline_pitch() -> None:
    body = "Saw Acme's booth at the expo last month - we build dock scheduling software."
    assert classify(mail("the expo", body, sender="Kim <kim@dockly.example>")) == "cold_outreach"
    body = "We build dock scheduling software; warehouses cut idle time by 35%."
    assert classify(mail("docks", body, sender="Kim <kim@dockly.example>")) == "cold_outreach"


def test_pitches_in_other_languages() -> None:
    de = mail(
        "Reisekosten",
        "Guten Tag, unsere Software automatisiert Ihre Reisekostenabrechnung.",
        sender="Udo <udo@spesen.example>",
    )
    assert classify(de) == "cold_outreach"
    es = mail("Ventas", "Ayudamos a empresas de su sector a vender más en línea.", sender="Eva <eva@vende.example>")
    assert classify(es) == "cold_outreach"


def test_a_seller_offering_to_send_material() -> None:
    body = "Happy to share a short overview of how we work - we offer fixed-fee payroll for small teams."
    assert classify(mail("payroll", body, sender="Bo <bo@paycheq.example>")) == "cold_outreach"


@pytest.mark.parametrize(
    "subject",
    ["Your code is 660112", "Reset your password", "Build 88 failed on main", "Your leave request was approved"],
)
def test_subjects_only_machines_write_are_notifications(subject: str) -> None:
    assert classify(mail(subject, "See details in the app.", sender="Vault <auth@vault.example>")) == "notification"


def test_more_receipts_and_a_non_receipt_invoice_subject() -> None:
    deposit = "Thanks! Deposit received: $500.00\nBalance due: $1,500.00 on arrival."
    assert classify(mail("Cabin booking", deposit, sender="Ola <ola@cabins.example>")) == "receipt"
    sent = "You sent $75.00 to Sam Park.\nFee: $0.00"
    assert classify(mail("Money sent", sent, sender="Payly <no-reply@payly.example>")) == "receipt"
    assert classify(mail("Invoice query", "The hours on line 3 look high, can you check?")) == "personal"
    assert classify(mail("Invoice INV-0091 from Lumen Studio", "Attached.")) == "receipt"


# -- the text the steps read -------------------------------------------------------


def test_quoted_lines_and_the_quoted_original_are_not_read() -> None:
    body = (
        "Sounds good, thanks.\n\nOn Mon, Nov 16, 2026 at 9:02 AM Gia Park <gia@chaseflow.example> wrote:\n"
        "> Our platform helps companies like yours. Can we meet Tuesday at 3pm?\n"
    )
    assert classify(mail("Re: Tuesday", body)) == "personal"
    outlook = (
        "Fine by me.\n\n________________________________\nFrom: Gia Park <gia@chaseflow.example>\n"
        "Sent: Monday, November 16, 2026 9:02 AM\nTo: Dana\nSubject: Tuesday\n\nCan we meet Tuesday at 3pm?\n"
    )
    assert classify(mail("RE: Tuesday", outlook)) == "personal"


def test_the_signature_is_not_read() -> None:
    body = "Thanks for the notes.\n-- \nAl Ruiz | Book time with me: https://calendly.com/alruiz | Free consultation"
    assert classify(mail("notes", body)) == "personal"


def test_html_only_and_base64_bodies_are_read() -> None:
    html = "<html><body><p>Hi Dana,</p><p>Are you free <b>Thursday at 11</b> for a quick call?</p></body></html>"
    assert classify(mail("call", None, html=html)) == "scheduling"
    raw = (
        b"From: Al <al@ruiz-partners.example>\r\nTo: dana@acme.example\r\nSubject: call\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    ) + base64.encodebytes(b"Can we talk tomorrow morning? Al")
    assert classify(Message(raw)) == "scheduling"


def test_text_prefix_agrees_with_body_text() -> None:
    msg = mail(
        "parts",
        "The plain part, with an accent: café.",
        html="<p>The HTML part</p>",
        attachments=[("notes.txt", "text/plain", b"an attached file, not the body")],
    )
    assert text_prefix(msg).strip() == Message(msg.raw).body_text.strip()
    html_only = mail("parts", None, html="<p>Only <i>HTML</i> here</p>")
    assert text_prefix(html_only).strip() == Message(html_only.raw).body_text.strip() == "Only HTML here"
    long_body = mail("long", "word " * 5000)
    assert TEXT_LIMIT <= len(text_prefix(long_body)) < 5 * TEXT_LIMIT


def test_broken_and_empty_messages_are_personal() -> None:
    assert classify(Message(b"")) == "personal"
    assert classify(Message(b"garbage without headers")) == "personal"
    no_boundary = (
        b"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"
    )
    assert classify(Message(no_boundary)) == "personal"


# -- the corpus ----------------------------------------------------------------------


def test_the_corpus_is_large_labelled_and_covers_every_category() -> None:
    labels = json.loads((CORPUS / "labels.json").read_text())
    assert len(labels) >= 500
    assert {entry["category"] for entry in labels.values()} == set(CATEGORIES)
    assert all(isinstance(entry["known"], bool) for entry in labels.values())
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert files == set(labels)
    assert sum(entry["source"].startswith("rfc") for entry in labels.values()) >= 8


def test_the_corpus_is_what_the_generator_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import triage_corpus

    triage_corpus.write(tmp_path)
    assert (tmp_path / "labels.json").read_bytes() == (CORPUS / "labels.json").read_bytes()
    for path in sorted(CORPUS.glob("*.eml")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_evaluation_runs_and_is_accurate_enough(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import triage_eval

    out = tmp_path / "eval.json"
    assert triage_eval.main(["--json", str(out), "--quiet"]) == 0
    report = json.loads(out.read_text())
    assert report["messages"] >= 500
    assert report["accuracy"] >= 0.85
    assert set(report["categories"]) == set(CATEGORIES)
