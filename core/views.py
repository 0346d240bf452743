"""The notification pages: the list under the bell, opening one (marks it read and goes to its
page), and marking all read.  A person sees only their own notifications (another's is a 404)."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import mark_all_read, mark_read
from .pagination import paginate


def _user_id(request: HttpRequest) -> int:
    # The views are login_required: the user has an id.
    return cast(int, request.user.pk)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user_id=_user_id(request)).order_by("-created_at", "-id")
    page, query = paginate(request, rows)
    return render(request, "core/notification_list.html", {"page": page, "query": query})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification (a plain link, so it works everywhere) marks it read and leads to
    its page, which checks access again.  A GET that writes, on purpose: it changes only the
    reader's own read mark, the same whether clicked once or twice."""
    notification = get_object_or_404(Notification.objects.filter(user_id=_user_id(request)), pk=pk)
    mark_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(user=request.user)
    return redirect("notifications:list")
