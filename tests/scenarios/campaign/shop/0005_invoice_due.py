from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_invoice"),
    ]

    operations = [
        migrations.AddField(model_name="invoice", name="due", field=models.DateField(null=True)),
        faults.point(__name__),
    ]
