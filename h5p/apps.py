from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    verbose_name = _("Interactive content (H5P)")

    def ready(self):
        from h5p import signals  # noqa: F401
