from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from api import offline
from api.v1 import api

from . import views

handler403 = "fenghua_portal.views.permission_denied"
handler404 = "fenghua_portal.views.page_not_found"
handler500 = "fenghua_portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("notifications/", include("core.urls")),
    path("organizations/", include("organizations.urls")),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("training/", include("training.urls")),
    path("projects/", include("projects.urls")),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("spreadsheets/", include("spreadsheets.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", api.urls),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.visit_app, name="offline_visits"),
]
