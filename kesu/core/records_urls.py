"""Records management pages (issue 18 §14–§15)."""

from django.urls import path

from . import records_views as views

app_name = "records"
urlpatterns = [
    path("retention/", views.retention_page, name="retention"),
    path("contacts/<int:pk>/anonymise/", views.contact_anonymise_page, name="contact_anonymise"),
    path("audit-sample/", views.audit_sample_page, name="audit_sample"),
    path("audit-sample.pdf", views.audit_sample_page, {"fmt": "pdf"}, name="audit_sample_pdf"),
    path("audit-sample.xlsx", views.audit_sample_page, {"fmt": "xlsx"}, name="audit_sample_xlsx"),
]
