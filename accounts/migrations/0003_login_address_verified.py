"""Existing accounts get their login address recorded as verified and primary, as accounts
created from now on do (accounts.models.UserManager), so that they can still log in now that
login needs a verified address.

Their address was entered by staff, an organization admin or IT.  The exception: an account whose
login address was made primary on the address page without ever being verified (the hole this
release closes) keeps it unverified; allauth sends its owner a confirmation link at the next
login attempt."""

from django.db import migrations


def record_login_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        addresses = EmailAddress.objects.filter(user=user)
        if addresses.filter(verified=True).exists():
            continue
        claimed = addresses.filter(email__iexact=user.email, primary=True).first()
        if claimed is not None:
            continue  # chosen on the address page, never proved
        if EmailAddress.objects.filter(email__iexact=user.email, verified=True).exclude(user=user).exists():
            continue  # another account proved it: this one must prove it too
        addresses.filter(primary=True).update(primary=False)
        address = addresses.filter(email__iexact=user.email).first() or EmailAddress(user=user, email=user.email.lower())
        address.verified = True
        address.primary = True
        address.save()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_signin_event"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_login_addresses, migrations.RunPython.noop)]
