from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_stock_quantity"),
    ]

    operations = [
        migrations.CreateModel(
            name="Warehouse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(default="", max_length=20)),
            ],
        ),
        faults.point(__name__),
    ]
