"""The demo has a referral in every status (and a request), and running it again adds none."""

import pytest
from django.core.management import call_command

from beneficiaries.models import AccessGrant
from referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


def test_every_status_and_idempotent():
    call_command("seed_demo", quiet=True)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    count, events = Referral.objects.count(), ReferralEvent.objects.count()
    completed = Referral.objects.get(status="completed")
    assert completed.completed_at > completed.accepted_at and completed.events.count() == 3
    grant = AccessGrant.objects.get(source=completed.grant_source)
    assert grant.ends is not None and grant.starts == completed.accepted_at
    call_command("seed_demo", quiet=True)
    assert (Referral.objects.count(), ReferralEvent.objects.count()) == (count, events)
