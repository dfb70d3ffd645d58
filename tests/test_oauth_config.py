"""OAuth accounts in the config, the sealing key and the sealed token files, and `mailflow auth` offline."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from mailflow.cli import cli
from mailflow.config import ImapAccount, load_settings
from mailflow.errors import AuthError, ConfigError
from mailflow.vault import Vault, read_sealed, write_sealed
from workers.main import RUNTIME

BASE = """
[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"

[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"

[[clients.accounts]]
kind = "imap"
id = "dana-m365"
host = "outlook.office365.com"
username = "dana@acme.example"
"""

MICROSOFT = (
    BASE
    + """auth = "oauth2"
[clients.accounts.oauth]
provider = "microsoft"
client_id = "0a1b2c3d-0000-4000-8000-000000000001"
tenant = "acme.example"
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    return caught.value.problems


def test_an_oauth_account_needs_no_password_and_gets_its_token_and_key_files_beside_the_config(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MICROSOFT))
    account = settings.clients[0].accounts[0]
    assert isinstance(account, ImapAccount) and account.oauth is not None
    assert account.auth == "oauth2" and account.secret() is None
    assert account.oauth.token_file == tmp_path.resolve() / "credentials" / "dana-m365.token"
    assert account.oauth.key_file == tmp_path.resolve() / "mailflow.key"


def test_the_token_and_key_places_can_be_set_relative_to_the_config(tmp_path: Path) -> None:
    text = 'credentials_dir = "state/tokens"\nsecret_key_file = "~/keys/mf.key"\n' + MICROSOFT
    account = load_settings(write(tmp_path, text)).clients[0].accounts[0]
    assert isinstance(account, ImapAccount) and account.oauth is not None
    assert account.oauth.token_file == tmp_path.resolve() / "state" / "tokens" / "dana-m365.token"
    assert account.oauth.key_file == Path(os.path.expanduser("~/keys/mf.key")).resolve()
    own = MICROSOFT + 'token_file = "dana.sealed"\n'
    account = load_settings(write(tmp_path, own)).clients[0].accounts[0]
    assert isinstance(account, ImapAccount) and account.oauth is not None
    assert account.oauth.token_file == tmp_path.resolve() / "dana.sealed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BASE + 'auth = "oauth2"\n', 'auth = "oauth2" needs an [oauth] table'),
        (MICROSOFT.replace('auth = "oauth2"', 'auth = "oauth2"\npassword = "x"'), "remove password"),
        (BASE + 'password = "x"\n[clients.accounts.oauth]\nprovider = "google"\nclient_secrets = "g.json"\n', "auth ="),
        (MICROSOFT.replace('client_id = "0a1b2c3d-0000-4000-8000-000000000001"\n', ""), "needs client_id"),
        (BASE + 'auth = "oauth2"\n[clients.accounts.oauth]\nprovider = "google"\n', "needs client_secrets"),
        (MICROSOFT + 'authority = "http://login.example"\n', "expected an https:// URL"),
        (MICROSOFT.replace('"microsoft"', '"yahoo"'), "provider"),
        (MICROSOFT + 'secret = "x"\n', "unknown key"),
        (
            BASE + 'password = "x"\n[clients.accounts.smtp]\nhost = "smtp.example"\nauth = "oauth2"\n',
            "uses the account's sign-in",
        ),
    ],
)
def test_every_oauth_mistake_is_named_with_its_key(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(expected in p and "clients[0].accounts[0]" in p for p in found), found


def test_the_key_file_is_made_once_private_and_the_sealed_file_hides_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILFLOW_SECRET_KEY", raising=False)
    key_file = tmp_path / "keys" / "mailflow.key"
    with pytest.raises(AuthError, match=r"no secret key.*mailflow auth login"):
        Vault(key_file)
    vault = Vault(key_file, create=True)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_text()
    assert Vault(key_file, create=True) and key_file.read_text() == first  # never replaced
    path = tmp_path / "credentials" / "dana.token"
    assert read_sealed(path, vault) is None
    write_sealed(path, vault, '{"refresh_token": "1//very-secret-refresh"}')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"very-secret" not in path.read_bytes()
    assert read_sealed(path, Vault(key_file)) == '{"refresh_token": "1//very-secret-refresh"}'
    assert [p.name for p in path.parent.iterdir() if not p.name.endswith(".lock")] == ["dana.token"]


def test_the_environment_key_wins_and_another_key_or_a_changed_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "mailflow.key"
    monkeypatch.setenv("MAILFLOW_SECRET_KEY", Fernet.generate_key().decode())
    vault = Vault(key_file)  # no file needed, none made
    assert vault.source == "MAILFLOW_SECRET_KEY" and not key_file.exists()
    path = tmp_path / "dana.token"
    write_sealed(path, vault, "secret text")
    monkeypatch.setenv("MAILFLOW_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(AuthError, match="sealed with another key or changed since"):
        read_sealed(path, Vault(key_file))
    monkeypatch.setenv("MAILFLOW_SECRET_KEY", "not-a-key")
    with pytest.raises(AuthError, match="not a key mailflow made"):
        Vault(key_file)


def test_auth_status_names_accounts_not_signed_in_and_login_refuses_unknown_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILFLOW_SECRET_KEY", raising=False)
    config = write(tmp_path, MICROSOFT)
    run = CliRunner()
    result = run.invoke(cli, ["--config", str(config), "auth", "status"], obj={"runtime": RUNTIME})
    assert result.exit_code == 3, result.output
    assert "dana/dana-m365 (dana@acme.example): cannot read: no secret key" in result.output
    Vault(tmp_path / "mailflow.key", create=True)
    result = run.invoke(cli, ["--config", str(config), "auth", "status"], obj={"runtime": RUNTIME})
    assert "not signed in: run `mailflow auth login dana-m365`" in result.output
    result = run.invoke(cli, ["--config", str(config), "status"], obj={"runtime": RUNTIME})
    assert result.exit_code == 3 and "    sign-in: not signed in: run `mailflow auth login dana-m365`" in result.output
    result = run.invoke(cli, ["--config", str(config), "auth", "login", "dana"], obj={"runtime": RUNTIME})
    assert result.exit_code == 2
    assert "no OAuth account 'dana' in the config (OAuth accounts: dana-m365)" in result.output
    result = run.invoke(cli, ["auth", "key"], obj={"runtime": RUNTIME})
    assert result.exit_code == 0 and Fernet(result.output.strip().encode())
