"""``mailflow auth ...``: signing OAuth accounts in and out, and what is kept for them.

Registered on the ``mailflow`` group by :mod:`mailflow.cli`; the sign-in
itself is the connectors' (``connectors.oauth``), handed in by the runtime.
"""

from __future__ import annotations

from typing import Any

import click

from .cli import EX_CONFIG, EX_PARTIAL, _fail, _runtime, _settings, _store, cli
from .config import ImapAccount, Settings
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
def key() -> None:
    """Print a new secret key, for MAILFLOW_SECRET_KEY or the key file (tokens sealed with another are lost)."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode("ascii"))
