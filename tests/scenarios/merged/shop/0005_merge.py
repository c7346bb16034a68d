from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_invoice_paid"),
        ("shop", "0004_order_status"),
    ]

    operations = []
