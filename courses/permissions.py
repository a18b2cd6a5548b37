"""Who may author a page: the one rule behind trainers' previews of activities, bypassing locked
lessons, a quiz's figures and the translation report."""

from typing import Any

from wagtail.models import Page


def may_author(user: Any, page: Page) -> bool:
    """May ``user`` edit ``page`` in the CMS? Wagtail's page permissions decide (groups, ownership,
    workflow tasks); an anonymous or deactivated account never may."""
    return bool(user.is_authenticated and user.is_active and page.permissions_for_user(user).can_edit())
