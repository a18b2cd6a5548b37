"""The permission policy of certificates: who sees which, and the admin's read-only view of them."""

from typing import Any

from django.db import models
from wagtail.permissions import register_permission_policy

from certificates.models import Certificate
from organisations.access import MANAGE, REPORT, InAcademy, PersonalRecordsPolicy, academies_for


class CertificatePolicy(PersonalRecordsPolicy):
    """Holders see their own; acting for an academy, staff see the certificates it issued (to anyone)
    and administrators revoke and reissue them (``change``). In the Wagtail admin certificates are
    read-only to whoever may view or change them: revocation and reissue go through the audited
    academy screens."""

    capabilities = {"view": REPORT, "export": MANAGE, "change": MANAGE}

    def rows_in_academies(self, viewer: InAcademy, capability: str) -> models.QuerySet:
        return Certificate.objects.filter(academy_id__in=academies_for(viewer, capability).values("pk"))

    def _model_permission(self, user: Any, action: str) -> bool:
        return super().user_has_permission(user, action)

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and (self._model_permission(user, "view") or self._model_permission(user, "change"))

    def users_with_any_permission(self, actions: Any) -> models.QuerySet:
        users = super().users_with_any_permission(["view", "change"])
        return users if "view" in actions else users.none()

    def sees_everyone(self, user: Any) -> bool:
        return bool(user.is_active and self.user_has_permission(user, "view"))


def register() -> None:
    register_permission_policy(Certificate, CertificatePolicy(Certificate))
