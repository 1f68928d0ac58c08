"""Authentication backend: a user's permissions include those of their position's role."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models.expressions import RawSQL

from .roles import group_name


@functools.cache
def _granted_column_sql(vendor: str) -> str:
    """A user's own permissions, their groups' and their role group's as one comma-joined column of the user's row
    ("app_label.codename,…"), each read by its own index (Django's query ORs across the joined tables and so reads
    every permission row of every group: 2 ms a request against 0.3 ms), written once per process. The ids are
    gathered first and then joined to their names: a filter `p.id IN (own) OR p.id IN (groups')` made SQLite run
    both lists again for every permission row (1.1 ms against 0.07 for a salesperson's 96). The query that
    reads the signed-in user (by session or by token) selects it: no statement of its own on a request. The user's
    row is the query's first of its table, which Django names after the table."""
    from .models import Position, User

    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    own = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_permissions, group = Group.permissions.through._meta.db_table, Group._meta.db_table
    user, position = User._meta.db_table, Position._meta.db_table
    joined = "string_agg(t.app_label || '.' || p.codename, ',')" if vendor == "postgresql" else (
        "group_concat(t.app_label || '.' || p.codename, ',')")
    return (
        f'SELECT {joined} FROM (SELECT permission_id FROM {own} WHERE user_id = "{user}"."id"'
        f" UNION SELECT permission_id FROM {group_permissions} WHERE group_id IN ("
        f'SELECT group_id FROM {user_groups} WHERE user_id = "{user}"."id" UNION SELECT id FROM {group}'
        f' WHERE name = (SELECT %s || role FROM {position} WHERE id = "{user}"."position_id"))) granted'
        f" JOIN {permission} p ON p.id = granted.permission_id JOIN {content_type} t ON t.id = p.content_type_id")


def with_permissions(queryset):
    """`queryset` (of users, or of rows that join their user) with the user's permissions read alongside;
    `remember_permissions` then puts them where `get_all_permissions` looks."""
    vendor = connections[queryset.db].vendor
    return queryset.annotate(_granted=RawSQL(_granted_column_sql(vendor), [group_name("")]))


def _permission_set(joined: str | None) -> set[str]:
    return set(filter(None, (joined or "").split(",")))


def remember_permissions(row, user) -> None:
    if not user.is_superuser:
        user._perm_cache = _permission_set(row._granted)


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
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            else:  # a user read some other way: the same column, on its own
                user = type(user_obj)._meta.db_table
                connection = connections[router.db_for_read(Permission)]
                with connection.cursor() as cursor:
                    cursor.execute(f'SELECT ({_granted_column_sql(connection.vendor)}) FROM "{user}"'
                                   f' WHERE "{user}"."id" = %s', [group_name(""), user_obj.pk])
                    found = cursor.fetchone()
                user_obj._perm_cache = _permission_set(found[0] if found else None)
        return user_obj._perm_cache

    def get_user(self, user_id):
        """The signed-in user of a request with their company, position and department in the same query (every
        page reads the company and the role; Django's backend read each in a query of its own)."""
        from .models import User

        users = User.objects.select_related("company", "position", "department").filter(pk=user_id)
        user = with_permissions(users).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_permissions(user, user)
        return user

    def user_can_authenticate(self, user) -> bool:
        # A user of a deactivated company cannot log in either.
        if not super().user_can_authenticate(user):
            return False
        return user.company_id is None or user.company.is_active
