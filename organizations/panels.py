"""Sections of the organization page contributed by the apps above this one.

``organizations`` imports none of the domain apps; instead each app registers a function in
its AppConfig.ready() that returns the panel for an organization (or None):

    register_panel(order, func)  # func(request, organization) -> {"template": ..., **context}

The function must fetch through ``visible_to(request.user)`` like any view.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# (order, func(request, organization) -> panel context or None)
_panels: list[tuple[int, Callable[[HttpRequest, Any], dict[str, Any] | None]]] = []


def register_panel(order, func):
    if func not in [f for _, f in _panels]:
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])


def panels_for(request, organization):
    result = []
    for _, func in _panels:
        panel = func(request, organization)
        if panel:
            result.append(panel)
    return result
