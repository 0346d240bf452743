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
    path("<int:pk>/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path(
        "invitations/<int:invitation_pk>/accept/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "invitations/<int:invitation_pk>/decline/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    path("<int:pk>/members/<int:membership_pk>/role/", views.membership_role, name="member_role"),
    path("accounts/", views.account_list, name="accounts"),
    path("audit/", views.access_log, name="audit"),
]
