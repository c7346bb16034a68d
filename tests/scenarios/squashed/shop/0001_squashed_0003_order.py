from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("shop", "0001_initial"),
        ("shop", "0002_product_price"),
        ("shop", "0003_order"),
    ]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("price", models.DecimalField(decimal_places=2, default=0, max_digits=10)),
            ],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("product", models.ForeignKey(on_delete=models.CASCADE, to="shop.product")),
            ],
        ),
    ]
