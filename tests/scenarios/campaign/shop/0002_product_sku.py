from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="product", name="sku", field=models.CharField(default="", max_length=20)),
        faults.point(__name__),
    ]
