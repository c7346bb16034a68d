from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stock",
            name="location",
            field=models.CharField(default="", max_length=100),
        ),
    ]
