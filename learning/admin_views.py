"""Wagtail admin: enrol officers on a course (one or many, by e-mail address), with course figures in aggregate."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView

from courses.models import CoursePage
from learning.enrolment import bulk_enrol
from learning.figures import courses_statistics


class EnrolLearnersForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.order_by("path"))
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "ltr"}),
        help_text=_("One address per line, or separated by commas. Officers must already have an account."),
    )

    def clean_emails(self):
        emails = [item for item in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if item]
        validator = forms.EmailField()
        for email in emails:
            validator.clean(email)
        if len(emails) > 2000:
            raise forms.ValidationError(_("Enrol at most 2,000 officers at a time."))
        return emails


class EnrolLearnersView(FormView):
    template_name = "learning/admin/enrol.html"
    form_class = EnrolLearnersForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("learning.add_enrolment"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        course_id = self.request.GET.get("course")
        return {"course": course_id} if course_id and course_id.isdigit() else {}

    def form_valid(self, form):
        report = bulk_enrol(form.cleaned_data["emails"], form.cleaned_data["course"], by=self.request.user)
        if report.enrolled:
            messages.success(
                self.request,
                ngettext("%(count)d officer enrolled.", "%(count)d officers enrolled.", len(report.enrolled))
                % {"count": len(report.enrolled)},
            )
        if report.reactivated:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d withdrawn enrolment reactivated.",
                    "%(count)d withdrawn enrolments reactivated.",
                    len(report.reactivated),
                )
                % {"count": len(report.reactivated)},
            )
        if report.already:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d officer was already enrolled.",
                    "%(count)d officers were already enrolled.",
                    len(report.already),
                )
                % {"count": len(report.already)},
            )
        if report.unknown:
            messages.warning(
                self.request,
                _("No account for: %(emails)s") % {"emails": ", ".join(report.unknown)},
            )
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("learning_enrol")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        courses = list(CoursePage.objects.order_by("path"))
        figures = courses_statistics(course.pk for course in courses)
        context.update(
            page_title=_("Enrol learners"),
            header_icon="group",
            statistics=[(course, figures[course.pk]) for course in courses],
        )
        return context
