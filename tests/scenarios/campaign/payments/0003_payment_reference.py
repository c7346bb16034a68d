from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_payment_method"),
    ]

    operations = [
        migrations.AddField(model_name="payment", name="reference", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
