"""Small helpers every list and detail page shares: errors as messages, Excel responses, export links."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error_messages(request, error: ValidationError) -> None:
    """A service's ValidationError as page messages, each prefixed by the field it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            messages.error(request, message)
        return
    for field, errors in error.message_dict.items():
        messages.error(request, f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors))


def form_error_messages(request, form) -> None:
    """A form's errors as page messages, each prefixed by the field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def xlsx_response(handle_and_name) -> FileResponse:
    """Stream an xlsx file written by ``importexport.rows_xlsx`` as a download."""
    handle, name = handle_and_name
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


def export_query(request) -> str:
    """The list's query string without the page, asking for the Excel export of the same filter."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return query.urlencode()
