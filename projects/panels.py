"""The organization page's project section: projects it undertakes and funds, funds received
and given, and its reports by status (figures only, no narratives)."""

from django.db.models import Count, Q, Sum

from .models import CharityProject, ProjectReport


def project_panel(request, organization):
    visible = CharityProject.objects.visible_to(request.user)
    figures = visible.filter(Q(organization=organization) | Q(funder=organization)).aggregate(
        received_n=Count("id", filter=Q(organization=organization)),
        received_amount=Sum("amount", filter=Q(organization=organization)),
        given_n=Count("id", filter=Q(funder=organization)),
        given_amount=Sum("amount", filter=Q(funder=organization)),
    )
    if not figures["received_n"] and not figures["given_n"]:
        return None
    projects = (
        visible.filter(Q(organization=organization) | Q(funder=organization))
        .select_related("organization", "funder")
        .order_by("-start_date", "name")[:50]
    )
    counts = (
        ProjectReport.objects.countable_by(request.user).filter(project__organization=organization).counts_by_status()
    )
    report_counts = [{"label": label, "n": counts.get(value, 0)} for value, label in ProjectReport.Status.choices]
    return {
        "template": "projects/panel.html",
        "organization": organization,
        "received": {"n": figures["received_n"], "amount": figures["received_amount"]},
        "given": {"n": figures["given_n"], "amount": figures["given_amount"]},
        "report_counts": report_counts,
        "projects": projects,
    }
