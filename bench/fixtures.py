"""Accounts and sample rows in the benchmark database (created once, reused)."""


def bench_users():
    """(staff, member): a staff account and the admin of the organization with most visits."""
    from django.db.models import Count

    from accounts.models import User
    from organizations.models import Membership, Organization

    staff, _ = User.objects.get_or_create(
        email="bench-staff@bench.cn", defaults={"role": "staff", "full_name": "压测 工作人员"}
    )
    member, _ = User.objects.get_or_create(
        email="bench-member@bench.cn", defaults={"role": "member", "full_name": "压测 志愿者"}
    )
    org = Organization.objects.annotate(n=Count("visits")).order_by("-n", "pk").first()
    Membership.objects.get_or_create(user=member, organization=org, defaults={"role": "admin"})
    return staff, member, org
