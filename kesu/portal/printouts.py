"""The PDFs meant for the customer (issue 23 §1), one place for the pages and the API.

Each is the staff form's customer variant (``for_customer``), printed in the contact's language whichever way
it is asked for (a portal API token carries no session language).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import translation

from kesu.complaints.models import Complaint
from kesu.complaints.printouts import feedback_form_pdf

from . import selectors
from .models import PortalAccount


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def feedback_response(account: PortalAccount, complaint: Complaint) -> HttpResponse:
    """The customer's copy of the Quality Information Feedback form."""
    with translation.override(account.contact.language):
        content = feedback_form_pdf(complaint, for_customer=True,
                                    status_text=selectors.plain_status(complaint.status))
    return _pdf(content, f"{complaint.number}-feedback")


def eight_d_response(account: PortalAccount, complaint: Complaint) -> HttpResponse:
    """The customer's copy of the 8D report raised from the complaint; 404 unless the company shares it."""
    from kesu.capa.printouts import eight_d_pdf

    action = selectors.shared_eight_d(account, complaint)
    if action is None:
        raise Http404
    with translation.override(account.contact.language):
        content = eight_d_pdf(action, for_customer=True)
    return _pdf(content, f"{complaint.number}-8d")


def explanation_response(account: PortalAccount, complaint: Complaint) -> HttpResponse:
    """The written explanation (书面说明) once it has been sent to the customer; 404 before."""
    from kesu.complaints.printouts import PRINTOUTS

    if not selectors.explanation_available(complaint):
        raise Http404
    render_pdf, stem = PRINTOUTS["explanation"]
    with translation.override(account.contact.language):
        content = render_pdf(complaint)
    return _pdf(content, f"{complaint.number}-{stem}")
