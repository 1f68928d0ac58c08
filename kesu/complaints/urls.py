"""Complaint pages."""

from django.urls import path

from . import bulk, customer_messages, views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("bulk/", bulk.bulk_view, name="bulk"),
    path("my-work/", views.my_work, name="my_work"),
    path("history/", views.defect_history, name="history"),
    path("defect-types/", views.defect_types, name="defect_types"),
    path("customer-messages/", customer_messages.templates_page, name="customer_messages"),
    path("customer-messages/<slug:kind>/<slug:language>/", customer_messages.template_edit,
         name="customer_message_edit"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/actions/<slug:action>/", views.complaint_transition, name="transition"),
    path("<int:pk>/records/<slug:kind>/", views.complaint_record, name="record"),
    path("<int:pk>/print/<slug:kind>.pdf", views.complaint_printout, name="printout"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/thumbnail/", views.attachment_thumbnail,
         name="attachment_thumbnail"),
]
