"""A second app whose model needs one that exists only on a branch of ``store``."""

from django.db import models


class Entry(models.Model):
    invoice = models.ForeignKey("store.Invoice", models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    def __str__(self) -> str:
        return "entry %s" % self.pk
