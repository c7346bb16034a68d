from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="total",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),
        ),
    ]
