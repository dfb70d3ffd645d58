"""The fake provider's Google OAuth 2.0 endpoints: authorization (approve, redirect) and token (PKCE code, refresh).

A mixin of ``tests.servers.oauth.OAuthServer``: the methods use its state and its lock.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import unquote_plus

from .oauth_parts import (
    AUTH_CODE_LIFETIME,
    AuthCode,
    HandlerError,
    Reply,
    b64url,
    google_error,
    google_scopes,
    google_sub,
    html_reply,
    is_loopback_redirect,
    json_reply,
    redirect_reply,
    unsigned_jwt,
)


class GoogleEndpoints:
    # -- Google ----------------------------------------------------------

    def _google_auth(self, query: dict[str, str]) -> Reply:
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in self._google_clients:
            return html_reply(401, "Error 401: invalid_client", "The OAuth client was not found.")
        if not is_loopback_redirect(redirect_uri):
            return html_reply(400, "Error 400: redirect_uri_mismatch", f"Bad redirect_uri {redirect_uri!r}.")
        state = {"state": query["state"]} if "state" in query else {}
        if query.get("response_type") != "code":
            return redirect_reply(redirect_uri, {**state, "error": "unsupported_response_type"})
        if not query.get("scope"):
            return html_reply(400, "Error 400: invalid_request", "Missing required parameter: scope")
        if not self.consent:
            return redirect_reply(redirect_uri, {**state, "error": "access_denied"})
        scopes = google_scopes(query["scope"])
        code = AuthCode(
            code="4/0A" + secrets.token_urlsafe(40),
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            email=self.signed_in,
            offline=query.get("access_type") == "offline",
            code_challenge=query.get("code_challenge"),
            code_challenge_method=query.get("code_challenge_method"),
            nonce=query.get("nonce"),
            expires_at=time.time() + AUTH_CODE_LIFETIME,
        )
        self._codes[code.code] = code
        return redirect_reply(redirect_uri, {**state, "code": code.code, "scope": " ".join(scopes)})

    def _google_client(self, form: dict[str, str], headers: dict[str, str]) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            decoded = base64.b64decode(auth[6:].strip()).decode()
            basic_id, _, basic_secret = decoded.partition(":")
            client_id, secret = unquote_plus(basic_id), unquote_plus(basic_secret)
        if self._google_clients.get(client_id) != secret or not secret:
            raise HandlerError(json_reply(401, {"error": "invalid_client", "error_description": "Unauthorized"}))
        return client_id

    def _google_token(self, form: dict[str, str], headers: dict[str, str]) -> Reply:
        grant = form.get("grant_type", "")
        self.token_requests[grant] += 1
        failure = self._take_failure()
        if failure is not None:
            return failure
        client_id = self._google_client(form, headers)
        if grant == "authorization_code":
            return json_reply(200, self._google_redeem_code(form, client_id))
        if grant == "refresh_token":
            return json_reply(200, self._google_refresh(form, client_id))
        return json_reply(400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant}"})

    def _google_redeem_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        code = self._codes.get(form.get("code", ""))
        if code is None:
            raise google_error(400, "invalid_grant", "Malformed auth code.")
        if code.used or code.client_id != client_id or time.time() > code.expires_at:
            raise google_error(400, "invalid_grant", "Bad Request")
        if form.get("redirect_uri") != code.redirect_uri:
            raise google_error(400, "redirect_uri_mismatch", "Bad Request")
        if code.code_challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise google_error(400, "invalid_grant", "Missing code verifier.")
            if code.code_challenge_method == "S256":
                computed = b64url(hashlib.sha256(verifier.encode()).digest())
            else:
                computed = verifier
            if computed != code.code_challenge:
                raise google_error(400, "invalid_grant", "Invalid code verifier.")
        code.used = True
        response = self._google_token_response(client_id, code.email, code.scopes, code.nonce)
        if code.offline:
            response["refresh_token"] = self._new_token("refresh", "google", code.email, client_id, code.scopes).value
        return response

    def _google_refresh(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        token = self._tokens.get(form.get("refresh_token", ""))
        if token is None or token.kind != "refresh" or token.provider != "google" or token.client_id != client_id:
            raise google_error(400, "invalid_grant", "Bad Request")
        if token.revoked:
            raise google_error(400, "invalid_grant", "Token has been expired or revoked.")
        scopes = token.scopes
        if form.get("scope"):
            asked = google_scopes(form["scope"])
            if not set(asked) <= set(token.scopes):
                raise google_error(400, "invalid_scope", "Bad Request")
            scopes = asked
        return self._google_token_response(client_id, token.email, scopes, None)

    def _google_token_response(
        self, client_id: str, email: str, scopes: tuple[str, ...], nonce: str | None
    ) -> dict[str, Any]:
        access = self._new_token("access", "google", email, client_id, scopes)
        response: dict[str, Any] = {
            "access_token": access.value,
            "expires_in": self.access_lifetime,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }
        if "openid" in scopes:
            now = int(time.time())
            claims: dict[str, Any] = {
                "iss": "https://accounts.google.com",
                "azp": client_id,
                "aud": client_id,
                "sub": google_sub(email),
                "email": email,
                "email_verified": True,
                "iat": now,
                "exp": now + 3600,
            }
            if nonce:
                claims["nonce"] = nonce
            response["id_token"] = unsigned_jwt(claims)
        return response
