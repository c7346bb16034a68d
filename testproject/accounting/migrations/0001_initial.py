# Trunk of "accounting": a branch point. Its children are 0002_ledger_is_closed (trunk) and
# 0002_invoice (branch "invoicing").

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Ledger",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=20, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("currency", models.CharField(default="EUR", max_length=3)),
            ],
            options={
                "ordering": ["code"],
            },
        ),
    ]
