from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("billing",)

    dependencies = [
        ("store", "0002_order"),
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
                ("order", models.ForeignKey(on_delete=models.CASCADE, to="store.order")),
                ("paid", models.BooleanField(default=False)),
            ],
        ),
    ]
