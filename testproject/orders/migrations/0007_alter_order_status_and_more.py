# Trunk of "orders": its head, labelled "gifting" through the merge point 0006_merge_gifting.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_merge_gifting"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("placed", "Placed"),
                    ("shipped", "Shipped"),
                    ("cancelled", "Cancelled"),
                    ("refunded", "Refunded"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
        ),
    ]
