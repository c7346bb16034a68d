"""The app's own tables: the audit log of ``branchmigrate`` runs, and the graph page's permission.

``MigrationGraph`` has no table. It exists so that the admin index lists the migration-graph page
and so that ``django_branchmig.view_migrationgraph`` can be granted like any other permission.
"""

from django.db import models


class MigrationGraph(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "migration graph"
        verbose_name_plural = "migration graph"

    def __str__(self) -> str:
        return "migration graph"


class MigrationRun(models.Model):
    """One ``branchmigrate`` invocation that changed (or tried to change) a database.

    A run stays ``running`` while its process works; a process that is killed cannot close it,
    so the next run that holds the migration lock marks it ``interrupted``.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"
        INTERRUPTED = "interrupted", "interrupted"

    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    database = models.CharField(max_length=100)
    # Text, not a JSONField: on Django 6.1 a JSONField makes every system check run query the
    # database. A valid target never contains white space.
    targets = models.TextField(
        blank=True, help_text="The targets as given on the command line, separated by spaces."
    )
    fake = models.BooleanField(default=False)
    locked = models.BooleanField(
        default=True, help_text="Whether the run held the migration lock (not --no-lock)."
    )
    os_user = models.CharField("OS user", max_length=150, blank=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name = "migration run"

    def __str__(self) -> str:
        return "%s on %s (%s)" % (self.started, self.database, self.outcome)


class MigrationRunStep(models.Model):
    """One migration of a run's plan, in plan order.

    A step is written ``running`` just before its migration starts and updated when it ends, so
    the record of a killed process still names the migration it was running. Steps the run did
    not reach are written ``not run`` when it stops.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", "running"
        APPLIED = "applied", "applied"
        UNAPPLIED = "unapplied", "unapplied"
        FAKED = "faked", "faked"
        FAILED = "failed", "failed"
        INTERRUPTED = "interrupted", "interrupted"
        NOT_RUN = "not run", "not run"

    run = models.ForeignKey(MigrationRun, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    app_label = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    backwards = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    duration = models.DurationField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = "migration run step"

    def __str__(self) -> str:
        return "%s.%s" % (self.app_label, self.name)
