"""The reveals recorded so far move to the one audit log of personal-data access
(organizations.DataAccessEvent), each with its person as the subject; then the old table goes."""

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("beneficiaries", "PersonalDataAccess")
    Event = apps.get_model("organizations", "DataAccessEvent")
    Subject = apps.get_model("organizations", "DataAccessSubject")
    for old in Old.objects.select_related("beneficiary").order_by("id").iterator():
        event = Event.objects.create(
            user_id=old.user_id,
            at=old.at,
            action="reveal",
            organization_id=old.beneficiary.organization_id,
            field=old.field,
        )
        Subject.objects.create(
            event=event,
            record_type="beneficiary",
            record_id=old.beneficiary_id,
            organization_id=old.beneficiary.organization_id,
        )


def backwards(apps, schema_editor):
    Old = apps.get_model("beneficiaries", "PersonalDataAccess")
    Subject = apps.get_model("organizations", "DataAccessSubject")
    for subject in Subject.objects.filter(record_type="beneficiary", event__action="reveal").select_related("event"):
        old = Old.objects.create(user_id=subject.event.user_id, beneficiary_id=subject.record_id, field=subject.event.field)
        Old.objects.filter(pk=old.pk).update(at=subject.event.at)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0003_register_order_index"),
        ("organizations", "0004_personal_data_audit_log"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="PersonalDataAccess"),
    ]
