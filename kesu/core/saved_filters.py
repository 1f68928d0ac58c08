"""Saved filters of the list pages (issue 17 §7): one user's named queries of one list, saved and removed here.

A filter saved "shared with my department" is offered to every member of the owner's department on the same list;
only its owner replaces or deletes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import SavedFilter

# Not part of a saved filter: where the list was and what it was asked to do.
_DROPPED = ("page", "format", "selected", "ids", "csrfmiddlewaretoken")


def _clean_query(query: str) -> str:
    params = QueryDict(query, mutable=True)
    for key in _DROPPED:
        params.pop(key, None)
    return params.urlencode()


def _check_path(list_path: str) -> str:
    list_path = (list_path or "").strip()
    # Only a path of this site: the saved filter is a link the user will follow.
    if not list_path.startswith("/") or not url_has_allowed_host_and_scheme(list_path, allowed_hosts=None):
        raise ValidationError({"list_path": _("Not a list of this site.")})
    return list_path[:200]


@transaction.atomic
def saved_filter_save(*, actor, list_path: str, name: str, query: str, shared: bool = False) -> SavedFilter:
    """Save the list's filters under ``name`` for ``actor``; the same name on the same list is replaced."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    saved, _created = SavedFilter.objects.update_or_create(
        user=actor, list_path=_check_path(list_path), name=name, defaults={"query": _clean_query(query), "shared": bool(shared)})
    return saved


@transaction.atomic
def saved_filter_delete(*, actor, pk: int) -> str:
    """Remove one of ``actor``'s saved filters (another user's is not found); the list's path is returned."""
    saved = get_object_or_404(SavedFilter.objects.select_for_update(), pk=pk, user=actor)
    list_path = saved.list_path
    saved.delete()
    return list_path


@login_required
@require_POST
def save_view(request):
    list_path = request.POST.get("list_path", "")
    try:
        saved = saved_filter_save(actor=request.user, list_path=list_path, name=request.POST.get("name", ""),
                                  query=request.POST.get("query", ""), shared=bool(request.POST.get("shared")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        safe = list_path if list_path.startswith("/") and url_has_allowed_host_and_scheme(list_path, None) else "/"
        return redirect(safe)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(saved.url)


@login_required
@require_POST
def delete_view(request, pk: int):
    return redirect(saved_filter_delete(actor=request.user, pk=pk))


app_name = "lists"
urlpatterns = [
    path("saved/", save_view, name="save_filter"),
    path("saved/<int:pk>/delete/", delete_view, name="delete_filter"),
]
