from functools import cache

from core.notifications import unread_count
from core.roles import Role, role_of


def portal(request):
    user = getattr(request, "user", None)

    # Counted only when a template shows the bell (one indexed COUNT), once per request.
    @cache
    def unread():
        return unread_count(user)

    return {"portal_role": role_of(user) if user is not None else Role.ANONYMOUS, "notifications_unread": unread}
