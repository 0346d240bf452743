from django.db import migrations

TOWNS = [
    "锦屏街道", "岳林街道", "江口街道", "西坞街道", "萧王庙街道", "方桥街道",
    "溪口镇", "尚田街道", "莼湖街道", "裘村镇", "大堰镇", "松岙镇",
]
SERVICE_AREAS = ["care", "training", "entrepreneurship", "rights", "volunteering"]


def create(apps, schema_editor):
    Town = apps.get_model("organizations", "Town")
    ServiceArea = apps.get_model("organizations", "ServiceArea")
    for order, name in enumerate(TOWNS, start=1):
        Town.objects.update_or_create(name=name, defaults={"order": order})
    for code in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
