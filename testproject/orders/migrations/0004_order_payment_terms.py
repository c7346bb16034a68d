# Branch "invoicing" of "orders": its head.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_order_billing_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="payment_terms_days",
            field=models.PositiveSmallIntegerField(
                default=30, help_text="Days the customer has to pay an invoice."
            ),
        ),
    ]
