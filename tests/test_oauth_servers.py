"""The OAuth test infrastructure (tests/servers/oauth.py and the OAuth Dovecot) through the real libraries.

No mocks: msal, google-auth / google-auth-oauthlib and imapclient talk HTTPS
and IMAP to the fake identity provider and to Dovecot on loopback. The
comments and docstrings record what the libraries really do on an expired
access token, a revoked refresh token and a throttled token endpoint, for the
product code that maps those to "retry later" or "log in again".
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import google.auth.transport.requests
import msal
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.servers.oauth import (
    DEFAULT_GOOGLE_CLIENT_ID,
    DEFAULT_GOOGLE_CLIENT_SECRET,
    DEFAULT_USER,
    DEVICE_FLOW_GRANT,
    OAuthServer,
)

IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All"
GMAIL_SCOPE = "https://mail.google.com/"
CLIENT_ID = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"


@pytest.fixture
def idp(oauth_server: OAuthServer, monkeypatch: pytest.MonkeyPatch) -> OAuthServer:
    """The fake identity provider, its CA trusted by requests (so by msal and google-auth)."""
    oauth_server.trust(monkeypatch)
    return oauth_server


def ms_app(server: OAuthServer, cache: msal.TokenCache | None = None) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(
        CLIENT_ID,
        authority=server.microsoft_authority("organizations"),
        instance_discovery=False,
        token_cache=cache or msal.SerializableTokenCache(),
    )


def ms_login(server: OAuthServer, cache: msal.TokenCache | None = None) -> tuple[msal.PublicClientApplication, dict]:
    """A device-flow login, without the 1 s poll interval; returns the app and msal's result."""
    server.device_interval = 0
    app = ms_app(server, cache)
    flow = app.initiate_device_flow(scopes=[IMAP_SCOPE])
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    return app, result


def google_flow(server: OAuthServer, tmp_path: Path, scopes: list[str] | None = None) -> InstalledAppFlow:
    secrets_file = server.google_client_secrets(tmp_path / "client_secret.json")
    return InstalledAppFlow.from_client_secrets_file(str(secrets_file), scopes=scopes or [GMAIL_SCOPE])


def google_login(server: OAuthServer, tmp_path: Path) -> Credentials:
    flow = google_flow(server, tmp_path)
    with server.auto_browse():
        return flow.run_local_server(open_browser=False, port=0, timeout_seconds=10)


# -- the server itself -------------------------------------------------------------


def test_serves_https_with_its_own_ca_and_plain_http_tokeninfo(idp: OAuthServer) -> None:
    with requests.Session() as untrusting, pytest.raises(requests.exceptions.SSLError):
        untrusting.trust_env = False  # no REQUESTS_CA_BUNDLE: the system CAs do not know this server
        untrusting.get(f"{idp.base_url}/organizations/v2.0/.well-known/openid-configuration", timeout=5)
    config = requests.get(
        f"{idp.base_url}/organizations/v2.0/.well-known/openid-configuration", verify=str(idp.cafile), timeout=5
    ).json()
    assert config["token_endpoint"] == f"{idp.base_url}/organizations/oauth2/v2.0/token"
    assert config["device_authorization_endpoint"] == f"{idp.base_url}/organizations/oauth2/v2.0/devicecode"
    assert requests.get(f"https://localhost:{idp.https_port}/o/oauth2/auth", timeout=5).status_code == 401

    token = idp.issue_access_token("Eve@Acme.example")
    info = requests.get(idp.tokeninfo_url + token, timeout=5)
    assert info.status_code == 200
    assert info.json()["email"] == "eve@acme.example"
    assert info.json()["active"] is True
    assert requests.get(idp.tokeninfo_url + "nope", timeout=5).status_code == 401
    assert [r.status for r in idp.seen("tokeninfo")] == [200, 401]


def test_reset_between_tests_part_one(idp: OAuthServer) -> None:
    idp.revoke(DEFAULT_USER)
    idp.fail_token_endpoint(5)
    idp.access_lifetime = 2
    idp.sign_in_as("someone@else.example")
    ms_app(idp).acquire_token_by_refresh_token("garbage", [IMAP_SCOPE])
    assert idp.token_requests["refresh_token"] == 1


def test_reset_between_tests_part_two(idp: OAuthServer) -> None:
    assert idp.token_requests == {}
    assert idp.requests == []
    assert idp.access_lifetime == 3600
    assert idp.signed_in == DEFAULT_USER
    _, result = ms_login(idp)  # no queued failure left
    assert result["id_token_claims"]["preferred_username"] == DEFAULT_USER


# -- Microsoft (msal) ----------------------------------------------------------


def test_msal_device_flow_then_silent_from_a_serialized_cache(idp: OAuthServer) -> None:
    """Device flow, then a new app from the serialized cache: cache hit, then a refresh_token refresh.

    msal treats a cached access token with less than 5 minutes left as
    expired: with ``access_lifetime`` <= 300 every ``acquire_token_silent``
    goes to the token endpoint. 302 s here gives a cache hit for 2 s.
    """
    idp.access_lifetime = 302
    idp.sign_in_as("dana@acme.example")
    cache = msal.SerializableTokenCache()
    app = ms_app(idp, cache)
    flow = app.initiate_device_flow(scopes=[IMAP_SCOPE])
    assert flow["interval"] == 1
    assert flow["user_code"] in flow["message"]
    result = app.acquire_token_by_device_flow(flow)  # one authorization_pending, 1 s sleep, then tokens

    assert result["token_type"] == "Bearer"
    assert result["id_token_claims"]["preferred_username"] == "dana@acme.example"
    assert result["id_token_claims"]["aud"] == CLIENT_ID
    assert idp.token_requests[DEVICE_FLOW_GRANT] == 2
    first_token = result["access_token"]
    assert idp.token_info(first_token)["email"] == "dana@acme.example"

    restored = msal.SerializableTokenCache()
    restored.deserialize(cache.serialize())
    app2 = ms_app(idp, restored)
    accounts = app2.get_accounts()
    assert [a["username"] for a in accounts] == ["dana@acme.example"]
    assert app2.get_accounts(username="dana@acme.example") == accounts

    cached = app2.acquire_token_silent([IMAP_SCOPE], account=accounts[0])
    assert cached is not None
    assert cached["access_token"] == first_token
    assert cached["token_source"] == "cache"
    assert idp.token_requests["refresh_token"] == 0

    time.sleep(2.2)  # now under msal's 5-minute margin
    refreshed = app2.acquire_token_silent([IMAP_SCOPE], account=accounts[0])
    assert refreshed is not None
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != first_token
    assert idp.token_requests["refresh_token"] == 1
    assert idp.token_info(refreshed["access_token"]) is not None
    assert restored.has_state_changed

    # The refresh token rotated and msal's cache holds the new one; the old one still works.
    old_rt, new_rt = idp.refresh_tokens["dana@acme.example"]
    assert new_rt in restored.serialize()
    assert old_rt not in restored.serialize()
    again = ms_app(idp).acquire_token_by_refresh_token(old_rt, [IMAP_SCOPE])
    assert "access_token" in again


def test_msal_with_no_account_in_the_cache(idp: OAuthServer) -> None:
    app = ms_app(idp)
    assert app.get_accounts() == []
    assert app.acquire_token_silent([IMAP_SCOPE], account=None) is None
    assert idp.requests == [r for r in idp.requests if r.endpoint == "ms.discovery"]


def test_msal_revoked_refresh_token(idp: OAuthServer) -> None:
    """A revoked user: msal keeps serving the cached access token; a refresh gets invalid_grant.

    * While the cached access token has more than 5 minutes left,
      ``acquire_token_silent`` returns it (``token_source == "cache"``)
      without asking the server: msal cannot know of the revocation. Dovecot
      then refuses the token; call again with ``force_refresh=True``.
    * A refresh (expired, or ``force_refresh=True``): ``acquire_token_silent``
      returns ``None``; ``acquire_token_silent_with_error`` returns the
      server's error body as a dict: ``{"error": "invalid_grant",
      "error_description": "AADSTS50173: The provided grant has expired due to
      it being revoked, ...", "error_codes": [50173], "timestamp", "trace_id",
      "correlation_id", "error_uri"}``. No exception. Map ``error ==
      "invalid_grant"`` to "log in again" (``interaction_required`` and
      ``AADSTS50076``-style MFA errors are the same for a daemon).
    * msal does not drop the account or the refresh token from its cache.
    * msal caches an HTTP 400 for 60 s per app instance: the same silent
      call again within a minute gets the same error dict without any request.
    """
    app, result = ms_login(idp)
    account = app.get_accounts()[0]
    idp.revoke(DEFAULT_USER)

    cached = app.acquire_token_silent([IMAP_SCOPE], account=account)
    assert cached is not None
    assert cached["access_token"] == result["access_token"]
    assert cached["token_source"] == "cache"
    assert idp.token_info(cached["access_token"]) is None  # ... but it no longer validates

    assert app.acquire_token_silent([IMAP_SCOPE], account=account, force_refresh=True) is None
    assert idp.token_requests["refresh_token"] == 1
    error = app.acquire_token_silent_with_error([IMAP_SCOPE], account=account, force_refresh=True)
    assert error is not None
    assert error["error"] == "invalid_grant"
    assert error["error_description"].startswith("AADSTS50173: The provided grant has expired due to it being revoked")
    assert error["error_codes"] == [50173]
    assert idp.token_requests["refresh_token"] == 1  # msal's own 60 s cache of the 400 answered
    assert app.get_accounts() == [account]

    # Signing in again gives working tokens.
    _, fresh = ms_login(idp)
    assert idp.token_info(fresh["access_token"]) is not None


def test_msal_throttled_token_endpoint(idp: OAuthServer) -> None:
    """429 + Retry-After, and 503, on the token endpoint, as msal sees them.

    * 429 (JSON body): no exception, no retry. ``acquire_token_silent_with_error``
      returns the body as a dict, here ``{"error": "temporarily_unavailable",
      "error_description": "The request was throttled."}``;
      ``acquire_token_silent`` returns ``None``. msal then remembers the 429
      for ``Retry-After`` seconds per app instance (by client, scope and
      refresh token): calls in that window get the same dict without a
      request. After it, the call goes through.
    * 5xx: msal raises ``msal.exceptions.MsalServiceError("HTTP Error: 503")``
      (``error`` and ``error_description`` None) from ``acquire_token_silent``
      (it is not a ``requests`` exception, so msal does not fall back to a
      still-valid cached token). Without a Retry-After, msal then throttles
      that request for 60 s (its default for public clients): a second call
      raises the same without reaching the server.
    * The device flow (``acquire_token_by_device_flow``) stops polling at a
      429 and returns the error dict.
    """
    app, _ = ms_login(idp)
    account = app.get_accounts()[0]
    requests_before = idp.token_requests["refresh_token"]

    idp.fail_token_endpoint(1, status=429, retry_after=2)
    throttled = app.acquire_token_silent_with_error([IMAP_SCOPE], account=account, force_refresh=True)
    assert throttled == {"error": "temporarily_unavailable", "error_description": "The request was throttled."}
    assert app.acquire_token_silent([IMAP_SCOPE], account=account, force_refresh=True) is None
    assert idp.token_requests["refresh_token"] == requests_before + 1  # the second one never left msal
    time.sleep(2.1)
    ok = app.acquire_token_silent_with_error([IMAP_SCOPE], account=account, force_refresh=True)
    assert ok is not None
    assert "access_token" in ok
    assert idp.token_requests["refresh_token"] == requests_before + 2

    idp.fail_token_endpoint(1, status=503, retry_after=None)
    with pytest.raises(msal.exceptions.MsalServiceError, match="HTTP Error: 503"):
        app.acquire_token_silent([IMAP_SCOPE], account=account, force_refresh=True)
    with pytest.raises(msal.exceptions.MsalServiceError):
        app.acquire_token_silent([IMAP_SCOPE], account=account, force_refresh=True)
    assert idp.token_requests["refresh_token"] == requests_before + 3

    idp.fail_token_endpoint(1, status=429, retry_after=1)
    flow = app.initiate_device_flow(scopes=[IMAP_SCOPE])
    assert app.acquire_token_by_device_flow(flow)["error"] == "temporarily_unavailable"


def test_msal_device_flow_manual_approval_and_decline(idp: OAuthServer) -> None:
    """``auto_approve = False``: polls stay ``authorization_pending`` until the test approves or declines.

    Careful with ``device_interval = 0`` there: msal checks ``exit_condition``
    / ``expires_at`` only while sleeping between polls, so with interval 0 a
    flow nobody approves is polled in a busy loop for ever.
    """
    idp.auto_approve = False
    app = ms_app(idp)
    flow = app.initiate_device_flow(scopes=[IMAP_SCOPE])
    flow["expires_at"] = 0  # one poll only (msal's documented way out of the loop)
    assert app.acquire_token_by_device_flow(flow)["error"] == "authorization_pending"
    idp.approve_device_code(flow["user_code"], "eve@acme.example")
    result = app.acquire_token_by_device_flow(flow)
    assert result["id_token_claims"]["preferred_username"] == "eve@acme.example"

    declined = app.initiate_device_flow(scopes=[IMAP_SCOPE])
    idp.decline_device_code(declined["user_code"])
    assert app.acquire_token_by_device_flow(declined)["error"] == "authorization_declined"


# -- Google (google-auth, google-auth-oauthlib) --------------------------------


def test_google_run_local_server_then_refresh(idp: OAuthServer, tmp_path: Path) -> None:
    idp.sign_in_as("gary@gmail.example")
    flow = google_flow(idp, tmp_path)
    with idp.auto_browse() as urls:
        creds = flow.run_local_server(open_browser=False, port=0, timeout_seconds=10)

    assert len(urls) == 1
    assert "code_challenge_method=S256" in urls[0]
    assert "access_type=offline" in urls[0]
    assert creds.valid
    assert creds.refresh_token == idp.refresh_tokens["gary@gmail.example"][0]
    assert creds.granted_scopes == [GMAIL_SCOPE]
    assert idp.token_info(creds.token)["email"] == "gary@gmail.example"
    assert idp.token_requests["authorization_code"] == 1
    assert idp.seen("google.token")[0].headers["authorization"].startswith("Basic ")  # requests-oauthlib's choice

    # What the product stores and rebuilds later:
    stored = json.loads(creds.to_json())
    later = Credentials(
        token=None,
        refresh_token=stored["refresh_token"],
        token_uri=idp.google_token_uri,
        client_id=DEFAULT_GOOGLE_CLIENT_ID,
        client_secret=DEFAULT_GOOGLE_CLIENT_SECRET,
        scopes=[GMAIL_SCOPE],
    )
    assert not later.valid
    later.refresh(google.auth.transport.requests.Request())
    assert later.valid
    assert later.token != creds.token
    assert later.refresh_token == creds.refresh_token  # Google does not rotate refresh tokens
    assert idp.token_requests["refresh_token"] == 1
    assert idp.token_info(later.token)["email"] == "gary@gmail.example"


def test_google_short_lived_tokens_count_as_expired_at_once(idp: OAuthServer, tmp_path: Path) -> None:
    """google-auth calls credentials expired 3 min 45 s before ``expiry``: a 2 s token is never ``valid``."""
    idp.access_lifetime = 2
    creds = google_login(idp, tmp_path)
    assert creds.expired
    assert not creds.valid
    assert idp.token_info(creds.token) is not None  # the server still takes it for 2 s


def test_google_revoked_refresh_token(idp: OAuthServer, tmp_path: Path) -> None:
    """A revoked refresh token: ``Credentials.refresh`` raises ``google.auth.exceptions.RefreshError``.

    Its shape: ``exc.args == ("invalid_grant: Token has been expired or
    revoked.", {"error": "invalid_grant", "error_description": "Token has
    been expired or revoked."})`` (so ``str(exc)`` is the repr of that
    tuple, not the message), ``exc.retryable is False``. No retry. Map
    ``args[1]["error"] == "invalid_grant"`` to "log in again".
    """
    creds = google_login(idp, tmp_path)
    idp.revoke(DEFAULT_USER)
    with pytest.raises(RefreshError) as caught:
        creds.refresh(google.auth.transport.requests.Request())
    exc = caught.value
    assert exc.args == (
        "invalid_grant: Token has been expired or revoked.",
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
    )
    assert exc.retryable is False
    assert idp.token_requests["refresh_token"] == 1


def test_google_throttled_token_endpoint(idp: OAuthServer, tmp_path: Path) -> None:
    """429 (or 500/503/408/504) on the token endpoint, as google-auth sees it.

    google-auth retries by itself inside ``refresh()``: 3 attempts in all,
    with exponential backoff of about 1 s then 2 s (10 % jitter), ignoring
    Retry-After. So one 429 costs a second and then succeeds; three in a row
    raise ``RefreshError("temporarily_unavailable: The request was
    throttled.", {"error": ..., "error_description": ...})`` with
    ``retryable is True`` after about 3 s. (An error body whose ``error`` is
    ``temporarily_unavailable``, ``server_error`` or ``internal_failure`` is
    retried whatever the status.) Map ``retryable`` to "retry later".
    """
    creds = google_login(idp, tmp_path)
    idp.fail_token_endpoint(1, status=429, retry_after=30)
    started = time.monotonic()
    creds.refresh(google.auth.transport.requests.Request())
    assert 0.8 < time.monotonic() - started < 2.5
    assert idp.token_requests["refresh_token"] == 2

    idp.fail_token_endpoint(3, status=429, retry_after=30)
    with pytest.raises(RefreshError) as caught:
        creds.refresh(google.auth.transport.requests.Request())
    assert caught.value.retryable is True
    assert caught.value.args[1] == {
        "error": "temporarily_unavailable",
        "error_description": "The request was throttled.",
    }
    assert idp.token_requests["refresh_token"] == 5


def test_google_email_scope_changes_the_granted_scope(idp: OAuthServer, tmp_path: Path) -> None:
    """Asking for ``email`` gets ``.../auth/userinfo.email`` back, as from Google: oauthlib raises ``Warning``.

    (``OAUTHLIB_RELAX_TOKEN_SCOPE=1`` turns that off; or ask for the long names.)
    """
    flow = google_flow(idp, tmp_path, scopes=[GMAIL_SCOPE, "openid", "email"])
    with pytest.raises(Warning, match="Scope has changed"), idp.auto_browse():
        flow.run_local_server(open_browser=False, port=0, timeout_seconds=10)


def test_google_wrong_client_secret(idp: OAuthServer, tmp_path: Path) -> None:
    creds = google_login(idp, tmp_path)
    bad = Credentials(
        token=None,
        refresh_token=creds.refresh_token,
        token_uri=idp.google_token_uri,
        client_id=DEFAULT_GOOGLE_CLIENT_ID,
        client_secret="wrong",
    )
    with pytest.raises(RefreshError, match="invalid_client"):
        bad.refresh(google.auth.transport.requests.Request())


# -- Dovecot with XOAUTH2 / OAUTHBEARER ---------------------------------------------


def _message(subject: str) -> bytes:
    return f"From: a@b.example\r\nTo: c@d.example\r\nSubject: {subject}\r\n\r\nHello.\r\n".encode()


def _client(server: DovecotServer) -> IMAPClient:
    return IMAPClient(server.host, port=server.port, ssl=False, timeout=10)  # IMAPClient's default is ssl=True


@pytest.mark.dovecot
def test_dovecot_xoauth2_with_a_token_from_msal(
    idp: OAuthServer, dovecot_oauth_server: DovecotServer, oauth_imap_user: DovecotUser
) -> None:
    dovecot_oauth_server.deliver(oauth_imap_user, _message("hello"))  # setup logs in with PLAIN
    _, result = ms_login(idp)
    assert result["id_token_claims"]["preferred_username"] == oauth_imap_user.name

    client = _client(dovecot_oauth_server)
    with client:
        assert b"AUTH=XOAUTH2" in client.capabilities()
        client.oauth2_login(oauth_imap_user.name, result["access_token"])
        assert client.select_folder("INBOX")[b"EXISTS"] == 1
    with dovecot_oauth_server.oauth_imap_client(oauth_imap_user.name, result["access_token"], mech="OAUTHBEARER") as c:
        assert c.select_folder("INBOX", readonly=True)[b"EXISTS"] == 1

    checks = idp.seen("tokeninfo")
    assert len(checks) == 2  # no auth cache: every login asks
    # Dovecot 2.3 appends the URL-escaped token to tokeninfo_url *and* sends it as a bearer header.
    assert checks[0].query == {"access_token": result["access_token"]}
    assert checks[0].headers["authorization"] == f"Bearer {result['access_token']}"
    assert checks[0].headers["user-agent"].startswith("dovecot-oauth2-passdb/")


@pytest.mark.dovecot
def test_dovecot_xoauth2_with_a_token_from_google(
    idp: OAuthServer, dovecot_oauth_server: DovecotServer, oauth_imap_user: DovecotUser, tmp_path: Path
) -> None:
    creds = google_login(idp, tmp_path)
    with dovecot_oauth_server.oauth_imap_client(oauth_imap_user.name, creds.token) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


@pytest.mark.dovecot
def test_dovecot_refuses_expired_revoked_and_foreign_tokens(
    idp: OAuthServer, dovecot_oauth_server: DovecotServer, oauth_imap_user: DovecotUser
) -> None:
    """What a refused token looks like to imapclient.

    ``oauth2_login`` (XOAUTH2) and ``oauthbearer_login`` raise
    ``imapclient.exceptions.LoginError("[AUTHENTICATIONFAILED] Authentication
    failed.")`` for an unknown, expired, revoked or someone else's token
    (Dovecot's log says why: "Invalid token", "Username 'x' did not match
    'y'"). The connection stays usable and unauthenticated: a later login with
    a good token on the same connection works. Each refusal takes about 0.5 s
    here (auth_failure_delay is 0; real servers wait longer).
    """
    name = oauth_imap_user.name
    expired = idp.issue_access_token(name, lifetime=1)
    revoked = idp.issue_access_token(name)
    foreign = idp.issue_access_token("someone-else@acme.example")
    idp.revoke(name)
    time.sleep(1.1)
    good = idp.issue_access_token(name)

    client = _client(dovecot_oauth_server)
    with client:
        for token in (expired, revoked, foreign, "not-a-token"):
            with pytest.raises(LoginError) as caught:
                client.oauth2_login(name, token)
            assert str(caught.value) == "[AUTHENTICATIONFAILED] Authentication failed."
        with pytest.raises(LoginError, match=r"\[AUTHENTICATIONFAILED\]"):
            client.oauthbearer_login(name, expired)
        assert client.noop()[0] == b"NOOP completed."
        client.oauth2_login(name, good)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert [r.status for r in idp.seen("tokeninfo")] == [401, 401, 200, 401, 401, 200]
    assert "did not match" in dovecot_oauth_server.log()


@pytest.mark.dovecot
def test_dovecot_when_token_validation_is_down(
    idp: OAuthServer, dovecot_oauth_server: DovecotServer, oauth_imap_user: DovecotUser
) -> None:
    """A 5xx from tokeninfo is a temporary failure for Dovecot: ``LoginError("[UNAVAILABLE] Temporary
    authentication failure. [host:time]")``; a 4xx (429 included) is a refused token ([AUTHENTICATIONFAILED])."""
    token = idp.issue_access_token(oauth_imap_user.name)
    idp.fail_tokeninfo(1, status=503)
    idp.fail_tokeninfo(1, status=429)
    client = _client(dovecot_oauth_server)
    with client:
        with pytest.raises(LoginError, match=r"^\[UNAVAILABLE\] Temporary authentication failure"):
            client.oauth2_login(oauth_imap_user.name, token)
        with pytest.raises(LoginError, match=r"^\[AUTHENTICATIONFAILED\]"):
            client.oauth2_login(oauth_imap_user.name, token)
        client.oauth2_login(oauth_imap_user.name, token)


@pytest.mark.dovecot
def test_dovecot_oauth_server_keeps_plain_logins(dovecot_oauth_server: DovecotServer, idp: OAuthServer) -> None:
    user = dovecot_oauth_server.add_user(f"plain-{uuid.uuid4().hex[:8]}", "secret")
    with dovecot_oauth_server.imap_client(user) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    client = _client(dovecot_oauth_server)
    with client, pytest.raises(LoginError):
        client.oauth2_login(user.name, "secret")  # the password is no token
    assert idp.seen("tokeninfo")[0].status == 401
