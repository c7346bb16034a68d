# Branch "invoicing" of "accounting", off 0001_initial. The label is also declared by
# orders.0003_order_billing_details, which this migration depends on (a dependency edge: labels
# do not travel along it, each app declares its own).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("invoicing",)

    dependencies = [
        ("accounting", "0001_initial"),
        ("orders", "0003_order_billing_details"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20, unique=True)),
                ("issued_on", models.DateField()),
                ("due_on", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("sent", "Sent"),
                            ("paid", "Paid"),
                            ("void", "Void"),
                        ],
                        default="draft",
                        max_length=10,
                    ),
                ),
                (
                    "ledger",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="accounting.ledger",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="orders.order",
                    ),
                ),
            ],
            options={
                "ordering": ["-issued_on"],
            },
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["status", "due_on"], name="invoice_status_due_idx"),
        ),
    ]
