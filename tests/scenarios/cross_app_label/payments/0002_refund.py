from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("billing",)

    dependencies = [
        ("payments", "0001_initial"),
        ("shop", "0003_invoice"),
    ]

    operations = [
        migrations.CreateModel(
            name="Refund",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("payment", models.ForeignKey(on_delete=models.CASCADE, to="payments.payment")),
                ("invoice", models.ForeignKey(on_delete=models.CASCADE, to="shop.invoice")),
            ],
        ),
    ]
