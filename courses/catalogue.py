"""The learner catalogue: filters validated by a form, applied in the database."""

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import Audience, CoursePage, Topic
from elearning.languages import PLATFORM_LANGUAGES, get_language_info


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    language = forms.ChoiceField(label=_("Available in"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        self.fields["audience"].choices = everyone + list(Audience.choices)
        self.fields["language"].choices = everyone + [(lang.code, lang.native_name) for lang in PLATFORM_LANGUAGES]
        self.fields["topic"].choices = everyone + [(t.slug, t.name) for t in Topic.objects.all()]


class CatalogueFilter:
    """Applies the valid filters; invalid ones are reported on the form and ignored."""

    def __init__(self, params, parent):
        self.form = CatalogueForm(params or None)
        self.parent = parent
        self.form.is_valid()

    def value(self, name):
        if not self.form.is_bound or name in self.form.errors:
            return ""
        return self.form.cleaned_data.get(name) or ""

    @property
    def active(self):
        return any(self.value(name) for name in ("q", "audience", "language", "topic"))

    def courses(self):
        courses = (
            CoursePage.objects.child_of(self.parent)
            .live()
            .public()
            .order_by("path")
            .prefetch_related("topics")
            .select_related("cover_image")
        )
        if audience := self.value("audience"):
            courses = courses.filter(**{f"audience_{audience}": True})
        if language := self.value("language"):
            courses = courses.filter(available_languages__contains=f",{language},")
        if topic := self.value("topic"):
            courses = courses.filter(topics__slug=topic)
        if query := self.value("q"):
            courses = courses.filter(self._text_query(query))
        return courses.distinct()

    @staticmethod
    def _text_query(query):
        """Match the title or summary in the learner's language and in English."""
        suffixes = {get_language_info(get_language()).field_suffix, "en"}
        condition = Q()
        for suffix in suffixes:
            condition |= Q(**{f"title_{suffix}__icontains": query})
            condition |= Q(**{f"summary_{suffix}__icontains": query})
        return condition
