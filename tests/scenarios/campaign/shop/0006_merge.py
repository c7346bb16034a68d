from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0005_invoice_due"),
        ("shop", "0005_order_status"),
    ]

    operations = [
        migrations.AddField(model_name="order", name="shipped", field=models.BooleanField(default=False)),
        faults.point(__name__),
    ]
