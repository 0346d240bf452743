"""Two people editing the same case: the second save is refused, the first is kept."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases import services
from cases.models import MediationCase

from .conftest import make_case

STALE = "本次内容没有保存"


@pytest.mark.django_db
def test_a_save_from_an_old_copy_is_refused(org_a, member_a, admin_a):
    case = make_case(org_a, summary="原始案情")
    first, second = MediationCase.objects.get(pk=case.pk), MediationCase.objects.get(pk=case.pk)
    services.case_update(case=first, version=first.version, actor=member_a, summary="第一人的修改")
    with pytest.raises(ValidationError) as exc:
        services.case_update(case=second, version=second.version, actor=admin_a, summary="第二人的修改")
    assert STALE in exc.value.messages[0] and "该案件已被组织A志愿者修改" in exc.value.messages[0]
    assert "案情简述：原始案情 → 第一人的修改" in exc.value.messages
    assert exc.value.current_version == 2
    case.refresh_from_db()
    assert case.summary == "第一人的修改" and case.version == 2


@pytest.mark.django_db
def test_an_edit_form_opened_before_a_status_change_is_refused(org_a, member_a):
    case = make_case(org_a)
    loaded_version = case.version
    services.case_transition(case=case, to_status="mediating", actor=member_a)
    with pytest.raises(ValidationError) as exc:
        services.case_update(case=case, version=loaded_version, actor=member_a, summary="覆盖？")
    assert STALE in exc.value.messages[0] and "状态：受理 → 调解中" in exc.value.messages


@pytest.mark.django_db
def test_edits_are_kept_in_the_history(org_a, member_a):
    case = make_case(org_a, summary="原始案情")
    services.case_update(case=case, version=case.version, actor=member_a, summary="补充：已联系村委")
    latest = case.history.order_by("-history_date").first()
    assert latest.summary == "补充：已联系村委" and latest.history_user == member_a


@pytest.mark.postgres
def test_second_concurrent_save_is_refused_on_postgresql(transactional_db, org_a, member_a, admin_a):
    case = make_case(org_a, summary="原始案情")
    version = case.version
    first_updated = threading.Event()
    results = {}

    def first_editor():
        try:
            with transaction.atomic():
                services.case_update(case=case, version=version, actor=member_a, summary="第一人的修改")
                first_updated.set()
                time.sleep(0.5)  # hold the row lock while the second editor saves
            results["first"] = "saved"
        except Exception as exc:
            results["first"] = exc
        finally:
            first_updated.set()
            connection.close()

    def second_editor():
        first_updated.wait(timeout=10)
        try:
            services.case_update(case=case, version=version, actor=admin_a, summary="第二人的修改")
            results["second"] = "saved"
        except ValidationError as exc:
            results["second"] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first_editor), threading.Thread(target=second_editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results["first"] == "saved" and STALE in results["second"]
    case.refresh_from_db()
    assert case.summary == "第一人的修改" and case.version == version + 1
