"""Figures precomputed (issue 17): kept per scope and month with the data generation they were
computed at; pages find them ready, the PDF uses them only while provably up to date."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from reports import figures, generation
from reports.models import FigureSnapshot
from reports.presentation import all_scopes
from reports.statistics import Scope, compute, trend
from reports.tasks import refresh_figures
from tests.factories import BeneficiaryFactory, VisitFactory, town

from .conftest import MARCH


def tables_read(queries):
    names = set()
    for query in queries:
        names |= set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', query["sql"]))
    return names


def test_every_table_the_figures_read_raises_the_generation(dataset):
    """A figure over a table without the trigger could be served stale as "up to date"."""
    with CaptureQueriesContext(connection) as queries:
        compute(MARCH, Scope.district())
        compute(MARCH, Scope.for_town(dataset["t1"]))
        compute(MARCH, Scope.for_organization(dataset["a"]))
        trend(MARCH, Scope.district())
    read = tables_read(queries.captured_queries)
    assert read, "no table found in the statistics' SQL"
    assert read <= set(generation.counted_tables()), read - set(generation.counted_tables())
    assert set(generation.counted_tables()) <= generation.installed_on()


@pytest.mark.django_db
def test_any_kind_of_write_raises_the_generation(dataset):
    person = BeneficiaryFactory(town=town("溪口镇"))
    steps = [
        lambda: VisitFactory(beneficiary=person, visit_date=MARCH),  # a save
        lambda: type(person).objects.filter(pk=person.pk).update(village="东门村"),  # update()
        lambda: type(person).objects.bulk_create(
            [BeneficiaryFactory.build(town=town("溪口镇"), organization=dataset["a"])]
        ),  # an import
        lambda: connection.cursor().execute("DELETE FROM beneficiaries_visit WHERE beneficiary_id = %s", [person.pk]),
    ]
    for step in steps:
        before = generation.current()
        step()
        assert generation.current() > before
    # A write rolled back leaves the generation where it was.
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        VisitFactory(beneficiary=person, visit_date=MARCH)
        raise RuntimeError
    assert generation.current() == before


def test_snapshots_keep_the_types(dataset):
    stats, series, _at = figures.compute_and_store(MARCH, Scope.district())
    kept_stats, kept_series, _kept_at = figures._figures_of(FigureSnapshot.objects.get(scope_key="district"))
    assert kept_stats == stats and kept_series == series
    assert kept_stats["month"] == datetime.date(2026, 3, 1)
    assert kept_stats["month_figures"]["project_funds"] == Decimal("62000.50")


def test_the_night_computes_every_scope_so_no_page_does(dataset, staff, client_for, monkeypatch, settings):
    with timezone.override("Asia/Shanghai"):
        months = figures.recent_months()
    refresh_figures()
    assert FigureSnapshot.objects.count() == len(all_scopes()) * len(months)

    def refuse(*args, **kwargs):
        raise AssertionError("a page computed figures")

    monkeypatch.setattr(figures, "compute", refuse)
    monkeypatch.setattr(figures, "trend", refuse)
    response = client_for(staff).get(reverse("reports:dashboard"))  # this month, the district
    assert response.status_code == 200
    assert client_for(staff).get(reverse("reports:dashboard"), {"town": dataset["t1"].pk}).status_code == 200


def test_the_pdf_uses_a_snapshot_only_while_nothing_changed(dataset, monkeypatch):
    scope = Scope.district()
    figures.compute_and_store(MARCH, scope)
    calls = []
    real = figures.compute
    monkeypatch.setattr(figures, "compute", lambda *a: calls.append(a) or real(*a))
    stats, _series, _at = figures.figures_for_report(MARCH, scope)
    assert calls == [] and stats["month_figures"]["visits"] == 7  # current: kept figures

    person = BeneficiaryFactory(town=dataset["t1"], organization=dataset["a"])
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 9))
    stats, _series, _at = figures.figures_for_report(MARCH, scope)
    assert len(calls) == 1 and stats["month_figures"]["visits"] == 8  # a visit since: computed again
    assert stats == compute(MARCH, scope)


def test_an_old_snapshot_is_shown_and_the_worker_computes_it_again(
    dataset, staff, client_for, settings, django_capture_on_commit_callbacks
):
    scope = Scope.district()
    figures.compute_and_store(MARCH, scope)
    person = BeneficiaryFactory(town=dataset["t1"], organization=dataset["a"])
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 9))
    FigureSnapshot.objects.update(
        computed_at=timezone.now() - datetime.timedelta(seconds=settings.DASHBOARD_CACHE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):  # the outbox relays (in-process) at commit
        stats, _series, _at = figures.figures_for_dashboard(MARCH, scope)
        assert stats["month_figures"]["visits"] == 7  # shown at once, as kept
    kept = FigureSnapshot.objects.get(scope_key="district")
    assert figures._loads(kept.stats)["month_figures"]["visits"] == 8  # the worker's refresh
    assert kept.generation == generation.current()


def test_a_finished_import_has_the_worker_refresh_the_kept_figures(dataset, staff, django_capture_on_commit_callbacks):
    from spreadsheets.models import ImportJob

    figures.compute_and_store(MARCH, Scope.district())
    person = BeneficiaryFactory(town=dataset["t1"], organization=dataset["a"])
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 9))
    job = ImportJob.objects.create(
        user=staff, resource="visits", original_name="走访.xlsx", status=ImportJob.Status.RUNNING
    )
    with django_capture_on_commit_callbacks(execute=True):
        job.status = ImportJob.Status.DONE
        job.save()
    assert OutboxMessage.objects.filter(task_name="reports.tasks.refresh_figures").exists()
    kept = FigureSnapshot.objects.get(scope_key="district", month=MARCH)
    assert figures._loads(kept.stats)["month_figures"]["visits"] == 8


def test_compacting_the_changes_keeps_the_generation(dataset):
    VisitFactory(beneficiary=BeneficiaryFactory(town=dataset["t1"], organization=dataset["a"]), visit_date=MARCH)
    before = generation.current()
    generation.compact()
    assert generation.current() == before
    VisitFactory(beneficiary=BeneficiaryFactory(town=dataset["t1"], organization=dataset["a"]), visit_date=MARCH)
    assert generation.current() > before
