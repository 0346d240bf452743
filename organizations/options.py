"""The organization options of list filters, cached per scope (and the towns', the same for all).

Every list's "organization" select offers the organizations the user may see: all 600 of them
to staff and leaders, one's own to an organization user.  Building them cost 7-8.5 ms per list
page at ten districts' scale (600 rows read, 600 options rendered; issue 17), so the rendered
options are cached (``core.widgets.FastSelect``) under a key that names:

* the user's **scope**: ``all`` (staff and leaders: ``Organization.objects.visible_to`` gives
  them every organization) or the ids of the organizations one belongs to (one small query;
  a membership added or removed, or an organization stopped, changes the key at once);
* the language (an option's label may be translated);
* a **generation** that saving or deleting an organization, a membership or a town replaces
  (``forget_organization_options``, called by the signals below and by imports, which write
  without signals).

Degrading safely: the cached fragment of a key holds only the organizations of that scope, so
a stale entry can show a stale name for at most ``core.widgets.OPTIONS_CACHE_SECONDS`` (when a
generation change was lost because the cache was unreachable at that moment), never another
scope's organizations; when the cache cannot be read or written the options are built from the
database as without it (``core.cache.FallbackRedisCache`` falls back to local memory when Redis
is down)."""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language

from .access import scope_key

logger = logging.getLogger(__name__)

GENERATION_KEY = "organization-options:generation"


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if not isinstance(generation, str):
        cache.add(GENERATION_KEY, secrets.token_hex(4), None)
        generation = cache.get(GENERATION_KEY)
    return generation if isinstance(generation, str) else "none"


def organization_options_key(request: HttpRequest | None) -> str | None:
    """The cache key of the organization options for ``request``'s user (None: not cached)."""
    if request is None:
        return None
    scope = scope_key(request.user)
    if scope is None:
        return None
    if scope == "leader":
        scope = "all"  # leaders are offered every organization, as staff are
    generation = _safe_generation()
    return None if generation is None else f"organization-options:{generation}:{get_language()}:{scope}"


def shared_options_key(name: str) -> Callable[[HttpRequest | None], str | None]:
    """The ``option_cache_keys`` entry of a select whose options are the same for every user
    (the towns, fixed categories): one cached fragment per language."""

    def key(request: HttpRequest | None) -> str | None:
        generation = _safe_generation()
        return None if generation is None else f"shared-options:{name}:{generation}:{get_language()}"

    return key


def town_choices() -> list[tuple[int, str]]:
    """[(id, name)] of the towns in their order, for the town filters: read from the cache (one
    list for everyone, with the generation), so checking a chosen town costs no query."""
    from .models import Town

    generation = _safe_generation()
    key = None if generation is None else f"town-choices:{generation}"
    if key is not None:
        try:
            cached = cache.get(key)
        except Exception:
            cached = None
        if isinstance(cached, list):
            return cached
    choices = list(Town.objects.order_by("order", "name").values_list("id", "name"))
    if key is not None:
        try:
            cache.set(key, choices, None)
        except Exception:
            logger.warning("town choices not cached", exc_info=True)
    return choices


def _safe_generation() -> str | None:
    try:
        return _generation()
    except Exception:  # the cache is an optimisation: unreadable means "do not cache"
        logger.warning("options cache unreadable; options built from the database", exc_info=True)
        return None


def forget_organization_options() -> None:
    """Makes every cached set of organization options stale (a new generation)."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(4), None)
    except Exception:
        logger.warning("options cache generation not replaced", exc_info=True)


def _forget(**_kwargs: object) -> None:
    forget_organization_options()


def connect_signals() -> None:
    """Saving or deleting an organization or a membership (pages, services, the admin) makes
    the cached options stale; bulk writes call ``forget_organization_options`` themselves."""
    from django.db.models.signals import post_delete, post_save

    from .models import Membership, Organization, Town

    for model in (Organization, Membership, Town):
        post_save.connect(_forget, sender=model, dispatch_uid=f"organization-options-{model.__name__}-save")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"organization-options-{model.__name__}-delete")
