from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="stock", name="quantity", field=models.IntegerField(default=0)),
        faults.point(__name__),
    ]
