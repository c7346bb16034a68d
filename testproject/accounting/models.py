"""
Ledgers, invoices and payments.

``Ledger`` is this app's trunk. ``Invoice`` and ``Payment`` belong to the ``invoicing`` branch,
which forks off ``0001_initial`` here and depends on the ``invoicing`` branch of ``orders``.
"""

from django.db import models
from django.utils import timezone


class Ledger(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="EUR")
    # 0002_ledger_is_closed
    is_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


# The "invoicing" branch.


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    number = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", models.PROTECT, related_name="invoices")
    ledger = models.ForeignKey(Ledger, models.PROTECT, related_name="invoices")
    issued_on = models.DateField()
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["-issued_on"]
        indexes = [models.Index(fields=["status", "due_on"], name="invoice_status_due_idx")]

    def __str__(self):
        return self.number


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", "Card"
        TRANSFER = "transfer", "Bank transfer"
        CASH = "cash", "Cash"

    order = models.ForeignKey("orders.Order", models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice, models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=10, choices=Method.choices)
    received_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.amount} for {self.order}"
