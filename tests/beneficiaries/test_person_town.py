"""``Visit.person_town`` is the visited person's town, kept by the database
(beneficiaries/triggers.py) whatever writes the visit or the person: the service, bulk
inserts (imports), ``update()``, a stale object saved.  The visit list filtered by town reads
it, so a wrong copy would list a visit under the wrong town: the list is checked too."""

import datetime
import re

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, Visit
from beneficiaries.services import visit_create
from tests.factories import BeneficiaryFactory, VisitFactory, town

pytestmark = pytest.mark.django_db

XIKOU, JINPING = "溪口镇", "锦屏街道"


def towns_of_visits():
    """{visit id: the copied town's name}, read from the database."""
    return dict(Visit.all_objects.values_list("pk", "person_town__name"))  # withdrawn ones too


def test_a_visit_takes_its_persons_town_however_it_is_written(org_a, member_a):
    person = BeneficiaryFactory(organization=org_a, town=town(XIKOU))
    by_service = visit_create(
        beneficiary=person, actor=member_a, visit_date=datetime.date(2026, 3, 1), mode=Visit.Mode.HOME
    )
    by_factory = VisitFactory(beneficiary=person)
    by_bulk = Visit.objects.bulk_create(
        [Visit(beneficiary=person, organization=org_a, visit_date=datetime.date(2026, 3, 2))]
    )[0]
    # Whatever a writer sends is replaced by the person's town.
    lying = Visit.objects.create(
        beneficiary=person, organization=org_a, visit_date=datetime.date(2026, 3, 3), person_town=town(JINPING)
    )
    found = towns_of_visits()
    assert [found[v.pk] for v in (by_service, by_factory, by_bulk, lying)] == [XIKOU] * 4


def test_a_person_who_moves_takes_her_visits_along(org_a):
    person = BeneficiaryFactory(organization=org_a, town=town(XIKOU))
    other = BeneficiaryFactory(organization=org_a, town=town(XIKOU))
    visits = [VisitFactory(beneficiary=person), VisitFactory(beneficiary=person), VisitFactory(beneficiary=other)]
    person.town = town(JINPING)
    person.save()  # the page's way
    assert [towns_of_visits()[v.pk] for v in visits] == [JINPING, JINPING, XIKOU]
    Beneficiary.objects.filter(pk=other.pk).update(town=town(JINPING))  # in bulk, no signal
    assert towns_of_visits()[visits[2].pk] == JINPING


def test_a_visit_moved_to_another_person_or_saved_stale_keeps_the_right_town(org_a):
    xikou = BeneficiaryFactory(organization=org_a, town=town(XIKOU))
    jinping = BeneficiaryFactory(organization=org_a, town=town(JINPING))
    visit = VisitFactory(beneficiary=xikou)
    stale = Visit.objects.get(pk=visit.pk)  # read before the move
    Visit.objects.filter(pk=visit.pk).update(beneficiary=jinping)
    assert towns_of_visits()[visit.pk] == JINPING
    stale.notes = "改了备注"
    stale.save()  # writes its old beneficiary and town back...
    assert towns_of_visits()[visit.pk] == XIKOU  # ...and the copy follows the beneficiary it wrote
    Beneficiary.objects.filter(pk=xikou.pk).update(town=town(JINPING))
    assert towns_of_visits()[visit.pk] == JINPING


def test_the_visit_list_by_town_lists_the_visits_of_the_people_living_there_now(org_a, member_a, client_for):
    moving = BeneficiaryFactory(name="王秀英", organization=org_a, town=town(XIKOU))
    staying = BeneficiaryFactory(name="陈美华", organization=org_a, town=town(XIKOU))
    elsewhere = BeneficiaryFactory(name="李桂英", organization=org_a, town=town(JINPING))
    for person in (moving, staying, elsewhere):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 10))
    client = client_for(member_a)

    def names_listed(town_name):
        url = reverse("beneficiaries:visit_list") + f"?town={town(town_name).pk}"
        body = client.get(url).content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return sorted(re.findall(r'class="person">([^ <]+)', body))

    assert names_listed(XIKOU) == ["王秀英", "陈美华"]
    moving.town = town(JINPING)
    moving.save()
    assert names_listed(XIKOU) == ["陈美华"]
    assert names_listed(JINPING) == ["李桂英", "王秀英"]
