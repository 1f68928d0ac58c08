from django.urls import path

from . import report_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("report/", report_views.report_page, name="report"),
    path("report/pdf/", report_views.report_pdf_view, name="report_pdf"),
    path("report/xlsx/", report_views.report_xlsx_view, name="report_xlsx"),
    path("report/record/", report_views.report_record_open, name="yearly_report_open"),
    path("reports/<int:pk>/", report_views.report_record, name="yearly_report"),
    path("reports/<int:pk>/update/", report_views.report_record_update, name="yearly_report_update"),
    path("reports/<int:pk>/do/<str:step>/", report_views.report_record_step, name="yearly_report_step"),
    path("reports/<int:pk>/receipts/<int:receipt_pk>/", report_views.report_receipt_confirm,
         name="yearly_report_receipt"),
    path("settings/", views.survey_settings, name="settings"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_edit, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/revise/", views.template_edit, name="template_revise"),
    path("templates/<int:pk>/print/", views.template_printout, name="template_printout"),
    path("templates/<int:pk>/grades/", views.template_bands, name="template_bands"),
    path("answers/<int:pk>/", views.answer_detail, name="answer_detail"),
    path("answers/<int:pk>/print/", views.answer_printout, name="answer_printout"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/do/<str:step>/", views.campaign_step, name="campaign_step"),
    path("<int:pk>/recipients/", views.recipient_change, name="recipient_change"),
    path("<int:pk>/recipients/<int:recipient_pk>/answer/", views.staff_answer, name="staff_answer"),
    path("<int:pk>/answers.xlsx", views.answers_export, name="answers_export"),
    path("<int:pk>/import/", views.import_answers, name="import_answers"),
    path("<int:pk>/import/form.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/competitors/", views.competitor_add, name="competitor_add"),
    path("<int:pk>/improvements/", views.improvement_save, name="improvement_add"),
    path("<int:pk>/improvements/<int:improvement_pk>/", views.improvement_save, name="improvement_change"),
    path("<int:pk>/improvements/<int:improvement_pk>/do/<str:step>/", views.improvement_step,
         name="improvement_step"),
    path("<int:pk>/meetings/<int:meeting_pk>/", views.meeting_record, name="meeting_record"),
]
