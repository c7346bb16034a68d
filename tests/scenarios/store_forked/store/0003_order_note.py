from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0002_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="note",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
    ]
