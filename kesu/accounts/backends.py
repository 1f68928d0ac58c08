"""Authentication backend: a user's permissions include those of their position's role."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from .roles import group_name


class PositionRoleBackend(ModelBackend):
    def _get_group_permissions(self, user_obj):
        own = super()._get_group_permissions(user_obj)
        role = user_obj.role
        if not role:
            return own
        return own | Permission.objects.filter(group__name=group_name(role))

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own, their groups' and their role's permissions in one query (ModelBackend sends two on every
        request that checks one: issue 24's statements per API call)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                found = Permission.objects.all()
            else:
                granted = Q(user=user_obj) | Q(group__user=user_obj)
                if user_obj.role:
                    granted |= Q(group__name=group_name(user_obj.role))
                found = Permission.objects.filter(granted)
            rows = found.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache

    def get_user(self, user_id):
        """The signed-in user of a request with their company, position and department in the same query (every
        page reads the company and the role; Django's backend read each in a query of its own)."""
        from .models import User

        user = User.objects.select_related("company", "position", "department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        # A user of a deactivated company cannot log in either.
        if not super().user_can_authenticate(user):
            return False
        return user.company_id is None or user.company.is_active
