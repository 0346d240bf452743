from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_transition, name="transition"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/events/add/", views.event_create, name="event_add"),
    path("<int:pk>/parties/add/", views.party_create, name="party_add"),
    path("<int:pk>/parties/<int:party_pk>/reveal/<str:field>/", views.party_reveal, name="party_reveal"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.party_delete, name="party_remove"),
    path("<int:pk>/attachments/add/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/history/", views.case_history, name="history"),
]
