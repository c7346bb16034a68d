# Trunk of "orders", in parallel with the "gifting" branch.

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_order_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="discount_percent",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=5),
        ),
    ]
