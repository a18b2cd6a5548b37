"""Academy staff pages: reports, officers, transcripts, bulk onboarding and exports.

Every queryset comes from the records' permission policies (``core.visibility.visible``), asked as
the user acting for the academy (``organisations.access.InAcademy``); an academy the user may not
see is a 404.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academies import audit, exports, jobs, onboarding, reports
from academies.models import ApiToken, AuditAction, ExportJob, ImportBatch, JobStatus, TokenScope
from academies.tokens import create_token
from academies.transcript import transcript, transcript_pdf
from core.params import bounded_int
from core.visibility import visible
from organisations.access import MANAGE, REPORT, InAcademy, academies_for, can
from organisations.models import Membership


def _academy(request, slug, capability=REPORT):
    academy = academies_for(request.user, capability).filter(slug=slug).first()
    if academy is None:
        raise Http404
    return academy


@login_required
def index(request, template="academies/index.html"):
    academies = academies_for(request.user)
    if not academies.exists():
        raise PermissionDenied
    managed = set(academies_for(request.user, MANAGE).values_list("pk", flat=True))
    return render(request, template, {"academies": academies, "managed": managed})


def _filters(request):
    try:
        return exports.Filters.parse(request.GET), None
    except exports.FilterError as error:
        return exports.Filters(), str(error)


@login_required
def report(request, slug, template="academies/report.html"):
    academy = _academy(request, slug)
    filters, error = _filters(request)
    context = reports.figures(request.user, academy, filters)
    return render(
        request,
        template,
        {
            **context,
            "academy": academy,
            "filters": filters,
            "filter_error": error,
            "can_manage": can(request.user, MANAGE, academy),
        },
        status=400 if error else 200,
    )


# The same reports inside the Wagtail admin, for academy staff who also author courses ----------------
def admin_index(request):
    return index(request, template="academies/admin/index.html")


def admin_report(request, slug):
    return report(request, slug, template="academies/admin/report.html")


@login_required
def officers(request, slug):
    academy = _academy(request, slug)
    memberships = (
        visible(InAcademy(request.user, academy), Membership)
        .select_related("user", "academy")
        .order_by("user__full_name", "user__email")
    )
    unit = (request.GET.get("unit") or "").strip()
    if unit:
        memberships = memberships.filter(unit=unit)
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    audit.record(AuditAction.VIEWED, "officer list", actor=request.user, academy=academy, page=page.number, unit=unit)
    return render(
        request,
        "academies/officers.html",
        {
            "academy": academy,
            "page_obj": page,
            "unit": unit,
            "can_manage": can(request.user, MANAGE, academy),
        },
    )


@login_required
def officer_transcript(request, slug, pk, fmt):
    academy = _academy(request, slug)
    officers = visible(InAcademy(request.user, academy), Membership)
    membership = officers.filter(user_id=pk).select_related("user").first()
    if membership is None:
        raise Http404
    officer = membership.user
    data = transcript(request.user, officer, academy)
    audit.record(AuditAction.VIEWED, f"transcript ({fmt})", actor=request.user, academy=academy, officer=officer)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    else:
        response = HttpResponse(transcript_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transcript-{officer.pk}.{fmt}"'
    return response


# Bulk onboarding -------------------------------------------------------------------------------
@login_required
def import_officers(request, slug):
    academy = _academy(request, slug, MANAGE)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to upload.")
        else:
            try:
                batch = onboarding.dry_run(upload, academy, request.user)
            except onboarding.UploadError as refusal:
                error = str(refusal)
            else:
                return redirect("academies:import_batch", slug=academy.slug, pk=batch.pk)
    return render(
        request,
        "academies/import.html",
        {
            "academy": academy,
            "error": error,
            "max_mb": onboarding.MAX_UPLOAD_BYTES // (1024 * 1024),
            "columns": (*onboarding.REQUIRED, *onboarding.OPTIONAL),
        },
        status=400 if error else 200,
    )


@login_required
def import_batch(request, slug, pk):
    academy = _academy(request, slug, MANAGE)
    batch = get_object_or_404(ImportBatch, pk=pk, academy=academy)
    if request.method == "POST":
        try:
            applied, invited = onboarding.apply(
                batch, by=request.user, accept_partial=request.POST.get("accept_partial") == "1", request=request
            )
        except onboarding.NotApplied as refusal:
            messages.error(request, refusal.message)
        else:
            audit.record(AuditAction.IMPORTED, batch.filename, actor=request.user, academy=academy, rows=applied)
            messages.success(
                request,
                _("%(rows)s officers applied; %(invited)s invitations sent.") % {"rows": applied, "invited": invited},
            )
        return redirect("academies:import_batch", slug=academy.slug, pk=batch.pk)
    return render(request, "academies/import_batch.html", {"academy": academy, "batch": batch})


# Exports ---------------------------------------------------------------------------------------
@login_required
def export_list(request, slug):
    academy = _academy(request, slug, MANAGE)
    error = None
    if request.method == "POST":
        fmt = request.POST.get("format")
        try:
            if fmt not in ("csv", "xlsx", "json"):
                raise exports.FilterError(_("Choose a format."))
            filters = exports.Filters.parse(request.POST)
        except exports.FilterError as refusal:
            error = str(refusal)
        else:
            job = jobs.start_export(request.user, academy, fmt, filters)
            audit.record(
                AuditAction.EXPORTED, f"completions ({fmt})", actor=request.user, academy=academy, **filters.as_dict()
            )
            return redirect("academies:export", slug=academy.slug, uuid=job.uuid)
    recent = ExportJob.objects.filter(academy=academy, requested_by=request.user)[:20]
    units = sorted(
        set(visible(InAcademy(request.user, academy), Membership).exclude(unit="").values_list("unit", flat=True))
    )
    return render(
        request,
        "academies/exports.html",
        {"academy": academy, "jobs": recent, "error": error, "units": units, "statuses": exports.STATUSES},
        status=400 if error else 200,
    )


def _job(request, slug, uuid):
    academy = _academy(request, slug, MANAGE)
    return get_object_or_404(ExportJob, uuid=uuid, academy=academy, requested_by=request.user)


@login_required
def export_detail(request, slug, uuid):
    job = _job(request, slug, uuid)
    context = {"academy": job.academy, "job": job, "retention_days": settings.CUSTODIA_EXPORT_RETENTION_DAYS}
    return render(request, "academies/export_detail.html", context)


@login_required
def export_status(request, slug, uuid):
    job = _job(request, slug, uuid)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "percent": job.percent,
            "done": job.done,
            "total": job.total,
        }
    )


@login_required
def export_download(request, slug, uuid):
    job = _job(request, slug, uuid)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    audit.record(AuditAction.EXPORTED, f"download ({job.format})", actor=request.user, academy=job.academy)
    response = FileResponse(job.file.open("rb"), content_type=exports.CONTENT_TYPES[job.format])
    response["Content-Disposition"] = f'attachment; filename="{job.file.name.rsplit("/", 1)[-1]}"'
    return response


# API tokens (site administrators) --------------------------------------------------------------
@login_required
def api_tokens(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    created = None
    if request.method == "POST":
        academy_pk = bounded_int(request.POST.get("academy"), minimum=1) or 0
        academy = get_object_or_404(academies_for(request.user), pk=academy_pk)
        scopes = [s for s in request.POST.getlist("scopes") if s in TokenScope.values]
        name = (request.POST.get("name") or "").strip()[:100]
        if not scopes or not name:
            messages.error(request, _("Give the token a name and at least one scope."))
        else:
            created = create_token(academy, name, scopes, by=request.user)
    return render(
        request,
        "academies/api_tokens.html",
        {
            "tokens": ApiToken.objects.select_related("academy"),
            "academies": academies_for(request.user),
            "scopes": TokenScope.choices,
            "created": created,
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk):
    if not request.user.is_superuser:
        raise PermissionDenied
    from django.utils import timezone

    ApiToken.objects.filter(pk=pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    messages.success(request, _("The token is revoked."))
    return redirect("academies:api_tokens")
