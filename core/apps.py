from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core.converters import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf is imported (wagtail_hooks' admin URLs too)
