from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0002_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="price",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),
        ),
    ]
