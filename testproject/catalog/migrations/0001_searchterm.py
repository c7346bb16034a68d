# Branch "search" of "catalog": a second base, with no parent in this app. It shares no
# migration with the trunk, so `branchmigrate search@head` and `search@base` touch only the
# search tables.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    branch_labels = ("search",)

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=100, unique=True)),
                ("weight", models.PositiveSmallIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["term"],
            },
        ),
    ]
