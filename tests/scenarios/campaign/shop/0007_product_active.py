from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0006_merge"),
    ]

    operations = [
        migrations.AddField(model_name="product", name="active", field=models.BooleanField(default=True)),
        faults.point(__name__),
    ]
