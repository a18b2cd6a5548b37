"""Admin permission policies of academies' own models (the records' policies live with the records)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from academies.models import AuditEntry


class SuperuserReadOnly(BasePermissionPolicy):
    """Only site administrators, and only to read (the audit log is append-only); Wagtail's base
    policy derives every other question from these two."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return user.is_active and user.is_superuser and action == "view"

    def users_with_any_permission(self, actions: Any) -> models.QuerySet:
        users = get_user_model().objects.filter(is_superuser=True, is_active=True)
        return users if "view" in actions else users.none()


def register() -> None:
    register_permission_policy(AuditEntry, SuperuserReadOnly(AuditEntry))
