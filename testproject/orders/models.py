"""
Customer orders and their lines.

The fields come from three branches of this app's migrations: the trunk, ``gifting`` (merged back
into the trunk by ``0006_merge_gifting``) and ``invoicing`` (still open, continued in
``accounting``). The models are the union of all of them, which is what ``makemigrations`` expects
once every head is applied.
"""

from decimal import Decimal

from django.db import models


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PLACED = "placed", "Placed"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"
        # 0007_alter_order_status_and_more
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=20, unique=True)
    customer_email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # 0002_order_shipping_address
    shipping_address = models.TextField(blank=True)
    # 0003_order_total
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    # Branch "gifting": 0004_order_gift_wrap, 0005_order_gift_message.
    gift_wrap = models.BooleanField(default=False)
    gift_message = models.CharField(max_length=200, blank=True)

    # Branch "invoicing": 0003_order_billing_details, 0004_order_payment_terms.
    billing_name = models.CharField(max_length=200, blank=True)
    billing_address = models.TextField(blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days the customer has to pay an invoice."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
        ]

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    # 0004_orderline_discount
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))

    def __str__(self):
        return f"{self.quantity} × {self.product}"
