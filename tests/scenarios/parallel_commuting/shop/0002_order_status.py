from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("fulfilment",)

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="status",
            field=models.CharField(default="new", max_length=20),
        ),
    ]
