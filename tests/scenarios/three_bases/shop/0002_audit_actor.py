from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor",
            field=models.CharField(default="", max_length=100),
        ),
    ]
