"""Group views name the company (issue 17 §5).

The same complaint, claim and action numbers, customer codes and category names exist in every subsidiary, so
a user who sees several companies (the group's GM, a group-scope position) must be told whose record each row
is. :func:`sees_several_companies` decides it once per request (the user caches its visible companies);
:func:`company_labels` gives each visible company's label (short name, else code) in one query. Lists show a
company column (``{% load group_tags %}{% group_view as several %}``), Excel exports get one in
:func:`kesu.core.importexport.rows_xlsx`, and numbers carry the company's code in front
(:func:`prefixed_number`). A user of one company sees none of it.
"""

from __future__ import annotations

from typing import Any


def sees_several_companies(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    visible = getattr(user, "visible_company_ids", None)
    return visible is not None and len(visible()) > 1


def company_label(company: Any) -> str:
    """How a list names a company: its short name, else its code."""
    return str(getattr(company, "short_name", "") or getattr(company, "code", "") or "")


def company_labels(user: Any) -> dict[int, str]:
    """{company id: label} of the companies the user sees (cached on the user for the request)."""
    cached = getattr(user, "_company_labels", None)
    if cached is not None:
        return cached
    from kesu.accounts.models import Company

    labels = {pk: short or code for pk, short, code in Company.objects.filter(
        pk__in=user.visible_company_ids()).values_list("pk", "short_name", "code")}
    user._company_labels = labels
    return labels


def company_codes(user: Any) -> dict[int, str]:
    """{company id: code} of the companies the user sees (cached like :func:`company_labels`)."""
    cached = getattr(user, "_company_codes", None)
    if cached is not None:
        return cached
    from kesu.accounts.models import Company

    codes = dict(Company.objects.filter(pk__in=user.visible_company_ids()).values_list("pk", "code"))
    user._company_codes = codes
    return codes


def prefixed_number(user: Any, company_id: int | None, number: str) -> str:
    """``number`` with the company's code in front for a user who sees several companies ("ZKSZ·KS-2026-0306")."""
    if not number or company_id is None or not sees_several_companies(user):
        return number
    code = company_codes(user).get(company_id)
    return f"{code}·{number}" if code else number
