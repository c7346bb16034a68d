from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0003_invoice"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="paid",
            field=models.BooleanField(default=False),
        ),
    ]
