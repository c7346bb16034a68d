from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tests.apps.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"
