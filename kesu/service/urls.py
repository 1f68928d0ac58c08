from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("", views.index, name="index"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/raise-complaint/", views.visit_raise, {"what": "complaint"}, name="visit_raise_complaint"),
    path("visits/<int:pk>/raise-action/", views.visit_raise, {"what": "action"}, name="visit_raise_action"),
    path("visits/<int:pk>/raise-signal/", views.visit_raise, {"what": "signal"}, name="visit_raise_signal"),
    path("visits/<int:pk>/raise-enquiry/", views.visit_raise, {"what": "enquiry"}, name="visit_raise_enquiry"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/generate/", views.plan_generate, name="plan_generate"),
    path("plans/rules/", views.plan_rules, name="plan_rules"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/line/", views.plan_line, name="plan_line"),
    path("plans/<int:pk>/steps/<str:name>/", views.plan_step, name="plan_step"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path("quality-reports/", views.quality_list, name="quality_list"),
    path("quality-reports/<int:pk>/", views.quality_detail, name="quality_detail"),
    path("quality-reports/<int:pk>/pdf/", views.quality_pdf, name="quality_pdf"),
    path("quality-reports/<int:pk>/steps/<str:name>/", views.quality_step, name="quality_step"),
    path("quality-reports/<int:pk>/corrective-action/", views.quality_raise_action, name="quality_raise_action"),
    path("market/", views.market_list, name="market_list"),
    path("market/new/", views.market_create, name="market_create"),
    path("market/<int:pk>/edit/", views.market_edit, name="market_edit"),
    path("after-sales-report/", views.aftersales_report, name="aftersales_report"),
    path("customer-yields/new/", views.yield_create, name="yield_create"),
    path("customer-audits/new/", views.audit_create, name="audit_create"),
]
