"""Contract review records kept three years (seed 002 "保存期3年"; issue 20 §5), then anonymised like the other
records of :mod:`kesu.core.retention`: the quality and commercial facts stay, the customer's people's names, phone
numbers and e-mail addresses in free text go."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.core.retention import REDACTED, RecordType, _contact_needles, _scrub_rows, audit_rewrite, entries_of

REVIEW_TEXTS = ["title", "customer_reference", "quality_requirements", "technical_requirements",
                "acceptance_criteria", "special_requirements", "confirmation_note", "change_note", "gm_decision"]


def _closed() -> Q:
    from .choices import OPEN_STATUSES

    return ~Q(status__in=OPEN_STATUSES) & Q(closed_at__isnull=False)


def anonymise_review(review) -> list[str]:
    """Scrub one review, its sign-off comments and its change notices of the customer's people; the fields changed."""
    from kesu.customers.models import Contact

    from .models import ChangeNotice, ContractReview, Signoff

    needles = _contact_needles(Contact.objects.filter(customer_id=review.customer_id))
    changed = _scrub_rows(ContractReview, ContractReview.objects.filter(pk=review.pk), REVIEW_TEXTS, needles)
    changed += _scrub_rows(Signoff, Signoff.objects.filter(review=review), ["comment"], needles)
    changed += _scrub_rows(ChangeNotice, ChangeNotice.objects.filter(review=review), ["description"], needles)
    scope = entries_of(ContractReview, [review.pk])
    for child in (Signoff, ChangeNotice):
        scope |= entries_of(child, child.objects.filter(review=review).values_list("pk", flat=True))
    audit_rewrite({n: REDACTED for n in needles}, company_id=review.company_id, scope=scope)
    return sorted(set(changed))


CONTRACT_REVIEWS = RecordType("contract_review", _("Contract reviews"), "contracts.ContractReview", "closed_at",
                              _closed, anonymise_review)
