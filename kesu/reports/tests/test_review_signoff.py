"""No orphan signature page (issue 17 §10): the signatures of a printed form stay with what precedes them."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.core.printing import PrintForm
from kesu.reports import review
from kesu.reports.tests.test_review import _pack


def _last_page(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()


@pytest.mark.django_db
def test_a_list_that_fills_the_page_never_leaves_the_signatures_alone(company_a):
    # Rows of every count from "ends mid-page" to "ends at the very bottom": before the fix some of these counts
    # put the signature boxes alone on the last page.
    with translation.override("en"):
        signature = gettext("Signature:")
        for count in range(30, 62):
            form = PrintForm(company=company_a, title_zh="测试", title="Test")
            form.table(["No.", "Text"], [(f"row-{n:03d}", "x") for n in range(count)], widths=[0.3, 0.7])
            form.sign_off(["Prepared by", "Approved by"])
            last = _last_page(form.render())
            assert signature in last, count
            assert f"row-{count - 1:03d}" in last and f"row-{count - 2:03d}" in last, count


@pytest.mark.django_db
def test_the_review_packs_last_page_holds_more_than_the_signature_block(people, company_a):
    pack = _pack(people[Role.ENGINEERING], company_a)
    with translation.override("en"):
        last = " ".join(_last_page(review.review_pdf(pack)).split())  # the narrow cells wrap lines
        assert gettext("Signature:") in last
        # The last section's list (trend alerts) is printed with the signatures.
        assert gettext("No trend alert in the period.") in last
