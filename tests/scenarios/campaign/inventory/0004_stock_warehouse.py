from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_warehouse"),
    ]

    operations = [
        migrations.AddField(model_name="stock", name="warehouse", field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="inventory.warehouse")),
        faults.point(__name__),
    ]
