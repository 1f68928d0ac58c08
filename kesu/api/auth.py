"""REST API authentication: personal tokens (Authorization: Bearer …) or the browser session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from kesu.accounts import throttle
from kesu.accounts.backends import remember_permissions, with_permissions
from kesu.accounts.models import ApiToken
from kesu.core.context import set_actor


class TokenAuth(HttpBearer):
    """A personal token; wrong tokens are counted per address and then answered 429 for a while."""

    def authenticate(self, request, token: str):
        address = throttle.client_address(request)
        keys = throttle.token_keys(address)
        throttle.check(keys)  # raises Refused: answered 429 by kesu.api.main
        api_token = None
        if token.startswith(ApiToken.PREFIX):
            api_token = with_permissions(
                ApiToken.objects.select_related("user", "user__company", "user__position", "user__department")
                .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True)
            ).first()
        if (
            api_token is None
            or not api_token.user.is_active
            or (api_token.user.company_id and not api_token.user.company.is_active)
        ):
            throttle.fail(keys)
            return None
        api_token.touch()
        remember_permissions(api_token, api_token.user)
        request.user = api_token.user
        set_actor(api_token.user, "api")
        return api_token.user


class KesuSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF checked on writes by ninja)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            set_actor(user, "api")
        return user


