from django.urls import path

from . import views

app_name = "property"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/template/", views.import_template, name="import_template"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/step/<str:name>/", views.item_step, name="item_step"),
    path("items/<int:pk>/calibration/", views.item_calibration, name="item_calibration"),
    path("items/<int:pk>/loan/", views.loan_request, name="loan_request"),
    path("items/<int:pk>/damage/", views.damage_create, name="damage_create"),
    path("items/<int:pk>/photos/", views.photos_add, name="photos_add"),
    path("items/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("items/<int:pk>/photos/<int:photo_pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
    path("loans/", views.loan_list, name="loan_list"),
    path("loans/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/step/<str:name>/", views.loan_step, name="loan_step"),
    path("loans/<int:pk>/slip.pdf", views.loan_slip, name="loan_slip"),
    path("damage/", views.damage_list, name="damage_list"),
    path("damage/<int:pk>/", views.damage_detail, name="damage_detail"),
    path("damage/<int:pk>/step/<str:name>/", views.damage_step, name="damage_step"),
    path("damage/<int:pk>/notice.pdf", views.damage_notice, name="damage_notice"),
    path("damage/<int:pk>/capa/", views.damage_capa, name="damage_capa"),
    path("drawings/", views.document_list, name="document_list"),
    path("drawings/new/", views.document_create, name="document_create"),
    path("drawings/<int:pk>/", views.document_detail, name="document_detail"),
    path("drawings/<int:pk>/revision/", views.revision_add, name="revision_add"),
    path("drawings/<int:pk>/copies/", views.copies_issue, name="copies_issue"),
    path("copies/<int:pk>/step/<str:name>/", views.copy_step, name="copy_step"),
    path("customers/<int:customer_pk>/information/", views.customer_information, name="customer_information"),
    path("information/<int:pk>/", views.information_detail, name="information_detail"),
    path("inventory/", views.inventory_list, name="inventory_list"),
    path("inventory/<int:pk>/", views.inventory_detail, name="inventory_detail"),
    path("inventory/<int:pk>/lines/<int:line_pk>/", views.inventory_confirm, name="inventory_confirm"),
    path("inventory/<int:pk>/close/", views.inventory_close, name="inventory_close"),
]
