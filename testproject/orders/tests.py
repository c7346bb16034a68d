"""A test that needs every branch applied: the test database is built by ``migrate``."""

import datetime
from decimal import Decimal

from django.test import TestCase

from accounting.models import Invoice, Ledger
from orders.models import Order


class BranchesInTestDatabaseTests(TestCase):
    def test_models_from_every_branch_are_usable(self):
        # gift_wrap comes from the gifting branch, payment_terms_days from invoicing.
        order = Order.objects.create(
            number="A-1", customer_email="a@example.com", gift_wrap=True, payment_terms_days=30
        )
        Invoice.objects.create(
            number="INV-1",
            order=order,
            ledger=Ledger.objects.create(code="SALES", name="Sales"),
            issued_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 1, 31),
            amount=Decimal("10.00"),
        )
        self.assertEqual(Invoice.objects.get().order.payment_terms_days, 30)
