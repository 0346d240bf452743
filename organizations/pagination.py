"""Pagination that does not count the whole table for every page.

The count is taken once per filtered query (cheap with the indexes on the filtered columns);
page links use it.  Lists fetch one page with its related rows in a fixed number of queries.
"""
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def paginate(request, queryset, per_page=None):
    per_page = per_page or settings.PAGINATE_BY
    try:
        per_page = max(1, min(int(request.GET.get("per_page", per_page)), 200))
    except ValueError:
        per_page = settings.PAGINATE_BY
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
