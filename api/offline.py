"""The offline visit app (a progressive web app served by the portal itself): the web app
manifest and the service worker at the site root, and the page that records visits without a
signal (``/offline/``).  The page's data come from the JSON API (people masked, visits sent
with an idempotency key); the logic is in static/js/offline-core.js and offline.js."""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from beneficiaries.models import Visit, VisitService
from core.decorators import field_worker_required

# What the service worker keeps for the app shell (besides the page itself).
SHELL_ASSETS = (
    "css/portal.css",
    "js/portal.js",
    "js/forms.js",
    "js/offline-core.js",
    "js/offline.js",
    "django_htmx/htmx-2.min.js",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
)
# The caches the worker and the page use; all start with this (logout deletes every one).
CACHE_PREFIX = "lanxin-"


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("兰馨HUI 走访登记"),
        "short_name": _("兰馨走访"),
        "description": _("奉化区妇联兰馨HUI平台：没有信号时也能登记走访，有信号后自动同步。"),
        "lang": "zh-CN",
        "start_url": reverse("offline_visits"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b0306a",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, at the root so that its scope is the whole portal.  Its version is a hash of
    the shell's asset URLs (hashed names in production): a new deployment installs a new
    worker, which drops the old caches."""
    assets = [static(name) for name in SHELL_ASSETS]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    config = {
        "version": version,
        "assets": assets,
        "offlineUrl": reverse("offline_visits"),
        "prefix": CACHE_PREFIX,
        "fallback": _("现在没有网络，本机也没有缓存这个页面。请回到“离线走访”页面登记走访。"),
    }
    response = render(
        request,
        "offline/sw.js",
        {"config": json.dumps(config, ensure_ascii=False)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@field_worker_required
def visit_app(request: HttpRequest) -> HttpResponse:
    """Records visits offline: the people cached on this phone (masked), a visit form, the
    queue of visits waiting to be sent (待同步) with each one's result."""
    return render(
        request,
        "offline/visits.html",
        {
            "modes": Visit.Mode.choices,
            "services": VisitService.Code.choices,
            "cache_days": settings.OFFLINE_CACHE_DAYS,
        },
    )
