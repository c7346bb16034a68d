from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0005_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipped",
            field=models.BooleanField(default=False),
        ),
    ]
