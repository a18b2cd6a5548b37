from django import template

from courses.blocks import render_rich_text

register = template.Library()


@register.filter
def safe_richtext(value):
    """Render a RichTextField through Wagtail's link expansion and ``sanitize_html()``."""
    return render_rich_text(getattr(value, "source", value))
