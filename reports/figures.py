"""The figures behind the pages and the PDF: ``(compute(), trend(), computed_at)`` for a
month and scope."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.months import month_start

from .statistics import compute, trend


def fresh_figures(month, scope):
    return compute(month, scope), trend(month, scope), timezone.localtime()


def figures_for_dashboard(month, scope):
    """Kept in the cache for ``settings.DASHBOARD_CACHE_SECONDS``."""
    key = f"dashboard-figures:{scope.key}:{month_start(month):%Y-%m}"
    cached = cache.get(key)
    if cached is None:
        cached = fresh_figures(month, scope)
        cache.set(key, cached, settings.DASHBOARD_CACHE_SECONDS)
    return cached


def figures_for_report(month, scope):
    return fresh_figures(month, scope)
