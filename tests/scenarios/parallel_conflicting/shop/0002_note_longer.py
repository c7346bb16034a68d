from django.db import migrations, models


class Migration(migrations.Migration):
    branch_labels = ("longer",)

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="note",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
    ]
