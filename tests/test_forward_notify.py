"""`forward` (only to the client's allow-list, at most once, over a real SMTP server) and `notify`."""

from __future__ import annotations

import email
import json
import socket
from email.message import Message as StdMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from mailflow.errors import RulesSchemaError
from mailflow.rules import load_rules
from mailflow.rules.loader import RulesContext
from tests.servers.smtp import SmtpServer, Webhook
from workers.main import RUNTIME

RULES = """
version = 1

[[rule]]
name = "Invoices to the bookkeeper"
when = { subject = { contains = ["invoice", "statement", "order #"] } }
then = [ { forward = { to = "books@ledger.example", text = "For {{ client.name }}'s books." } },
         { notify = "Invoice from {{ sender.email }}: {{ message.subject }}" } ]
"""


WORDS = ("invoice", "statement", "order #")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def demo(tmp_path: Path, smtp_port: int, *, webhook: str | None = None, timeout: float = 30.0) -> Path:
    code, out = invoke("init", "--demo", str(tmp_path / "demo"))
    assert code == 0, out
    config = tmp_path / "demo" / "config.toml"
    text = config.read_text()
    text = text.replace(
        'email = "sam@rivera-va.example"',
        'email = "sam@rivera-va.example"' + (f'\nwebhook = "{webhook}"' if webhook else ""),
    )
    text = text.replace(
        'timezone = "America/New_York"', 'timezone = "America/New_York"\nforward_to = ["@ledger.example"]'
    )
    text += f'\n[clients.accounts.smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\ntls = "none"\ntimeout = {timeout}\n'
    config.write_text(text)
    (tmp_path / "demo" / "rules" / "dana.toml").write_text(RULES)
    return config


def invoices(tmp_path: Path) -> int:
    maildir = tmp_path / "demo" / "maildir"
    return sum(
        any(w in (email.message_from_bytes(p.read_bytes())["Subject"] or "").lower() for w in WORDS)
        for sub in ("new", "cur")
        for p in (maildir / sub).iterdir()
    )


def test_a_forward_outside_the_allow_list_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "dana.toml"
    path.write_text(RULES.replace("books@ledger.example", "someone@stranger.example"))
    with pytest.raises(RulesSchemaError) as exc:
        load_rules(path, context=RulesContext(forward_to=("@ledger.example",)))
    text = str(exc.value)
    assert "'someone@stranger.example' is not on this client's forward_to allow-list" in text
    assert "(allowed: @ledger.example)" in text and "dana.toml:7: " in text  # file:line of its then
    with pytest.raises(RulesSchemaError, match="allowed: none"):
        load_rules(path)  # no allow-list: no forward at all
    path.write_text(RULES)
    assert load_rules(path, context=RulesContext(forward_to=("books@ledger.example",))).rules, (
        "an exact address on the list is allowed"
    )


def test_forwards_go_out_once_with_the_original_attached_and_notices_reach_the_webhook(
    tmp_path: Path, smtp_server: SmtpServer, webhook: Webhook
) -> None:
    config = demo(tmp_path, smtp_server.port, webhook=webhook.url)
    want = invoices(tmp_path)
    assert want >= 2
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert len(smtp_server.received) == want
    for got in smtp_server.received:
        assert got.sender == "dana@acme.example" and got.recipients == ["books@ledger.example"]
        mail = email.message_from_bytes(got.data)
        assert mail["Subject"].startswith("Fwd: ") and mail["Auto-Submitted"] == "auto-generated"
        parts = [p.get_content_type() for p in mail.walk()]
        assert parts[:3] == ["multipart/mixed", "text/plain", "message/rfc822"]
        assert "For Dana Whitfield's books." in str(mail.get_payload(0))
        attached = mail.get_payload(1).get_payload(0)
        assert isinstance(attached, StdMessage) and any(w in attached["Subject"].lower() for w in WORDS)
    assert len(webhook.posts) == want
    headers, body = webhook.posts[0]
    assert body["client"] == "dana" and body["text"].startswith("Invoice from ") and headers["idempotency-key"]

    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0 and len(smtp_server.received) == want and len(webhook.posts) == want, "nothing twice"
    code, out = invoke("--config", str(config), "digest", "--since", "1h")
    assert code == 0 and out.count("Invoice from ") == want, out
    code, out = invoke("--config", str(config), "log", "--format", "json")
    sent = [e for e in json.loads(out) if e["action"] == "forward"]
    assert len(sent) == want and all(e["detail"] == "sent to books@ledger.example" for e in sent)


def test_a_server_that_is_down_delays_a_forward_and_one_that_hangs_mid_send_never_gets_it_twice(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = demo(tmp_path, closed, timeout=1.0)
    want = invoices(tmp_path)
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    code, out = invoke("--config", str(config), "status")
    assert "in progress" in out or "planned" in out, out  # the forwards wait, planned

    config.write_text(config.read_text().replace(f"port = {closed}", f"port = {smtp_server.port}"))
    smtp_server.handler.delay = 2.5  # longer than the client's 1 s timeout: it gives up during DATA
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    code, out = invoke("--config", str(config), "log", "--format", "json")
    forwards = [e for e in json.loads(out) if e["action"] == "forward"]
    assert len(forwards) == want and all(e["outcome"] == "failed" for e in forwards)
    assert all("it may have gone out, so it is not sent again" in e["detail"] for e in forwards)

    smtp_server.handler.delay = 0
    for _ in range(2):
        code, out = invoke("--config", str(config), "run", "--once", "--quiet")
        assert code == 0, out
    assert not smtp_server.received, "a forward that may have gone out is never sent again"


def test_a_webhook_that_fails_does_not_hold_up_the_notice(
    tmp_path: Path, smtp_server: SmtpServer, webhook: Webhook
) -> None:
    webhook.status = 503
    config = demo(tmp_path, smtp_server.port, webhook=webhook.url)
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert len(webhook.posts) == 3 * invoices(tmp_path), "three tries each"
    code, out = invoke("--config", str(config), "digest", "--since", "1h")
    assert "Invoice from " in out and "webhook failed: the webhook answered 503" in out, out
