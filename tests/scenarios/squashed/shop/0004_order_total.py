from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="total",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),
        ),
    ]
