from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademiesConfig(AppConfig):
    name = "academies"
    verbose_name = _("Academies")

    def ready(self):
        from academies import policies

        policies.register()
