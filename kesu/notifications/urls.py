from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="read_all"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("rules/", views.rules, name="rules"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/resend/", views.outbox_action, {"action": "resend"}, name="outbox_resend"),
    path("outbox/<int:pk>/give-up/", views.outbox_action, {"action": "give-up"}, name="outbox_give_up"),
]
