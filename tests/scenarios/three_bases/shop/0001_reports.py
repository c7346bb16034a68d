from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    branch_labels = ("reports",)

    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("payment", models.ForeignKey(on_delete=models.CASCADE, to="payments.payment")),
            ],
        ),
    ]
