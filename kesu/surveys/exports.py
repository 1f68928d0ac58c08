"""Excel exports of campaigns and answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column
from kesu.core.privacy import NAME, for_reader

from .models import Answer, Campaign


def _c(name: str) -> tuple[Any, Any]:
    return field_column(Campaign, name)


def _a(name: str) -> tuple[Any, Any]:
    return field_column(Answer, name)


CAMPAIGN_COLUMNS = [_c("name"), _c("kind"), _c("status"), _c("send_month"), _c("period_start"), _c("period_end"),
                    _c("template"), _c("target_score"), _c("score"), _c("opened_at"), _c("closed_at")]
ANSWER_COLUMNS = [
    (_("customer code"), lambda a: a.recipient.customer.code), (_("customer"), lambda a: a.recipient.customer.name),
    _a("channel"), (_a("respondent")[0], lambda a: for_reader(a.respondent, NAME)), _a("answered_at"), _a("points"), _a("max_points"), _a("score"), _a("grade"),
    (_("a critical item scored zero"), lambda a: _("Yes") if a.critical_zero else ""), _a("remarks"),
]
