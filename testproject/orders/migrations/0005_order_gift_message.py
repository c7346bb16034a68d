# Branch "gifting" of "orders" (label inherited from 0004_order_gift_wrap).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_order_gift_wrap"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="gift_message",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
