from django.apps import AppConfig


class BranchmigConfig(AppConfig):
    name = "django_branchmig"
    verbose_name = "Branch migrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .policy import install

        install()
