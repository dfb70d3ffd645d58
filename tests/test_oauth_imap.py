"""OAuth accounts end to end: `mailflow auth login`, then `mailflow run --once` over XOAUTH2 on a real Dovecot.

The sign-in goes through the real msal and google-auth-oauthlib to the fake
identity provider of ``tests/servers/oauth.py`` (HTTPS on loopback, its CA
trusted through ``REQUESTS_CA_BUNDLE``); Dovecot checks every access token
at that provider's tokeninfo endpoint. Nothing of mailflow's is patched.
"""

from __future__ import annotations

import logging
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken

from connectors import oauth
from mailflow.cli import cli
from mailflow.config import ImapAccount, load_settings
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.servers.oauth import OAuthServer
from tests.servers.smtp import SmtpServer
from workers.main import RUNTIME

pytestmark = pytest.mark.dovecot

CLIENT_ID = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"
RULES = """
version = 1

[[rule]]
name = "Project mail"
when = { subject = { contains = "project" } }
then = [ { label = "Projects" }, { log_time = "1m" } ]
"""


@pytest.fixture(autouse=True)
def _fresh_tokens(oauth_server: OAuthServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The provider's CA trusted, no key in the environment, and no tokens held from another test."""
    oauth_server.trust(monkeypatch)
    monkeypatch.delenv("MAILFLOW_SECRET_KEY", raising=False)
    oauth.forget()
    yield
    oauth.forget()


def write_config(tmp_path: Path, server: DovecotServer, idp: OAuthServer, accounts: str) -> Path:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "dana.toml").write_text(RULES)
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
database = "sqlite:///mailflow.db"
log_level = "debug"

[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"

[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"
{accounts}
"""
    )
    return config


def oauth_account(server: DovecotServer, user: DovecotUser, account_id: str, oauth: str) -> str:
    """An IMAP account on the OAuth Dovecot, signing in as ``oauth`` (the lines of its [oauth] table) says."""
    return f"""
[[clients.accounts]]
kind = "imap"
id = "{account_id}"
host = "{server.host}"
port = {server.port}
tls = "none"
username = "{user.name}"
auth = "oauth2"
[clients.accounts.oauth]
{oauth}
"""


def microsoft_account(server: DovecotServer, idp: OAuthServer, user: DovecotUser, account_id: str = "dana-m365") -> str:
    oauth = f'provider = "microsoft"\nclient_id = "{CLIENT_ID}"\ntenant = "acme.example"\nauthority = "{idp.base_url}"'
    return oauth_account(server, user, account_id, oauth)


def mailflow(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], obj={"runtime": RUNTIME})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def message(subject: str, n: int) -> bytes:
    return (
        f"From: Ann Lee <ann@partner.example>\r\nTo: dana@acme.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <oauth-{n}@partner.example>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n"
    ).encode()


def keywords(server: DovecotServer, user: DovecotUser) -> dict[str, set[str]]:
    """Subject to the message's flags, read over PLAIN (the test's own login)."""
    with server.imap_client(user) as client:
        client.select_folder("INBOX", readonly=True)
        data = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    out = {}
    for item in data.values():
        subject = item[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip()
        out[subject] = {f.decode() if isinstance(f, bytes) else str(f) for f in item[b"FLAGS"]}
    return out


def test_a_microsoft_account_signs_in_by_device_code_syncs_over_xoauth2_and_replaces_a_refused_token(
    tmp_path: Path,
    dovecot_oauth_server: DovecotServer,
    oauth_server: OAuthServer,
    oauth_imap_user: DovecotUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    code, out = mailflow(config, "auth", "login", "dana-m365")
    assert code == 0, out
    assert "enter the code" in out and f"dana-m365: signed in as {user.name}" in out
    assert f"dana-m365: checked: {server.host} accepts the sign-in for {user.name}" in out
    token_file = tmp_path / "credentials" / "dana-m365.token"
    key_file = tmp_path / "mailflow.key"
    assert stat.S_IMODE(token_file.stat().st_mode) == stat.S_IMODE(key_file.stat().st_mode) == 0o600
    refresh, access = idp.refresh_tokens[user.name][-1], idp.access_tokens[user.name][-1]
    assert refresh.encode() not in token_file.read_bytes() and access.encode() not in token_file.read_bytes()
    code, out = mailflow(config, "auth", "status")
    assert code == 0 and f"dana/dana-m365 ({user.name}): signed in (microsoft" in out
    code, out = mailflow(config, "status")
    assert code == 0 and "  dana-m365 [imap]: last sync never" in out and "    sign-in: signed in (microsoft" in out

    server.deliver(user, message("Project kickoff", 1))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project kickoff"], out
    assert idp.token_requests.get("refresh_token", 0) == 0  # the token from the sign-in was used

    # The provider ends the token early (the server refuses it): one new token, and the pass goes on.
    idp.expire_access_tokens(user.name)
    sealed = token_file.read_bytes()
    server.deliver(user, message("Project budget", 2))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project budget"]
    assert idp.token_requests["refresh_token"] == 1
    assert token_file.read_bytes() != sealed  # the rotated refresh token is kept, sealed again

    # A new process (nothing held in memory) signs in with what the file keeps.
    oauth.forget()
    server.deliver(user, message("Project review", 3))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project review"]

    # No token in any log line of mailflow's or its libraries' (the fake provider's own log aside), nor in the output.
    issued = [*idp.access_tokens[user.name], *idp.refresh_tokens[user.name]]
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("tests.")]
    assert len(ours) > 100  # debug logging was on: imaplib's, msal's, urllib3's and mailflow's lines
    assert not [t for t in issued if any(t in line for line in ours) or t in out]


def test_a_revoked_sign_in_parks_only_that_account_and_signing_in_again_takes_it_back(
    tmp_path: Path,
    dovecot_oauth_server: DovecotServer,
    oauth_server: OAuthServer,
    oauth_imap_user: DovecotUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    other = server.add_user(f"pw-{user.name.split('@')[0]}", "plain-secret")
    monkeypatch.setenv("DANA_IMAP_PASSWORD", "plain-secret")
    accounts = microsoft_account(server, idp, user) + (
        f'\n[[clients.accounts]]\nkind = "imap"\nid = "dana-plain"\nhost = "{server.host}"\nport = {server.port}\n'
        f'tls = "none"\nusername = "{other.name}"\npassword_env = "DANA_IMAP_PASSWORD"\n'
    )
    config = write_config(tmp_path, server, idp, accounts)
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
    idp.revoke(user.name)
    server.deliver(user, message("Project one", 1))
    server.deliver(other, message("Project two", 2))

    code, out = mailflow(config, "run", "--once")
    assert code == 3, out
    assert "Projects" in keywords(server, other)["Project two"]  # the other account went on
    assert "Projects" not in keywords(server, user)["Project one"]
    code, out = mailflow(config, "status")
    assert code == 3
    assert "PARKED since" in out and "Microsoft refused the saved sign-in (invalid_grant" in out
    assert "sign in again with `mailflow auth login dana-m365`" in out

    code, out = mailflow(config, "auth", "login", "dana-m365")
    assert code == 0 and "dana-m365: back in the schedule" in out
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project one"]


def test_a_throttled_or_failing_sign_in_service_is_retried_and_loses_nothing(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
    oauth.forget()
    idp.expire_access_tokens(user.name)
    idp.fail_token_endpoint(1, status=429, retry_after=1)
    server.deliver(user, message("Project throttled", 1))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project throttled"]
    assert [r.status for r in idp.seen("ms.token")][-2:] == [429, 200]


def test_a_google_account_signs_in_through_the_browser_and_syncs(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    secrets = idp.google_client_secrets(tmp_path / "google-client.json")
    account = oauth_account(server, user, "dana-gmail", f'provider = "google"\nclient_secrets = "{secrets.name}"')
    config = write_config(tmp_path, server, idp, account)
    with idp.auto_browse() as urls:
        code, out = mailflow(config, "auth", "login", "dana-gmail", "--no-browser")
    assert code == 0, out
    assert len(urls) == 1 and urls[0] in out  # the address to open is printed
    refresh = idp.refresh_tokens[user.name][-1]
    assert refresh.encode() not in (tmp_path / "credentials" / "dana-gmail.token").read_bytes()

    server.deliver(user, message("Project from Gmail", 1))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project from Gmail"]

    idp.expire_access_tokens(user.name)  # refused by the server: renewed at the token_uri of the client file
    oauth.forget()
    server.deliver(user, message("Project renewed", 2))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project renewed"]
    assert idp.token_requests["refresh_token"] == 1

    idp.revoke(user.name)
    oauth.forget()
    server.deliver(user, message("Project after revocation", 3))
    code, out = mailflow(config, "run", "--once")
    assert code == 3
    code, out = mailflow(config, "status")
    assert "Google refused the saved sign-in (invalid_grant" in out and "mailflow auth login dana-gmail" in out, out


def test_a_sign_in_made_by_another_process_replaces_the_token_a_process_holds(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
    account = load_settings(config).clients[0].accounts[0]
    assert isinstance(account, ImapAccount)
    held = oauth.Tokens(account)  # as a running daemon holds it
    first = held.token()
    assert held.token() == first  # reused, the file not read again
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0  # signed in again elsewhere
    second = held.token()
    assert second != first and second == idp.access_tokens[user.name][-1]
    assert idp.token_requests.get("refresh_token", 0) == 0  # read from the new file, not refreshed


def test_forwards_from_an_oauth_account_sign_in_to_smtp_with_the_same_token(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user

    def good(login: str, token: str) -> bool:
        info = idp.token_info(token)
        return info is not None and info.get("email") == login

    smtp = SmtpServer(oauth=good)
    smtp.start()
    try:
        account = microsoft_account(server, idp, user) + (
            f'[clients.accounts.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\ntls = "none"\nauth = "oauth2"\n'
        )
        config = write_config(tmp_path, server, idp, account)
        text = config.read_text().replace(
            'timezone = "America/New_York"', 'timezone = "America/New_York"\nforward_to = ["books@ledger.example"]'
        )
        config.write_text(text)
        (tmp_path / "rules" / "dana.toml").write_text(
            RULES + '\n[[rule]]\nname = "Invoices to the books"\nwhen = { subject = { contains = "invoice" } }\n'
            'then = [ { forward = "books@ledger.example" } ]\n'
        )
        assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
        asked = idp.seen("ms.devicecode")[-1].form["scope"].split()
        assert (
            "https://outlook.office.com/SMTP.Send" in asked
            and "https://outlook.office.com/IMAP.AccessAsUser.All" in asked
        )

        idp.expire_access_tokens(user.name)  # refused by IMAP and SMTP alike: one renewal serves both
        server.deliver(user, message("Invoice 1042", 1))
        code, out = mailflow(config, "run", "--once")
        assert code == 0, out
        smtp.wait_for(1)
        assert [(r.sender, r.recipients) for r in smtp.received] == [("dana@acme.example", ["books@ledger.example"])]
        assert smtp.logins == [(user.name, True)]
        assert idp.token_requests["refresh_token"] == 1
        assert mailflow(config, "run", "--once")[0] == 0 and len(smtp.received) == 1  # nothing twice
    finally:
        smtp.stop()


def test_signing_in_as_someone_else_is_caught_at_once(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    idp.sign_in_as("sam@rivera-va.example")  # the assistant signed in with their own account
    code, out = mailflow(config, "auth", "login", "dana-m365")
    assert code == 1, out
    assert "dana-m365: signed in as sam@rivera-va.example, but" in out
    assert f"refused the token for {user.name}" in out and "Sign in as the mailbox's owner" in out


def test_a_new_key_seals_the_sign_in_again_under_a_running_daemon_which_goes_on_renewing(
    tmp_path: Path, dovecot_oauth_server: DovecotServer, oauth_server: OAuthServer, oauth_imap_user: DovecotUser
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
    key_file, token_file = tmp_path / "mailflow.key", tmp_path / "credentials" / "dana-m365.token"
    old_key = key_file.read_text().strip()
    account = load_settings(config).clients[0].accounts[0]
    assert isinstance(account, ImapAccount)
    held = oauth.Tokens(account)  # as a running daemon holds it, with the old key read before the rotation
    first = held.token()

    code, out = mailflow(config, "auth", "key", "--rotate")

    assert code == 0 and "dana/dana-m365: sealed again with the new key" in out, out
    new_key = key_file.read_text().strip()
    assert new_key != old_key and old_key not in out and new_key not in out
    # The daemon's next renewal opens the file with the key as it is now and seals the rotated refresh token with it.
    idp.expire_access_tokens(user.name)
    held.refused(first)
    assert held.token() not in (None, first) and idp.token_requests["refresh_token"] == 1
    assert Fernet(new_key.encode()).decrypt(token_file.read_bytes())
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(token_file.read_bytes())
    oauth.forget()  # and a new process signs in with what the file keeps
    server.deliver(user, message("Project after a new key", 1))
    code, out = mailflow(config, "run", "--once")
    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project after a new key"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Make a folder read-only for everybody, root included (a read-only bind mount over it), until the test ends."""
    mounted: list[Path] = []

    def make(path: Path) -> None:
        done = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            mounted.append(path)
            done = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot make {path} read-only here (needs root): {done.stderr.strip()}")

    yield make
    for path in mounted:
        subprocess.run(["umount", str(path)], check=True)


def test_a_renewed_token_is_used_when_its_folder_cannot_be_written_and_says_so(
    tmp_path: Path,
    dovecot_oauth_server: DovecotServer,
    oauth_server: OAuthServer,
    oauth_imap_user: DovecotUser,
    read_only: Callable[[Path], None],
) -> None:
    server, idp, user = dovecot_oauth_server, oauth_server, oauth_imap_user
    config = write_config(tmp_path, server, idp, microsoft_account(server, idp, user))
    assert mailflow(config, "auth", "login", "dana-m365")[0] == 0
    token_file = tmp_path / "credentials" / "dana-m365.token"
    sealed = token_file.read_bytes()
    read_only(token_file.parent)
    oauth.forget()
    idp.expire_access_tokens(user.name)
    server.deliver(user, message("Project on a read-only disk", 1))

    code, out = mailflow(config, "run", "--once")

    assert code == 0, out
    assert "Projects" in keywords(server, user)["Project on a read-only disk"]
    assert idp.token_requests["refresh_token"] == 1 and token_file.read_bytes() == sealed
    assert (  # in the daemon's log, as the assistant sees it
        f"WARNING mailflow.oauth: account dana-m365: cannot save the renewed sign-in in {token_file} (Read-only file "
        "system): this token is used, but the next process starts from the older one; make credentials_dir writable"
    ) in out
