"""The fake provider's Microsoft identity platform v2.0 endpoints: discovery, device code, token (device code, refresh).

A mixin of ``tests.servers.oauth.OAuthServer``: the methods use its state and its lock.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
import time
import uuid
from typing import Any

from .oauth_parts import (
    DEVICE_CODE_LIFETIME,
    DEVICE_FLOW_GRANT,
    MS_RESERVED_SCOPES,
    DeviceFlow,
    HandlerError,
    Reply,
    b64url,
    json_reply,
    object_id,
    tenant_id,
    unsigned_jwt,
)


class MicrosoftEndpoints:
    # -- Microsoft -------------------------------------------------------

    def _ms_openid_configuration(self, tenant: str) -> Reply:
        base = f"{self.base_url}/{tenant}"
        tid = tenant_id(tenant)
        return json_reply(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{self.base_url}/{tid}/v2.0",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": f"{self.base_url}/oidc/userinfo",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                "claims_supported": [
                    *("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce"),
                    *("preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"),
                ],
                "kerberos_endpoint": f"{base}/kerberos",
                "tenant_region_scope": "EU",
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            },
        )

    def _ms_error(self, status: int, error: str, code: int, description: str) -> HandlerError:
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return HandlerError(
            json_reply(
                status,
                {
                    "error": error,
                    "error_description": f"AADSTS{code}: {description} Trace ID: {uuid.uuid4()} Timestamp: {now}",
                    "error_codes": [code],
                    "timestamp": now,
                    "trace_id": str(uuid.uuid4()),
                    "correlation_id": str(uuid.uuid4()),
                    "error_uri": f"{self.base_url}/error?code={code}",
                },
            )
        )

    def _ms_devicecode(self, tenant: str, form: dict[str, str]) -> Reply:
        client_id, scopes = form.get("client_id", ""), tuple(form.get("scope", "").split())
        if not client_id:
            raise self._ms_error(400, "invalid_request", 900144, "The request body must contain 'client_id'.")
        if not scopes:
            raise self._ms_error(400, "invalid_scope", 70011, "The provided value for 'scope' is not valid.")
        user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
        flow = DeviceFlow(
            device_code=secrets.token_urlsafe(48),
            user_code=user_code,
            client_id=client_id,
            tenant=tenant,
            scopes=scopes,
            expires_at=time.time() + DEVICE_CODE_LIFETIME,
        )
        self._device_flows[flow.device_code] = flow
        verification_uri = f"{self.base_url}/devicelogin"
        return json_reply(
            200,
            {
                "user_code": user_code,
                "device_code": flow.device_code,
                "verification_uri": verification_uri,
                "expires_in": DEVICE_CODE_LIFETIME,
                "interval": self.device_interval,
                "message": (
                    f"To sign in, use a web browser to open the page {verification_uri} "
                    f"and enter the code {user_code} to authenticate."
                ),
            },
        )

    def _ms_token(self, tenant: str, form: dict[str, str]) -> Reply:
        grant = form.get("grant_type", "")
        self.token_requests[grant] += 1
        failure = self._take_failure()
        if failure is not None:
            return failure
        client_id = form.get("client_id", "")
        if not client_id:
            raise self._ms_error(400, "invalid_request", 900144, "The request body must contain 'client_id'.")
        if grant == DEVICE_FLOW_GRANT:
            email, scopes = self._ms_redeem_device_code(form, client_id)
        elif grant == "refresh_token":
            email, scopes = self._ms_redeem_refresh_token(form, client_id)
        else:
            raise self._ms_error(
                400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant}'."
            )
        return json_reply(200, self._ms_token_response(tenant, client_id, email, scopes, form))

    def _ms_redeem_device_code(self, form: dict[str, str], client_id: str) -> tuple[str, tuple[str, ...]]:
        flow = self._device_flows.get(form.get("device_code", ""))
        if flow is None or flow.client_id != client_id:
            raise self._ms_error(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.")
        if flow.state == "redeemed":
            raise self._ms_error(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed.")
        if time.time() > flow.expires_at:
            raise self._ms_error(400, "expired_token", 70019, "Verification code expired.")
        flow.polls += 1
        if flow.state == "pending" and self.auto_approve and flow.polls > self.pending_polls:
            if self.consent:
                flow.state, flow.email = "approved", self.signed_in
            else:
                flow.state = "declined"
        if flow.state == "declined":
            raise self._ms_error(
                400, "authorization_declined", 70018, "The user declined to authorize the application."
            )
        if flow.state == "pending":
            raise self._ms_error(
                400,
                "authorization_pending",
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
            )
        flow.state = "redeemed"
        assert flow.email is not None
        return flow.email, flow.scopes

    def _ms_redeem_refresh_token(self, form: dict[str, str], client_id: str) -> tuple[str, tuple[str, ...]]:
        token = self._tokens.get(form.get("refresh_token", ""))
        if token is None or token.kind != "refresh" or token.provider != "microsoft":
            raise self._ms_error(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
        if token.client_id != client_id:
            raise self._ms_error(
                400,
                "invalid_grant",
                700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            )
        if token.revoked:
            raise self._ms_error(
                400,
                "invalid_grant",
                50173,
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. "
                "The user might have changed or reset their password.",
            )
        scopes = tuple(form.get("scope", "").split()) or token.scopes
        return token.email, scopes

    def _ms_token_response(
        self, tenant: str, client_id: str, email: str, scopes: tuple[str, ...], form: dict[str, str]
    ) -> dict[str, Any]:
        resource_scopes = tuple(s for s in scopes if s not in MS_RESERVED_SCOPES) or scopes
        access = self._new_token("access", "microsoft", email, client_id, resource_scopes, tenant=tenant)
        response: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(resource_scopes),
            "expires_in": self.access_lifetime,
            "ext_expires_in": self.access_lifetime,
            "access_token": access.value,
        }
        if "offline_access" in scopes:
            response["refresh_token"] = self._new_token(
                "refresh", "microsoft", email, client_id, scopes, tenant=tenant
            ).value
        tid, oid = tenant_id(tenant), object_id(email)
        if "openid" in scopes:
            now = int(time.time())
            claims: dict[str, Any] = {
                "aud": client_id,
                "iss": f"{self.base_url}/{tid}/v2.0",
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "name": email.split("@")[0].title(),
                "oid": oid,
                "preferred_username": email,
                "rh": "0.fake.",
                "sub": b64url(hashlib.sha256(f"{client_id}:{email}".encode()).digest()[:24]),
                "tid": tid,
                "uti": secrets.token_urlsafe(16),
                "ver": "2.0",
            }
            if form.get("nonce"):
                claims["nonce"] = form["nonce"]
            response["id_token"] = unsigned_jwt(claims)
        if form.get("client_info") == "1":
            response["client_info"] = b64url(json.dumps({"uid": oid, "utid": tid}).encode())
        return response
