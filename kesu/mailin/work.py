"""What the mail intake waits for (issue 23 §2): a mail in triage waits for QA to register, attach or discard it."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import Outcome
from .models import InboundMail
from .permissions import TRIAGERS


def _url(row) -> str:
    return reverse("mailin:triage_detail", args=[row.pk])


def _name(row) -> str:
    return row.subject[:60] or row.sender or f"#{row.pk}"


def _about(row) -> str:
    return row.sender


work.register(work.Source(
    module="mailin", label=_("Mail intake"), model=InboundMail, open=Q(outcome=Outcome.TRIAGE), url=_url,
    number=_name, describe=_about,
    steps=(
        work.Step("triage", _("Handle the mail in triage"), TRIAGERS, Q(outcome=Outcome.TRIAGE)),
    ),
))
