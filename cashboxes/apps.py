from django.apps import AppConfig


class CashboxesConfig(AppConfig):
    name = "cashboxes"
    default_auto_field = "django.db.models.BigAutoField"
