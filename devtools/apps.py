from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo loading and benchmark seeding: tooling on top of every app (nothing imports it)."""

    name = "devtools"
    verbose_name = "Demo and benchmark tooling"
