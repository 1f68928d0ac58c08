"""The customer portal's pages under /portal/ (issue 23 §1)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.code, name="code"),
    path("logout/", views.logout, name="logout"),
    path("welcome/<str:token>/", views.set_password, name="set_password"),
    path("link/<str:token>/", views.magic, name="magic"),
    path("account/", views.account_page, name="account"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="detail"),
    path("complaints/<int:pk>/reply/", views.complaint_reply, name="reply"),
    path("complaints/<int:pk>/decision/", views.complaint_decision, name="decision"),
    path("complaints/<int:pk>/explanation/", views.complaint_explanation, name="explanation"),
    path("complaints/<int:pk>/files/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("complaints/<int:pk>/files/<int:attachment_pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("complaints/<int:pk>/explanation.pdf", views.explanation_pdf, name="explanation_pdf"),
    path("complaints/<int:pk>/feedback.pdf", views.feedback_pdf, name="feedback_pdf"),
    path("complaints/<int:pk>/8d.pdf", views.eight_d_pdf, name="eight_d_pdf"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("staff/contacts/<int:contact_pk>/invite/", views.staff_invite, name="staff_invite"),
]
