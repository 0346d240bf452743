"""Forms as a person meets them: each error next to its field (its own error block, the field
marked aria-invalid and described by that block), every error in the first round, closing
fields only for closing steps, and a confirmation before a member is removed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import MediationCase
from organizations.models import Membership
from tests.cases.conftest import make_case

pytestmark = pytest.mark.django_db


def field_block(html, name):
    """The .field div of the field ``name``."""
    match = re.search(rf'<div class="field[^"]*"[^>]*>(?:(?!<div class="field).)*?name="{name}".*?</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def assert_error_next_to(html, name, message):
    block = field_block(html, name)
    assert "has-error" in block.split(">")[0], f"{name} is not marked as having an error"
    error_id = f"id_{name}_error"
    assert re.search(rf'<ul class="errorlist field-errors" id="{error_id}"><li>{re.escape(message)}', block), block
    tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', block).group(0)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert error_id in described
    for ident in described:
        assert f'id="{ident}"' in html, f"aria-describedby points at {ident}, which is not on the page"


# --- the case status form ---------------------------------------------------------------------


def test_closing_fields_are_not_prefilled_and_belong_to_closing_steps(org_a, member_a, client_for):
    case = make_case(org_a, status="received")
    html = client_for(member_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    form = html.split('data-toggle-by="status"')[1].split("</form>")[0]
    date = re.search(r'<input[^>]*name="closed_date"[^>]*>', form).group(0)
    assert "value=" not in date  # not today's date for 开始调解
    for name in ("closed_date", "outcome"):
        block = field_block(form, name)
        assert 'data-show-for="failed referred succeeded"' in block
    assert "data-show-for" not in field_block(form, "note")


def test_every_error_of_a_status_step_shows_next_to_its_field_at_once(org_a, member_a, client_for):
    case = make_case(org_a, status="received")
    client = client_for(member_a)
    # A step the workflow does not allow, without date or outcome: three errors, one round.
    response = client.post(reverse("cases:transition", args=[case.pk]), {"status": "succeeded"})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_next_to(html, "status", "案件状态不能从“受理”变为“调解成功”。")
    assert_error_next_to(html, "closed_date", "结案需要填写结案日期。")
    assert_error_next_to(html, "outcome", "结案需要填写调解结果。")
    assert 'class="messages"' not in html  # no banner far above the form
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1

    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"status": "mediating", "closed_date": "2001-01-01"}
    )
    assert_error_next_to(
        response.content.decode(), "closed_date", f"结案日期不能早于受理日期（{case.received_date}）。"
    )
    # The typed values are kept.
    assert 'value="2001-01-01"' in response.content.decode()


def test_a_withdrawal_without_a_date_ends_today(org_a, member_a, client_for):
    case = make_case(org_a, status="mediating")
    response = client_for(member_a).post(
        reverse("cases:transition", args=[case.pk]), {"status": "withdrawn", "note": "申请人撤回申请"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "withdrawn" and case.closed_date == timezone.localdate()


def test_a_closing_step_through_the_page(org_a, member_a, client_for):
    case = make_case(org_a, status="mediating")
    client_for(member_a).post(
        reverse("cases:transition", args=[case.pk]),
        {"status": "succeeded", "closed_date": "2026-03-20", "outcome": "签订赡养承诺书"},
    )
    case.refresh_from_db()
    assert (case.status, case.closed_date, case.outcome) == ("succeeded", datetime.date(2026, 3, 20), "签订赡养承诺书")


def test_a_party_with_a_bad_phone_is_shown_again_with_the_error_in_place(org_a, member_a, client_for):
    case = make_case(org_a)
    response = client_for(member_a).post(
        reverse("cases:party_add", args=[case.pk]), {"role": "applicant", "name": "", "phone": "12"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<details class="inline-form" open><summary>添加当事人', html)
    assert "has-error" in field_block(html, "name")
    assert "has-error" in field_block(html, "phone")
    assert not MediationCase.objects.get(pk=case.pk).parties.exists()


# --- help texts and errors on every form -----------------------------------------------------------


FORM_PAGES: list[tuple[str, dict]] = [
    ("beneficiaries:create", {}),
    ("cases:create", {}),
    ("organizations:create", {}),
    ("spreadsheets:index", {}),
]


@pytest.mark.parametrize("name,kwargs", FORM_PAGES)
def test_every_aria_describedby_points_at_an_element_on_the_page(name, kwargs, staff, org_a, client_for):
    client = client_for(staff)
    url = reverse(name, kwargs=kwargs)
    for html in (client.get(url).content.decode(), client.post(url, {}).content.decode()):
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        pointers = [p for value in re.findall(r'aria-describedby="([^"]+)"', html) for p in value.split()]
        assert pointers, f"{url}: no described field (help texts and errors are described)"
        assert not [p for p in pointers if p not in ids]


def test_the_member_form_shows_its_errors_next_to_its_fields(org_a, admin_a, client_for):
    response = client_for(admin_a).post(
        reverse("organizations:member_add", args=[org_a.pk]),
        {"email": "not-an-address", "full_name": "", "role": "member"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "has-error" in field_block(html, "email") and "has-error" in field_block(html, "full_name")
    assert 'value="not-an-address"' in html


# --- removing a member asks first ----------------------------------------------------------------


def test_removing_a_member_asks_first_without_javascript(org_a, admin_a, member_a, client_for):
    client = client_for(admin_a)
    membership = Membership.objects.get(user=member_a, organization=org_a)
    page = client.get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    remove_url = reverse("organizations:member_remove", args=[org_a.pk, membership.pk])
    # The member page links to a confirmation; it holds no form that removes at once.
    assert f'href="{remove_url}"' in page and f'action="{remove_url}"' not in page
    confirm = client.get(remove_url)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and member_a.email in html and org_a.name in html and "确认移除" in html
    assert Membership.objects.filter(pk=membership.pk).exists()  # asking removed nothing
    assert f'action="{remove_url}"' in html
    client.post(remove_url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_open_the_confirmation(org_a, admin_a, member_a, client_for):
    membership = Membership.objects.get(user=admin_a, organization=org_a)
    url = reverse("organizations:member_remove", args=[org_a.pk, membership.pk])
    assert client_for(member_a).get(url).status_code == 403
    assert client_for(admin_a).get(url).status_code == 403  # an admin does not remove admins
