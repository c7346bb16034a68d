from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_order_note"),
    ]

    operations = [
        migrations.AddField(model_name="order", name="status", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
