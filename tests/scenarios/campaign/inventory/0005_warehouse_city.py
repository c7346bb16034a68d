from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_stock_warehouse"),
    ]

    operations = [
        migrations.AddField(model_name="warehouse", name="city", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
