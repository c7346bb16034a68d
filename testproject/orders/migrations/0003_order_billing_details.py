# Branch "invoicing" of "orders": a long-lived branch off 0002_order_shipping_address. The same
# label is declared in accounting (0002_invoice), so `invoicing@head` means the heads of both apps.

from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("invoicing",)

    dependencies = [
        ("orders", "0002_order_shipping_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="billing_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="order",
            name="billing_address",
            field=models.TextField(blank=True),
        ),
    ]
