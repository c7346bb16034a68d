from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0003_invoice"),
    ]

    operations = [
        migrations.CreateModel(
            name="Receipt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("invoice", models.ForeignKey(on_delete=models.CASCADE, to="store.invoice")),
            ],
        ),
    ]
