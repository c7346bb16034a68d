# Branch "gifting" of "orders": a short-lived branch off 0003_order_total, merged back into the
# trunk by 0006_merge_gifting.

from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("gifting",)

    dependencies = [
        ("orders", "0003_order_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="gift_wrap",
            field=models.BooleanField(default=False),
        ),
    ]
