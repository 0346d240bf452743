from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/members/add/", views.membership_create, name="member_add"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.membership_delete, name="member_remove"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.membership_role, name="member_role"),
    path("accounts/", views.account_list, name="accounts"),
]
