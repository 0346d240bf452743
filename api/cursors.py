"""Cursor pagination: a page is the rows after the last one of the previous page in the list's
order, ``WHERE (visit_date, id) < (d, i) ORDER BY ... LIMIT n + 1`` (read from the order's
index, so a deep page costs what the first costs).  The cursor is opaque to clients: the
boundary row's values of the order, base64url-encoded JSON; a malformed one is refused with a
problem naming ``cursor``.  The condition is the pages' keyset condition
(``core.pagination.beyond``)."""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.pagination import beyond

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def encode(values: Sequence[Any]) -> str:
    text = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error):
        values = None
    ok = isinstance(values, list) and len(values) == size
    ok = ok and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in values or ())
    if not ok:
        raise ValidationError({"cursor": _("游标无效，请从第一页重新读取。")})
    return list(values or ())


def page(
    queryset: QuerySet[Any],
    order: Sequence[str],
    cursor: str | None,
    limit: int,
    key: Callable[[Any], Sequence[Any]],
) -> tuple[list[Any], str | None]:
    """(rows of the page, cursor of the next page or None)."""
    limit = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
    rows = queryset.order_by(*order)
    if cursor:
        values = decode(cursor, len(order))
        try:
            rows = rows.filter(beyond(order, values))
            found = list(rows[: limit + 1])
        except (ValidationError, ValueError, TypeError):
            raise ValidationError({"cursor": _("游标无效，请从第一页重新读取。")}) from None
    else:
        found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, (encode(key(found[-1])) if more and found else None)
