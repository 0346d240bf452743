from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="list"),
    path("new/", views.beneficiary_create, name="create"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/edit/", views.beneficiary_edit, name="edit"),
    path("<int:pk>/deactivate/", views.beneficiary_deactivate_view, name="deactivate"),
    path("<int:pk>/reactivate/", views.beneficiary_reactivate_view, name="reactivate"),
    path("<int:pk>/reveal/<slug:field>/", views.beneficiary_reveal, name="reveal"),
    path("<int:pk>/history/", views.beneficiary_history, name="history"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_start, name="visit_create"),
    path("visits/new/<int:pk>/", views.visit_create_view, name="visit_create_for"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/withdraw/", views.visit_withdraw, name="visit_withdraw"),
]
