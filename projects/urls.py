from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/review/", views.review_queue, name="review_queue"),
    path("reports/missing/", views.missing_reports, name="missing_reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/attachments/add/", views.report_attachment_upload, name="report_attachment_upload"),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/",
        views.report_attachment_download,
        name="report_attachment_download",
    ),
]
