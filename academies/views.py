"""Academy administrators: their academy's certificates, revocation and reissue (scoped, audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates import codes
from certificates.forms import ReasonForm
from certificates.models import Certificate
from certificates.services import NotAllowed, reissue, revoke
from core.visibility import visible
from organisations.access import MANAGE, InAcademy, academies_for


def _administered(request):
    academies = academies_for(request.user, MANAGE)
    if not academies.exists():
        raise PermissionDenied
    return visible(InAcademy(request.user), Certificate, "change"), academies


@login_required
def certificate_list(request):
    certificates, academies = _administered(request)
    query = (request.GET.get("q") or "").strip()
    if query:
        code = codes.normalise(query)
        certificates = certificates.filter(Q(holder_name__icontains=query) | Q(code=code or ""))
    page = Paginator(certificates.select_related("academy").order_by("-issued_at"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "academies/certificate_list.html",
        {"page_obj": page, "academies": academies, "query": query},
    )


def _certificate(request, uuid):
    # Object-level check: outside the administrator's academies, the certificate does not exist.
    certificates, _academies = _administered(request)
    return get_object_or_404(certificates, uuid=uuid)


@login_required
def certificate_detail(request, uuid):
    certificate = _certificate(request, uuid)
    events = certificate.events.select_related("actor")
    return render(
        request,
        "academies/certificate_detail.html",
        {"certificate": certificate, "events": events, "form": ReasonForm()},
    )


@login_required
@require_POST
def certificate_action(request, uuid, action):
    certificate = _certificate(request, uuid)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            if action == "revoke":
                revoke(certificate, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The certificate is revoked."))
            else:
                new = reissue(certificate, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("A new certificate was issued: %(code)s.") % {"code": new.grouped_code})
                return redirect("academies:certificate", uuid=new.uuid)
        except NotAllowed as refusal:
            messages.error(request, refusal.message)
        return redirect("academies:certificate", uuid=certificate.uuid)
    events = certificate.events.select_related("actor")
    return render(
        request,
        "academies/certificate_detail.html",
        {"certificate": certificate, "events": events, "form": form},
        status=400,
    )
