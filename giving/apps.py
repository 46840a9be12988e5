from django.apps import AppConfig


class GivingConfig(AppConfig):
    name = "giving"
    verbose_name = "Reader revenue"
