from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_warehouse_city"),
    ]

    operations = [
        migrations.AddField(model_name="stock", name="note", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
