"""The config file: the documented shape loads, and every mistake is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.config import ImapAccount, MaildirAccount, load_settings
from mailflow.errors import ConfigError

ISSUE_SHAPE = """
database = "sqlite:///mailflow.db"     # or postgresql://...
broker = "embedded"                    # or redis://..., amqp://...
rules_dir = "rules"

[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"

[[clients]]
id = "dana"                            # rules file: <rules_dir>/dana.toml
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"

[[clients.accounts]]
kind = "imap"                          # or "maildir" with path = "..."
host = "imap.example.com"
port = 993
username = "dana"
password_env = "DANA_IMAP_PASSWORD"    # or password = "..."
tls = "ssl"                            # "ssl" | "starttls" | "none"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_the_documented_shape_loads_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ISSUE_SHAPE))
    assert settings.database == f"sqlite:///{tmp_path.resolve() / 'mailflow.db'}"
    assert settings.rules_file("dana") == tmp_path.resolve() / "rules" / "dana.toml"
    account = settings.clients[0].accounts[0]
    assert isinstance(account, ImapAccount)
    assert account.id == "dana"
    assert account.effective_port == 993


def test_without_a_database_key_the_ledger_is_beside_the_config_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ISSUE_SHAPE.replace('database = "sqlite:///mailflow.db"     # or postgresql://...', "")
    config = write(tmp_path, text)
    monkeypatch.chdir("/")
    assert load_settings(config).database == f"sqlite:///{tmp_path.resolve() / 'mailflow.db'}"
    monkeypatch.setenv("MAILFLOW_DATABASE", "postgresql://mf@db.example/mailflow")
    assert load_settings(config).database == "postgresql://mf@db.example/mailflow"


def test_the_password_comes_from_the_environment_and_never_shows_in_a_repr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANA_IMAP_PASSWORD", "hunter2-secret")
    settings = load_settings(
        write(tmp_path, ISSUE_SHAPE.replace('password_env = "DANA_IMAP_PASSWORD"', 'password = "inline-secret"'))
    )
    account = settings.clients[0].accounts[0]
    assert isinstance(account, ImapAccount)
    assert account.secret() == "inline-secret"
    assert "inline-secret" not in repr(settings)
    env_settings = load_settings(write(tmp_path, ISSUE_SHAPE))
    env_account = env_settings.clients[0].accounts[0]
    assert isinstance(env_account, ImapAccount)
    assert env_account.secret() == "hunter2-secret"


def test_environment_variables_override_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILFLOW_DATABASE", "postgresql://mf@db.example/mailflow")
    monkeypatch.setenv("MAILFLOW_LOG_LEVEL", "debug")
    settings = load_settings(write(tmp_path, ISSUE_SHAPE))
    assert settings.database == "postgresql://mf@db.example/mailflow"
    assert settings.log_level == "debug"


def test_the_config_path_falls_back_to_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, ISSUE_SHAPE)
    monkeypatch.setenv("MAILFLOW_CONFIG", str(path))
    assert load_settings().clients[0].id == "dana"


def test_every_problem_is_reported_at_once_with_its_key(tmp_path: Path) -> None:
    broken = (
        ISSUE_SHAPE.replace('tls = "ssl"', 'tls = "tls1.3"')
        .replace('timezone = "America/New_York"', 'timezone = "Mars/Olympus"\ncolour = "blue"')
        .replace("port = 993", 'port = "nine"')
    )
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, broken))
    text = "\n".join(info.value.problems)
    assert len(info.value.problems) == 4, text
    assert "clients[0].accounts[0].tls" in text and "'ssl', 'starttls' or 'none'" in text
    assert "clients[0].timezone: unknown time zone 'Mars/Olympus'" in text
    assert "clients[0].colour: unknown key" in text
    assert "clients[0].accounts[0].port" in text


def test_a_missing_password_and_a_missing_assistant_are_named(tmp_path: Path) -> None:
    text = ISSUE_SHAPE.replace('password_env = "DANA_IMAP_PASSWORD"', "").replace(
        '[assistant]\nname = "Sam Rivera"\nemail = "sam@rivera-va.example"\n', ""
    )
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    joined = "\n".join(info.value.problems)
    assert "assistant: required key is missing" in joined
    assert "set password_env" in joined


def test_a_missing_file_and_bad_toml_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mailflow init"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "database = \n"))


def test_maildir_accounts_get_numbered_ids_and_absolute_paths(tmp_path: Path) -> None:
    text = ISSUE_SHAPE + '\n[[clients.accounts]]\nkind = "maildir"\npath = "mail/dana"\n'
    settings = load_settings(write(tmp_path, text))
    second = settings.clients[0].accounts[1]
    assert isinstance(second, MaildirAccount)
    assert second.id == "dana-2"
    assert second.path == tmp_path.resolve() / "mail" / "dana"


LEE = """
[[clients]]
id = "lee"
name = "Lee Park"
email = "lee@park.example"
"""


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        (  # the same IMAP mailbox (host and user in another case, the port by default)
            '[[clients.accounts]]\nkind = "imap"\nhost = "IMAP.example.com"\nusername = "Dana"\npassword = "x"\n',
            "the mailbox Dana@IMAP.example.com is configured twice (account 'dana' of dana and 'lee' of lee): its "
            "mail would be handled twice; configure it once",
        ),
        (  # an id another client's account already has
            '[[clients.accounts]]\nid = "dana"\nkind = "maildir"\npath = "mail/lee"\n',
            "account id 'dana' is used twice (by dana and lee): give each account an id of its own",
        ),
    ],
    ids=["same-imap-mailbox", "same-account-id"],
)
def test_one_mailbox_for_two_clients_is_refused(tmp_path: Path, account: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, ISSUE_SHAPE + LEE + account))
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_the_same_maildir_for_a_client_and_the_assistant_is_refused(tmp_path: Path) -> None:
    text = ISSUE_SHAPE.replace(
        'email = "sam@rivera-va.example"\n',
        'email = "sam@rivera-va.example"\n[assistant.mailbox]\nkind = "maildir"\npath = "./mail/../mail/dana"\n',
    )
    text += '\n[[clients.accounts]]\nkind = "maildir"\npath = "mail/dana"\n'
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert any(
        "is configured twice (account 'dana-2' of dana and 'assistant' of assistant)" in p for p in info.value.problems
    )


def test_the_example_config_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    settings = load_settings(example)
    assert settings.clients[0].id == "dana"
