from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("monthly/", views.report_list, name="report_list"),
    path("monthly/<int:pk>/", views.report_status, name="report_status"),
    path("monthly/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("monthly/<int:pk>/download/", views.report_download, name="report_download"),
    path("monthly/<int:pk>/retry/", views.report_retry_view, name="report_retry"),
]
