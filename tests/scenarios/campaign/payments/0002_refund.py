from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    branch_labels = ('billing',)
    dependencies = [
        ("payments", "0001_initial"),
        ("shop", "0004_invoice"),
    ]

    operations = [
        migrations.CreateModel(
            name="Refund",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("invoice", models.ForeignKey(on_delete=models.CASCADE, to="shop.invoice")),
            ],
        ),
        faults.point(__name__),
    ]
