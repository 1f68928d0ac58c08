from django.urls import path

from . import views

app_name = "mailin"

urlpatterns = [
    path("", views.triage_list, name="triage_list"),
    path("<int:pk>/", views.triage_detail, name="triage_detail"),
    path("<int:pk>/original/", views.triage_original, name="triage_original"),
    path("mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", views.mailbox_form, name="mailbox_create"),
    path("mailboxes/<int:pk>/", views.mailbox_form, name="mailbox_edit"),
    path("mailboxes/<int:pk>/check/", views.mailbox_check, name="mailbox_check"),
]
