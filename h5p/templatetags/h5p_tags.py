"""``{% h5p_player value %}``: the H5P block on a lesson page (used by templates/h5p/block.html)."""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import get_language

from h5p.access import can_preview, is_enrolled
from h5p.player import block_settings, choose_package
from learning import launch as launches

register = template.Library()


def _block_id(context, value):
    page = context.get("page")
    candidate = context.get("id")
    for child in getattr(page, "body", None) or []:
        if child.block_type == "h5p" and (child.value is value or child.id == candidate):
            return child.id
    return ""


def _is_enrolled(context, user, page):
    """The lesson page's learner state (learning app) when the context has it, else one lookup."""
    learner = context.get("learner")
    if learner is not None and hasattr(learner, "is_enrolled"):
        return bool(user.is_authenticated and user.is_active and learner.is_enrolled)
    return is_enrolled(user, page)


@register.inclusion_tag("h5p/player.html", takes_context=True)
def h5p_player(context, value):
    request = context.get("request")
    page = context.get("page")
    package, language = choose_package(value, get_language())
    counts, minimum = block_settings(value)
    result = {"value": value, "package": package, "counts": counts, "minimum": minimum, "state": "missing"}
    if package is None or request is None or page is None:
        return result
    user = request.user
    block_id = _block_id(context, value)
    result["block_id"] = block_id
    enrolled = user.is_authenticated and _is_enrolled(context, user, page)
    if not user.is_authenticated:
        result["state"] = "anonymous"
    elif not (enrolled or can_preview(user, page)):
        result["state"] = "not_enrolled"
    else:
        libraries = package.runtime_library_rows()
        if any(library.is_blocked for library in libraries):
            result["state"] = "blocked"
        elif not all(library.is_approved for library in libraries):
            result["state"] = "pending"
        elif not launches.content_origin():
            result["state"] = "no_content_origin"
        else:
            ticket = launches.issue(
                user=user,
                page=page,
                activity_id=block_id,
                kind="h5p",
                package=package.sha256,
                language=language or get_language(),
                preview=not enrolled,
            )
            result.update(
                state="ready",
                token=ticket.token,
                origin=launches.content_origin(),
                src=launches.content_url(f"/h5p/launch/{ticket.token}/"),
                results_url=reverse("h5p:results"),
                csrf=get_token(request),
                preview=not enrolled,
            )
    return result
