from django import template
from django.utils.text import capfirst

from courses.blocks import render_rich_text

register = template.Library()


@register.filter
def safe_richtext(value):
    """Render a RichTextField through Wagtail's link expansion and ``sanitize_html()``."""
    return render_rich_text(getattr(value, "source", value))


@register.filter
def activity_kind(page):
    """What kind of activity a module child is ("quiz"), or "" for a plain lesson."""
    from courses.models import LessonPage

    if isinstance(page, LessonPage):
        return ""
    return capfirst(page._meta.verbose_name)
