from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    branch_labels = ('billing',)
    dependencies = [
        ("shop", "0003_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(default="", max_length=20)),
            ],
        ),
        faults.point(__name__),
    ]
