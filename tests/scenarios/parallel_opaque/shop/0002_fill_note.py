from django.db import migrations


def fill_note(apps, schema_editor):
    apps.get_model("shop", "Order").objects.filter(note="").update(note="-")


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_note, migrations.RunPython.noop),
    ]
