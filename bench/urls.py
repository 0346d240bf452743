"""The portal's URLs plus a bare page with the same layout and no data: the baseline that the
page and load benchmarks measure list pages against.  Never used outside bench/."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from fenghua_portal.urls import handler403, handler404, handler500  # noqa: F401
from fenghua_portal.urls import urlpatterns as portal_urlpatterns


@login_required
def bare(request):
    return render(request, "base.html", {})


urlpatterns = [path("_bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]
