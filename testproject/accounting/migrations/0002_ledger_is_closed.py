# Trunk of "accounting": its head (no label).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledger",
            name="is_closed",
            field=models.BooleanField(default=False),
        ),
    ]
