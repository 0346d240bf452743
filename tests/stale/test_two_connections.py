"""Two people save the same beneficiary at the same moment, on two PostgreSQL connections: the
first takes the row (its conditional UPDATE holds the row lock until commit), the second waits
for it, then finds the version moved on and is refused with what the first changed."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from beneficiaries import services
from beneficiaries.models import Beneficiary
from tests.factories import BeneficiaryFactory


@pytest.mark.postgres
def test_the_second_of_two_concurrent_saves_is_refused(transactional_db, org_a, member_a, admin_a):
    person = BeneficiaryFactory(organization=org_a, village="东门村", visit_cadence=0)
    loaded = person.version
    first_claimed = threading.Event()
    second_started = threading.Event()
    results = {}

    def first_editor():
        try:
            with transaction.atomic():
                services.beneficiary_update(beneficiary=person, actor=member_a, version=loaded, village="南门村")
                first_claimed.set()
                second_started.wait(timeout=10)
                time.sleep(0.5)  # hold the row lock while the second editor saves
            results["first"] = "saved"
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results["first"] = repr(exc)
        finally:
            first_claimed.set()
            connection.close()

    def second_editor():
        first_claimed.wait(timeout=10)
        second_started.set()
        started = time.monotonic()
        try:
            services.beneficiary_update(beneficiary=person, actor=admin_a, version=loaded, village="西门村")
            results["second"] = "saved"
        except ValidationError as exc:
            results["second"] = exc.messages
        finally:
            results["waited"] = time.monotonic() - started
            connection.close()

    threads = [threading.Thread(target=first_editor), threading.Thread(target=second_editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results["first"] == "saved"
    assert isinstance(results["second"], list), results["second"]
    assert "本次内容没有保存" in results["second"][0] and "组织A志愿者" in results["second"][0]
    assert "村社区：东门村 → 南门村" in results["second"]
    assert results["waited"] >= 0.3, "the second save waited for the first one's row lock"
    person.refresh_from_db()
    assert person.village == "南门村" and person.version == loaded + 1
    assert Beneficiary.history.filter(id=person.pk).count() == 2  # created, then the first save only
