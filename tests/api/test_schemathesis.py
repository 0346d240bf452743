"""Schema-driven fuzzing: schemathesis generates requests for every operation of the served
schema (/api/v1/openapi.json), valid and invalid ones, as a member of organization A and as
staff (each with a device token), through the portal's whole WSGI stack; every response must be
no 5xx, a documented status, of the documented content type and matching its schema.

Small on purpose (``MAX_EXAMPLES`` per operation and mode) so that it runs in about a minute
in `make test`."""

import datetime

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 12


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _run(strategy, headers, checks, failures, label):
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    try:
        run()
    except Exception as exc:  # collect every operation's failure, then fail once
        failures.append(f"{label}: {exc}")


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection around each request (Django's test
    client stops that; schemathesis calls the handler itself): the test's transaction must
    outlive the requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("keep_connection")
@pytest.mark.parametrize("role", ["member_a", "staff"])
def test_every_operation_as_a_member_and_as_staff(role, request, org_a, settings):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis import GenerationMode

    from accounts.services import api_token_create

    settings.API_RATE_LIMIT = 0  # the limit has its own test; here it would only stop the fuzzing
    user = request.getfixturevalue(role)
    today = datetime.date.today()
    person = BeneficiaryFactory(
        organization=org_a, key_care=True, visit_cadence=2, key_care_since=today - datetime.timedelta(days=60)
    )
    visit = VisitFactory(beneficiary=person, created_by=user)
    _token, raw = api_token_create(user=user, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    checks = _checks()
    failures: list[str] = []
    operations = 0
    existing = {"person_id": person.pk, "visit_id": visit.pk}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation.as_strategy(generation_mode=mode), headers, checks, failures, f"{operation.label} {mode}")
        if names:
            # The same operation on records that exist (random ids are mostly 404).
            fixed = {name: existing[name] for name in names}
            strategy = operation.as_strategy(path_parameters=fixed)
            _run(strategy, headers, checks, failures, f"{operation.label} existing")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
