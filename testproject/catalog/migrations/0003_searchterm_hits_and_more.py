# Branch "search" of "catalog": its head.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_searchsynonym"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchterm",
            name="hits",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["-hits"], name="searchterm_hits_idx"),
        ),
    ]
