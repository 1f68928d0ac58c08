from django.urls import path

from . import views

app_name = "prevention"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<str:name>/", views.transition, name="transition"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action>/done/", views.action_done, name="action_done"),
    path("groups/", views.groups, name="groups"),
    path("repeat-rules/", views.repeat_rules, name="repeat_rules"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/recompute/", views.assessment_recompute, name="assessment_recompute"),
    path("assessments/<int:pk>/step/<str:name>/", views.assessment_transition, name="assessment_transition"),
    path("assessments/<int:pk>/pdf/", views.assessment_pdf, name="assessment_pdf"),
]
