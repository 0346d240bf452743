from django.urls import path

from . import views

app_name = "spreadsheets"

urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:resource>.xlsx", views.template_download, name="template"),
    path("export/<str:resource>.<str:fmt>", views.export, name="export"),
    path("export/<str:resource>/full/", views.export_full, name="export_full"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress_view, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.job_confirm_view, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("jobs/<int:pk>/rejected.xlsx", views.job_rejected, name="job_rejected"),
]
