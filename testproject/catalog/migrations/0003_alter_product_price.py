# Trunk of "catalog": prices grow past 999,999.99.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_product_is_active"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="price",
            field=models.DecimalField(
                decimal_places=2, help_text="Unit price, excluding tax.", max_digits=10
            ),
        ),
    ]
