from django.db import migrations, models

from tests.scenarios.campaign import faults


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
        ),
        faults.point(__name__),
    ]
