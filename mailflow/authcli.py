"""``mailflow auth ...``: signing OAuth accounts in and out, and what is kept for them.

Registered on the ``mailflow`` group by :mod:`mailflow.cli`; the sign-in
itself is the connectors' (``connectors.oauth``), handed in by the runtime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .cli import EX_CONFIG, EX_PARTIAL, _fail, _runtime, _settings, _store, cli
from .config import ImapAccount, Settings, secret_key_from_env
from .errors import AuthError, ConnectorError

EX_NOT_SIGNED_IN = 1


def _oauth_accounts(settings: Settings) -> list[tuple[str, ImapAccount]]:
    """(client id or "assistant", account) for every account that signs in with OAuth."""
    return [(o, a) for o, a in settings.mailboxes() if isinstance(a, ImapAccount) and a.auth == "oauth2"]


def _account(settings: Settings, account_id: str) -> tuple[str, ImapAccount]:
    accounts = _oauth_accounts(settings)
    for owner, account in accounts:
        if account.id == account_id:
            return owner, account
    known = ", ".join(a.id for _, a in accounts) or 'none: set auth = "oauth2" on an IMAP account'
    _fail(EX_CONFIG, f"no OAuth account {account_id!r} in the config (OAuth accounts: {known})")


def _oauth(ctx: click.Context) -> Any:
    oauth = _runtime(ctx).auth
    if oauth is None:
        raise RuntimeError("this command needs the connectors: start it with the `mailflow` command")
    return oauth


@cli.group()
def auth() -> None:
    """Sign OAuth accounts (Microsoft 365, Google) in and out; see what is kept for them."""


@auth.command()
@click.argument("account")
@click.option("--no-browser", is_flag=True, help="Google: print the address to open instead of opening a browser.")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    help="Google: the loopback port the browser comes back to (default: any free one; set it to tunnel over SSH).",
)
@click.pass_context
def login(ctx: click.Context, account: str, no_browser: bool, port: int) -> None:
    """Sign ACCOUNT in and keep its token, sealed with your secret key.

    Microsoft: open the address shown on any device and enter the code.
    Google: sign in in the browser that opens (or open the address shown, on
    this machine). A parked account is taken back into the schedule.
    """
    oauth = _oauth(ctx)
    settings = _settings(ctx)
    owner, box = _account(settings, account)
    try:
        who = oauth.login(box, echo=click.echo, open_browser=not no_browser, port=port)
    except ConnectorError as exc:
        _fail(EX_NOT_SIGNED_IN, str(exc))
    assert box.oauth is not None
    click.echo(f"{box.id}: signed in as {who}; the token is sealed in {box.oauth.token_file}")
    _check_mailbox(ctx, box, who)
    if owner != "assistant":
        store = _store(settings)
        health = store.health().get(box.id)
        if health is not None and health["state"] != "ok":
            store.set_health(owner, box.id, "ok", "signed in again by the assistant")
            click.echo(f"{box.id}: back in the schedule; the running daemon syncs it within its interval")
        store.close()


def _check_mailbox(ctx: click.Context, box: ImapAccount, who: str) -> None:
    """Log in to the mailbox with the new token now: signing in as the wrong user shows here, not at the next sync."""
    connect = _runtime(ctx).connect
    if connect is None:
        return
    connector = connect(box)
    try:
        connector.open()
    except AuthError as exc:
        _fail(
            EX_NOT_SIGNED_IN,
            f"{box.id}: signed in as {who}, but {box.host} refused the token for {box.username}: {exc}. "
            "Sign in as the mailbox's owner (or a user who may open it)",
        )
    except ConnectorError as exc:
        click.echo(f"{box.id}: could not check the mailbox now ({exc}); the sign-in is kept")
    else:
        click.echo(f"{box.id}: checked: {box.host} accepts the sign-in for {box.username}")
    finally:
        connector.close()


@auth.command()
@click.argument("account")
@click.pass_context
def logout(ctx: click.Context, account: str) -> None:
    """Delete ACCOUNT's sealed token (revoke mailflow's access at the provider's account page too)."""
    oauth = _oauth(ctx)
    _, box = _account(_settings(ctx), account)
    if oauth.logout(box):
        click.echo(f"{box.id}: signed out; its token is deleted")
    else:
        click.echo(f"{box.id}: was not signed in")


@auth.command(name="status")
@click.pass_context
def auth_status(ctx: click.Context) -> None:
    """Every OAuth account: signed in or not, and when its token was last saved. Exit 3 if one is not."""
    oauth = _oauth(ctx)
    accounts = _oauth_accounts(_settings(ctx))
    if not accounts:
        click.echo('no OAuth accounts (set auth = "oauth2" and an [oauth] table on an IMAP account)')
        return
    missing = 0
    for owner, box in accounts:
        signed_in, line = oauth.describe(box)
        missing += 0 if signed_in else 1
        click.echo(f"{owner}/{box.id} ({box.username}): {line}")
    if missing:
        ctx.exit(EX_PARTIAL)


@auth.command()
@click.option(
    "--rotate",
    is_flag=True,
    help="Seal every saved sign-in with a new key instead (no signing in again); the old key is then dropped.",
)
@click.pass_context
def key(ctx: click.Context, rotate: bool) -> None:
    """Print a new secret key, for MAILFLOW_SECRET_KEY or the key file; or, with --rotate, replace the key in use.

    --rotate with the key file: a new key is made, every OAuth account's
    token is sealed again with it, and the old key is dropped. With
    MAILFLOW_SECRET_KEY: set it first to the new key followed by the old one
    (in every process that uses it), run this, then set it to the new key
    alone. Exit 1 if a token could not be sealed again (the old key is kept).
    """
    if not rotate:
        from cryptography.fernet import Fernet

        click.echo(Fernet.generate_key().decode("ascii"))
        return
    from .vault import rotate as rotate_key

    accounts = [(f"{o}/{a.id}", a.oauth) for o, a in _oauth_accounts(_settings(ctx)) if a.oauth is not None]
    if not accounts:
        click.echo('no OAuth accounts (set auth = "oauth2" and an [oauth] table on an IMAP account)')
        return
    by_key: dict[Path, list[Path]] = {}  # an account may name a key file of its own
    names: dict[Path, str] = {}
    for name, cfg in accounts:
        assert cfg.key_file is not None and cfg.token_file is not None
        key_file = accounts[0][1].key_file if secret_key_from_env() else cfg.key_file  # the variable is every one's
        assert key_file is not None
        by_key.setdefault(key_file, []).append(cfg.token_file)
        names[cfg.token_file] = name
    failed = False
    for key_file, paths in by_key.items():
        try:
            done = rotate_key(key_file, paths)
        except AuthError as exc:
            _fail(EX_CONFIG, str(exc))
        for path in done.resealed:
            click.echo(f"{names[path]}: sealed again with the new key ({path})")
        for path in done.absent:
            click.echo(f"{names[path]}: not signed in, nothing to seal")
        for path, why in done.failed:
            click.echo(f"{names[path]}: NOT sealed again: {why}", err=True)
        if done.failed:
            failed = True
            click.echo(f"the old key is kept in {key_file}, so the other tokens stay readable", err=True)
        elif done.dropped:
            click.echo(f"new key in {key_file}; the old one is gone")
        else:
            click.echo("sealed with the first key of MAILFLOW_SECRET_KEY: now set it to that key alone, everywhere")
    if failed:
        ctx.exit(EX_NOT_SIGNED_IN)
