from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "tests.apps.store"
    label = "store"
    default_auto_field = "django.db.models.BigAutoField"
