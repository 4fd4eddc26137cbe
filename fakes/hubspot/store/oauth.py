"""Who calls: private-app and OAuth tokens, the OAuth flow, rate limits per caller."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fakes.hubspot.apps import ACCESS_TOKEN_TTL, AccessToken, Actor, AuthCode, RefreshToken
from fakes.hubspot.errors import ExpiredAuthentication, HubSpotError, InstallRefused, InvalidAuthentication, OAuthError
from fakes.hubspot.store.core import StoreCore


class Auth(StoreCore):
    """Who calls: private-app and OAuth tokens, the OAuth flow, rate limits per caller."""

    def authenticate(self, token: str | None, portal_hint: str | None = None) -> Actor:
        """The actor behind a bearer token, or 401 (unknown, expired, or another portal's token)."""
        with self._lock:
            found = self.tokens.get(token or "")
            if found is None:
                raise InvalidAuthentication()
            if found.expires_at is not None and self.clock.now() >= found.expires_at:
                minutes = int((self.clock.now() - found.expires_at).total_seconds() // 60)
                raise ExpiredAuthentication(minutes)
            if portal_hint is not None and portal_hint != str(found.portal_id):
                # A token only ever works for its own portal (the path has no portal id, but a caller
                # can name one with `portalId`, as legacy HubSpot APIs allowed).
                raise InvalidAuthentication()
            if found.portal_id not in self.portals:
                raise InvalidAuthentication()
            app = self.apps[found.app_id]
            return Actor(found.portal_id, found.scopes, app.label, "INTEGRATION", str(app.app_id),
                         app_id=app.app_id, oauth=found.oauth)

    def marketer(self, portal_id: int, user_id: int | None = None) -> Actor:
        """An actor for direct edits in the HubSpot UI: no scopes needed, events say CRM_UI."""
        portal = self.portal(portal_id)
        uid = user_id if user_id is not None else next(iter(portal.users), None)
        return Actor(portal_id, None, f"marketer:user:{uid}", "CRM_UI", f"userId:{uid}")

    def rate_limit(self, actor: Actor, *, search: bool = False, burst_exempt: bool = False) -> dict[str, str]:
        """Count one API request against the portal's limits; headers, or RateLimited (429)."""
        with self._lock:
            portal = self.portal(actor.portal_id)
            return self.limiter.check(portal_id=portal.portal_id, app_key=str(actor.app_id), oauth=actor.oauth,
                                      tier=portal.tier, limit_increase=portal.api_limit_increase,
                                      search=search, burst_exempt=burst_exempt, now=self.clock.now(),
                                      search_per_second=portal.search_per_second)


    def authorize(self, *, client_id: str, redirect_uri: str, scope: str, portal_id: Any, user_id: Any,
                  state: str | None = None, optional_scope: str = "") -> str:
        """The install step: an allowed user of a portal grants scopes; returns the redirect URL with code.

        Only a super admin or a user with App Marketplace permission may install (docs/spec.md CON-4).
        """
        with self._lock:
            app = next((a for a in self.apps.values() if a.kind == "public" and a.client_id == client_id), None)
            if app is None:
                raise OAuthError("BAD_CLIENT_ID", "missing or unknown client id")
            if app.redirect_uris and redirect_uri not in app.redirect_uris:
                raise OAuthError("BAD_REDIRECT_URI", "redirect_uri does not match the app's redirect URLs")
            try:
                portal = self.portal(int(portal_id))
                user = portal.users[int(user_id)]
            except (KeyError, ValueError, TypeError, HubSpotError):
                raise InstallRefused("Choose an account and a user of that account to install the app "
                                     "(portal_id and user_id).") from None
            if not user.may_install_apps:
                raise InstallRefused(f"User {user.id} cannot install apps in account {portal.portal_id}: "
                                     "a Super Admin or a user with App Marketplace permission is required.")
            wanted = set(scope.split()) | (set(optional_scope.split()) & set(app.scopes or ()))
            if not scope.split() or not set(scope.split()) <= set(app.scopes or ()):
                raise OAuthError("BAD_SCOPES", "scope must be a non-empty subset of the app's scopes")
            code = self._secret("code")[:36]
            self.auth_codes[code] = AuthCode(code, app.app_id, portal.portal_id, user.id, frozenset(wanted),
                                             redirect_uri, self.clock.now() + timedelta(minutes=10))
            query = {"code": code} | ({"state": state} if state is not None else {})
            sep = "&" if "?" in redirect_uri else "?"
            return f"{redirect_uri}{sep}{urlencode(query)}"

    def exchange_token(self, form: dict[str, str]) -> dict[str, Any]:
        """`POST /oauth/v1/token`: authorization_code and refresh_token grants (docs/vendor-behaviour.md §4.1)."""
        with self._lock:
            grant = form.get("grant_type")
            app = next((a for a in self.apps.values()
                        if a.kind == "public" and a.client_id == form.get("client_id")), None)
            if app is None:
                raise OAuthError("BAD_CLIENT_ID", "missing or unknown client id")
            if form.get("client_secret") != app.client_secret:
                raise OAuthError("BAD_CLIENT_SECRET", "missing or invalid client secret")
            if grant == "authorization_code":
                code = self.auth_codes.pop(form.get("code", ""), None)
                if code is None or code.app_id != app.app_id or code.expires_at <= self.clock.now():
                    raise OAuthError("BAD_AUTH_CODE", "missing or unknown auth code")
                if form.get("redirect_uri") != code.redirect_uri:
                    raise OAuthError("BAD_REDIRECT_URI", "redirect_uri does not match the authorize request")
                refresh = RefreshToken(f"na1-{self._secret('refresh')[:4]}-{self._secret('refresh')[:28]}",
                                       code.portal_id, app.app_id, code.scopes, code.user_id)
                self.refresh_tokens[refresh.token] = refresh
                app.installs.add(code.portal_id)
            elif grant == "refresh_token":
                refresh = self.refresh_tokens.get(form.get("refresh_token", ""))
                if refresh is None or refresh.app_id != app.app_id:
                    raise OAuthError("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
            else:
                raise OAuthError("BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token")
            access = "C" + self._secret("access")[:63]
            self.tokens[access] = AccessToken(access, refresh.portal_id, app.app_id, refresh.scopes, oauth=True,
                                              user_id=refresh.user_id,
                                              expires_at=self.clock.now() + timedelta(seconds=ACCESS_TOKEN_TTL))
            return {"access_token": access, "refresh_token": refresh.token, "expires_in": ACCESS_TOKEN_TTL,
                    "token_type": "bearer"}

    def access_token_info(self, token: str) -> dict[str, Any]:
        """`GET /oauth/v1/access-tokens/{token}`."""
        with self._lock:
            found = self.tokens.get(token)
            if found is None or not found.oauth:
                raise OAuthError("NOT_FOUND", "Token not found", status=404)
            app, portal = self.apps[found.app_id], self.portal(found.portal_id)
            user = portal.users.get(found.user_id or -1)
            left = int(((found.expires_at or self.clock.now()) - self.clock.now()).total_seconds())
            return {"token": token, "user": user.email if user else None, "hub_domain":
                    f"portal{portal.portal_id}.example", "scopes": sorted(found.scopes or ()),
                    "hub_id": portal.portal_id, "app_id": app.app_id, "expires_in": max(0, left),
                    "user_id": found.user_id, "token_type": "access"}

    def refresh_token_info(self, token: str, *, delete: bool = False) -> dict[str, Any] | None:
        """`GET` / `DELETE /oauth/v1/refresh-tokens/{token}`."""
        with self._lock:
            found = self.refresh_tokens.get(token)
            if found is None:
                raise OAuthError("NOT_FOUND", "Token not found", status=404)
            if delete:
                del self.refresh_tokens[token]
                return None
            app, portal = self.apps[found.app_id], self.portal(found.portal_id)
            user = portal.users.get(found.user_id)
            return {"token": token, "user": user.email if user else None,
                    "hub_domain": f"portal{portal.portal_id}.example", "scopes": sorted(found.scopes),
                    "hub_id": portal.portal_id, "client_id": app.client_id, "user_id": found.user_id,
                    "token_type": "refresh"}
