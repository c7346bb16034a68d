"""Every model of the store scenarios' branches, plus what each scenario still lacks.

``store_forked`` lacks ``Receipt`` (which needs ``Invoice``, on branch ``billing`` only);
``store_receipts`` lacks ``Order.note``. The app is not in INSTALLED_APPS: the tests install
it with its migrations (see ``tests/apps/store/project.py``), so no test database holds its
tables until a test applies them.
"""

from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    product = models.ForeignKey(Product, models.CASCADE)
    note = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return "order %s" % self.pk


class Invoice(models.Model):
    order = models.ForeignKey(Order, models.CASCADE)
    paid = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "invoice %s" % self.pk


class Receipt(models.Model):
    invoice = models.ForeignKey(Invoice, models.CASCADE)

    def __str__(self) -> str:
        return "receipt %s" % self.pk
