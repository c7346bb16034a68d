from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("shop", "0002_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.ForeignKey(on_delete=models.CASCADE, to="shop.order")),
                ("amount", models.DecimalField(decimal_places=2, default=0, max_digits=10)),
            ],
        ),
    ]
