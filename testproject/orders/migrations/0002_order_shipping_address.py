# Trunk of "orders": a branch point. Its children are 0003_order_total (trunk) and
# 0003_order_billing_details (branch "invoicing").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipping_address",
            field=models.TextField(blank=True),
        ),
    ]
