from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_refund"),
    ]

    operations = [
        migrations.AddField(model_name="refund", name="reason", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
