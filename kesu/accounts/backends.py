"""Authentication backend: a user's permissions include those of their position's role."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .roles import group_name


class PositionRoleBackend(ModelBackend):
    def _get_group_permissions(self, user_obj):
        own = super()._get_group_permissions(user_obj)
        role = user_obj.role
        if not role:
            return own
        return own | Permission.objects.filter(group__name=group_name(role))

    def user_can_authenticate(self, user) -> bool:
        # A user of a deactivated company cannot log in either.
        if not super().user_can_authenticate(user):
            return False
        return user.company_id is None or user.company.is_active
