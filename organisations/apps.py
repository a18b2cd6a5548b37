from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Academies and memberships")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from organisations.access import MembershipPolicy
        from organisations.models import Membership

        register_permission_policy(Membership, MembershipPolicy(Membership))
