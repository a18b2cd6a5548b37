from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def holds_academy_staff_role(user):
    """Academy administrators and trainers see their officers' records: they need two-factor too."""
    from organisations.access import REPORT, academies_for

    return academies_for(user, REPORT).exists()


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Academies and memberships")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from accounts.twofactor import register_privilege
        from organisations.access import MembershipPolicy
        from organisations.models import Membership

        register_permission_policy(Membership, MembershipPolicy(Membership))
        register_privilege(holds_academy_staff_role)
