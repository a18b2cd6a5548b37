"""The one entry point for "which rows may this viewer see / change, and may they act on this one".

Every record model registers one permission policy in Wagtail's registry
(``wagtail.permissions.register_permission_policy``, in its app's ``AppConfig.ready``); views, the
API, exports, reports, transcripts and the learner's own pages all ask through these two functions,
so a rule is written once, in the model's policy.

``viewer`` is a user (also anonymous) or a principal a policy understands, such as
``organisations.access.InAcademy`` (academy staff acting for their academies, and an academy's own
systems: its API tokens, the operator's export, LRS forwarding). Actions are Wagtail's (``view``,
``change``...) plus the policy's own (``export``).
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from wagtail.permission_policies.base import BasePermissionPolicy


def policy_for(model: type[models.Model]) -> BasePermissionPolicy:
    """The policy registered for ``model`` (never Wagtail's fallback: a record model must declare its rules)."""
    from wagtail.permissions import policy_registry  # imports Wagtail's models: not while apps load

    policy = policy_registry.get_by_type(model, fallback=False)
    if policy is None:
        raise ImproperlyConfigured(f"No permission policy is registered for {model._meta.label}.")
    return policy


def visible(viewer: Any, model: type[models.Model], action: str = "view", *, learner: Any = None) -> models.QuerySet:
    """The rows of ``model`` on which ``viewer`` may perform ``action`` (a queryset to narrow further).

    ``learner``: only the records about this person (policies of records about a person answer
    ``instances_about``); it narrows, never widens.
    """
    policy = policy_for(model)
    if learner is not None:
        return policy.instances_about(viewer, action, learner)  # type: ignore[attr-defined]
    return policy.instances_user_has_permission_for(viewer, action)


def may(viewer: Any, action: str, instance: models.Model) -> bool:
    """May ``viewer`` perform ``action`` on this one row? (The same rule as ``visible``, for one row.)"""
    return visible(viewer, type(instance), action).filter(pk=instance.pk).exists()
