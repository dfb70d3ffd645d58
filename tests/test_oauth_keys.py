"""Replacing the key that seals OAuth tokens without signing in again: ``vault.rotate`` and ``auth key --rotate``."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken

from mailflow.cli import cli
from mailflow.errors import AuthError
from mailflow.vault import Vault, read_sealed, rotate, write_sealed
from workers.main import RUNTIME

from .test_oauth_config import MICROSOFT, write

SECOND = """
[[clients.accounts]]
kind = "imap"
id = "dana-shared"
host = "outlook.office365.com"
username = "office@acme.example"
auth = "oauth2"
[clients.accounts.oauth]
provider = "microsoft"
client_id = "0a1b2c3d-0000-4000-8000-000000000001"
tenant = "acme.example"
"""


def opens_with(key: str, path: Path) -> str:
    return Fernet(key.encode()).decrypt(path.read_bytes()).decode()


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILFLOW_SECRET_KEY", raising=False)


def test_rotation_seals_every_file_with_a_new_key_and_drops_the_old_one(tmp_path: Path) -> None:
    key_file = tmp_path / "mailflow.key"
    vault = Vault(key_file, create=True)
    old = key_file.read_text().strip()
    one, two, absent = tmp_path / "c" / "one.token", tmp_path / "c" / "two.token", tmp_path / "c" / "none.token"
    write_sealed(one, vault, "first secret")
    write_sealed(two, vault, "second secret")

    done = rotate(key_file, [one, two, absent])

    assert (done.resealed, done.absent, done.failed, done.dropped) == ([one, two], [absent], [], 1)
    new = key_file.read_text().strip()
    assert new != old and len(new.split()) == 1 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert opens_with(new, one) == "first secret" and opens_with(new, two) == "second secret"
    with pytest.raises(InvalidToken):
        opens_with(old, one)  # a copy of the old key no longer opens anything
    assert stat.S_IMODE(one.stat().st_mode) == 0o600 and not absent.exists()
    assert read_sealed(two, Vault(key_file)) == "second secret"


def test_a_file_no_key_opens_keeps_the_old_key_so_the_others_stay_readable(tmp_path: Path) -> None:
    key_file = tmp_path / "mailflow.key"
    vault = Vault(key_file, create=True)
    old = key_file.read_text().strip()
    good, stranger = tmp_path / "good.token", tmp_path / "stranger.token"
    write_sealed(good, vault, "mine")
    stranger.write_bytes(Fernet(Fernet.generate_key()).encrypt(b"someone else's"))
    before = stranger.read_bytes()

    done = rotate(key_file, [good, stranger])

    assert done.resealed == [good] and done.dropped == 0
    assert [p for p, _ in done.failed] == [stranger] and "sealed with another key" in done.failed[0][1]
    keys = key_file.read_text().split()
    assert len(keys) == 2 and keys[1] == old  # the new key first, the old one kept after it
    assert opens_with(keys[0], good) == "mine" and stranger.read_bytes() == before
    assert read_sealed(good, Vault(key_file)) == "mine"


def test_with_the_environment_key_the_new_key_must_come_first_and_dropping_the_old_is_the_assistants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "mailflow.key"
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("MAILFLOW_SECRET_KEY", old)
    path = tmp_path / "dana.token"
    write_sealed(path, Vault(key_file), "secret")
    with pytest.raises(AuthError, match=r"MAILFLOW_SECRET_KEY holds one key: .*new key .* followed by the old one"):
        rotate(key_file, [path])
    assert opens_with(old, path) == "secret"

    monkeypatch.setenv("MAILFLOW_SECRET_KEY", f"{new}, {old}")  # any of spaces, commas, lines between keys
    assert read_sealed(path, Vault(key_file)) == "secret"  # both open while the variable holds both
    done = rotate(key_file, [path])

    assert done.resealed == [path] and done.dropped == 0 and not key_file.exists()
    monkeypatch.setenv("MAILFLOW_SECRET_KEY", new)
    assert read_sealed(path, Vault(key_file)) == "secret"


def test_auth_key_rotate_reseals_every_account_and_says_what_it_did(tmp_path: Path) -> None:
    config = write(tmp_path, MICROSOFT + SECOND)
    key_file = tmp_path / "mailflow.key"
    vault = Vault(key_file, create=True)
    old = key_file.read_text().strip()
    token = tmp_path / "credentials" / "dana-m365.token"
    write_sealed(token, vault, '{"RefreshToken": {}}')
    run = CliRunner()

    result = run.invoke(cli, ["--config", str(config), "auth", "key", "--rotate"], obj={"runtime": RUNTIME})

    assert result.exit_code == 0, result.output
    assert f"dana/dana-m365: sealed again with the new key ({token})" in result.output
    assert "dana/dana-shared: not signed in, nothing to seal" in result.output
    assert f"new key in {key_file}; the old one is gone" in result.output
    new = key_file.read_text().strip()
    assert new != old and opens_with(new, token) == '{"RefreshToken": {}}'
    assert old not in result.output and new not in result.output  # keys are never printed by a rotation

    token.write_bytes(Fernet(Fernet.generate_key()).encrypt(b"x"))  # a file sealed with a key nobody has
    result = run.invoke(cli, ["--config", str(config), "auth", "key", "--rotate"], obj={"runtime": RUNTIME})
    assert result.exit_code == 1
    assert "dana/dana-m365: NOT sealed again:" in result.output
    assert f"the old key is kept in {key_file}" in result.output
    assert key_file.read_text().split()[1] == new


def test_auth_key_rotate_without_a_key_or_accounts_says_so(tmp_path: Path) -> None:
    run = CliRunner()
    config = write(tmp_path, MICROSOFT)
    result = run.invoke(cli, ["--config", str(config), "auth", "key", "--rotate"], obj={"runtime": RUNTIME})
    assert result.exit_code == 2 and "no secret key" in result.output and not (tmp_path / "mailflow.key").exists()
    plain = write(tmp_path, MICROSOFT.split("auth =")[0] + 'password = "x"\n')
    result = run.invoke(cli, ["--config", str(plain), "auth", "key", "--rotate"], obj={"runtime": RUNTIME})
    assert result.exit_code == 0 and "no OAuth accounts" in result.output
