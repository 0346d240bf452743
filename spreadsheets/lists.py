""" "Export this list": a list page's rows, with its filters, sort and search, as a file under
the export policy.

The list page links to the export with its query string in ``?filters=`` (``export_links``
in ``templatetags/spreadsheets_links.py``).  The export builds the list exactly as the page
does (the app's ``*_query`` function, given the same query string, user and session) and
exports those rows, in the list's order; ``policy.export_file_rows`` then narrows them to what
the user may export again (``export_scope``: ``visible_to``, and ``manageable_by`` for a full
export), masks and records them.  So a file is never wider than the page, nor than the user's
``visible_to``."""

import copy

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _


def list_queries():
    """{resource name: function(request) -> core.lists.ListQuery} of the lists with an export."""
    from beneficiaries.lists import beneficiary_query, visit_query
    from cases.lists import case_query
    from organizations.lists import organization_query
    from projects.lists import project_query
    from referrals.lists import referral_query
    from training.lists import session_query

    return {
        "visits": visit_query,
        "beneficiaries": beneficiary_query,
        "cases": case_query,
        "projects": project_query,
        "trainings": session_query,
        "organizations": organization_query,
        "referrals": referral_query,
    }


def has_list(resource_name):
    return resource_name in list_queries()


def list_rows(request, resource, filters):
    """(rows, {label: shown value}) of the list ``resource`` as shown for the query string
    ``filters`` to ``request``'s user: the resource's export rows that the list shows, in the
    list's order.  404 for a type without a list page."""
    build = list_queries().get(resource.name)
    if build is None:
        raise Http404
    listed = copy.copy(request)
    listed.GET = QueryDict(filters[:2000])
    found = build(listed)
    rows = (
        resource.export_queryset(request.user)
        .filter(pk__in=found.rows.order_by().values("pk"))
        .order_by(*found.sorting.order)
    )
    return rows, describe(found)


def describe(found):
    """The list's filters as the audit log records them ({label: value}); the search text is
    personal data and is recorded as hidden."""
    shown = {}
    form = found.filterset.form
    if form.is_bound and form.is_valid():
        for name, value in form.cleaned_data.items():
            if value is None or value == "" or value == [] or value == ():
                continue
            field = form.fields[name]
            # A choice is recorded by its label (溪口镇), a record by its name (str()).
            labels = {} if hasattr(field, "queryset") else {str(k): v for k, v in getattr(field, "choices", ())}
            shown[str(field.label)] = str(labels.get(str(value), value))
    if found.searched:
        shown[_("搜索")] = _("（已隐藏）")
    if not found.sorting.is_default:
        shown[_("排序")] = found.sorting.value
    return shown
