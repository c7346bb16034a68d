from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("head",)

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="note",
            field=models.CharField(default="", max_length=200),
        ),
    ]
