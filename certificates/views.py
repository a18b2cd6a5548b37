"""Public verification (code or uploaded credential), the officer's certificates and downloads,
and the machine-readable issuer profile, JWKS and status list."""

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from certificates import credentials, throttle, verification
from certificates.forms import CodeForm, CredentialForm, SurnameForm
from certificates.models import Accreditation, Certificate
from core.http import wants_json
from core.params import parse_uuid
from core.visibility import visible
from learning.models import CourseCompletion
from organisations.models import Academy

_CODE_CHARS = re.compile(r"[^A-Za-z0-9\-]")


def _answer(request, result, template, context, status=200):
    if wants_json(request):
        return JsonResponse(result.as_dict(), status=status, json_dumps_params={"ensure_ascii": False})
    context = {**context, "result": result, "data": result.as_dict()}
    return render(request, template, context, status=status)


def _limited(request, template, context):
    result = verification.Result(verification.RATE_LIMITED)
    response = _answer(request, result, template, context, status=429)
    response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


@never_cache
@vary_on_headers("Accept")
@require_http_methods(["GET", "POST"])
def verify_form(request):
    """Type a code (GET ?code=), or paste / upload a credential (POST)."""
    code_form = CodeForm(request.GET or None)
    credential_form = CredentialForm()
    context = {"code_form": code_form, "credential_form": credential_form}
    if request.method == "GET" and "code" in request.GET:
        cleaned = _CODE_CHARS.sub("", request.GET.get("code", ""))[:40] or "-"
        return redirect("certificates:verify_code", code=cleaned)
    if request.method == "POST":
        if not throttle.hit(request):
            return _limited(request, "certificates/verify.html", context)
        credential_form = CredentialForm(request.POST, request.FILES)
        context["credential_form"] = credential_form
        if credential_form.is_valid():
            result = verification.verify_credential(credential_form.cleaned_data["credential"])
            return _answer(request, result, "certificates/verify.html", {**context, "checked_credential": True})
        if wants_json(request):
            return JsonResponse({"verdict": verification.MALFORMED, "errors": credential_form.errors}, status=400)
    return render(request, "certificates/verify.html", context)


@never_cache
@vary_on_headers("Accept")
@require_http_methods(["GET", "POST"])
def verify_code(request, code):
    """The verdict for one code; POST the officer's surname to see the full name."""
    surname_form = SurnameForm(request.POST or None)
    context = {"surname_form": surname_form, "code_form": CodeForm(initial={"code": code})}
    if not throttle.hit(request):
        return _limited(request, "certificates/verify_result.html", context)
    surname = surname_form.cleaned_data["surname"] if request.method == "POST" and surname_form.is_valid() else None
    result = verification.verify_code(code, surname=surname)
    return _answer(request, result, "certificates/verify_result.html", context)


# Machine-readable issuer documents (not language-prefixed) ------------------------------------
def _academy(slug):
    return get_object_or_404(Academy, slug=slug)


@require_GET
@cache_control(public=True, max_age=300)
def issuer_profile(request, slug):
    return JsonResponse(credentials.issuer_profile(_academy(slug)), json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request, slug):
    response = JsonResponse(credentials.jwks(_academy(slug)))
    response["Content-Type"] = "application/jwk-set+json"
    return response


@require_GET
@cache_control(public=True, max_age=60)
def status_list(request, slug):
    return HttpResponse(credentials.status_list_credential(_academy(slug)), content_type="application/vc+jwt")


# The officer's own certificates --------------------------------------------------------------
@login_required
def my_certificates(request):
    from certificates.services import choosable_for_user

    certificates = visible(request.user, Certificate, learner=request.user).select_related("academy")
    choices = choosable_for_user(request.user)
    return render(request, "certificates/my_certificates.html", {"certificates": certificates, "choices": choices})


@login_required
@require_POST
def choose_academy(request):
    """The officer chooses an accrediting academy for one of their completions; issued in the background."""
    from certificates.services import choosable_accreditations
    from certificates.tasks import issue_chosen_certificate_task

    completion_uuid, accreditation_uuid = (
        parse_uuid(request.POST.get("completion")),
        parse_uuid(request.POST.get("accreditation")),
    )
    if completion_uuid is None or accreditation_uuid is None:
        raise Http404
    completions = visible(request.user, CourseCompletion, learner=request.user)
    completion = get_object_or_404(completions, uuid=completion_uuid)
    accreditation = get_object_or_404(Accreditation, uuid=accreditation_uuid)
    if accreditation not in choosable_accreditations(completion):
        raise Http404
    issue_chosen_certificate_task.enqueue(completion.pk, accreditation.pk)
    from django.contrib import messages

    messages.success(request, _("Your certificate is being prepared. It will appear here in a moment."))
    return redirect("certificates:mine")


def _own_certificate(request, uuid):
    """Object-level check: an officer gets only their own certificates (404 otherwise, nothing revealed)."""
    return get_object_or_404(visible(request.user, Certificate, learner=request.user), uuid=uuid)


@login_required
def download_pdf(request, uuid):
    certificate = _own_certificate(request, uuid)
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.code}.pdf",
        content_type="application/pdf",
    )


@login_required
def download_credential(request, uuid):
    certificate = _own_certificate(request, uuid)
    response = HttpResponse(certificate.credential_jwt, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.jwt"'
    return response
