from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create, name="create"),
    path("review/", views.claim_review, name="review"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/book/", views.ledger_book, name="ledger_book"),
    path("settings/", views.claim_settings, name="settings"),
    path("suppliers/", views.supplier_claim_list, name="supplier_list"),
    path("suppliers/new/", views.supplier_claim_create, name="supplier_create"),
    path("suppliers/<int:pk>/", views.supplier_claim_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/do/<str:name>/", views.supplier_claim_transition, name="supplier_transition"),
    path("suppliers/<int:pk>/print/", views.supplier_claim_printout, name="supplier_printout"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/do/<str:name>/", views.claim_transition, name="transition"),
    path("<int:pk>/items/", views.claim_items, name="items"),
    path("<int:pk>/documents/", views.claim_document, name="document"),
    path("<int:pk>/documents/<int:doc>/", views.claim_document_download, name="document_download"),
    path("<int:pk>/documents/<int:doc>/thumbnail/", views.claim_document_thumbnail, name="document_thumbnail"),
    path("<int:pk>/settlement/", views.claim_settlement, name="settlement"),
    path("<int:pk>/action/", views.claim_action, name="action"),
    path("<int:pk>/print/", views.claim_printout, name="printout"),
]
