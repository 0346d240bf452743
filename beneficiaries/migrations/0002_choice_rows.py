from django.db import migrations

CATEGORIES = ["old_women_director", "child_in_difficulty", "woman_in_difficulty", "single_mother", "bereaved_family", "elderly"]
SERVICES = ["supplies", "health", "counseling", "daily_care", "policy", "legal", "other"]


def create(apps, schema_editor):
    for code in CATEGORIES:
        apps.get_model("beneficiaries", "BeneficiaryCategory").objects.get_or_create(code=code)
    for code in SERVICES:
        apps.get_model("beneficiaries", "VisitService").objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
