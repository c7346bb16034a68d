from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_invoice"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="due",
            field=models.DateField(null=True),
        ),
    ]
