from django.urls import path

from . import printouts, views

app_name = "contracts"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("ledger/", views.ledger, name="ledger"),
    path("import/", views.import_reviews, name="import"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/step/<str:name>/", views.transition, name="transition"),
    path("<int:pk>/print/", printouts.review_pdf_view, name="printout"),
    path("<int:pk>/change/", views.notice_create, name="notice_create"),
    path("changes/<int:pk>/", views.notice_detail, name="notice"),
    path("changes/<int:pk>/step/<str:name>/", views.notice_transition, name="notice_transition"),
    path("changes/<int:pk>/print/", printouts.notice_pdf_view, name="notice_printout"),
    path("<int:pk>/meeting/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/print/", printouts.meeting_pdf_view, name="meeting_printout"),
    path("outsourcers/", views.outsourcers, name="outsourcers"),
    path("outsourcers/<int:pk>/withdraw/", views.outsourcer_withdraw, name="outsourcer_withdraw"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/step/<str:name>/", views.plan_transition, name="plan_transition"),
    path("plans/<int:pk>/print/", printouts.plan_pdf_view, name="plan_printout"),
]
