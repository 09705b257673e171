from django.apps import AppConfig


class ItemTypeTestConfig(AppConfig):
    name = "tests.itemtype"
    label = "itemtype_test"
    default_auto_field = "django.db.models.BigAutoField"
