from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("billing",)

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="a",
            field=models.IntegerField(default=0),
        ),
    ]
