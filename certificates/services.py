"""Issuing, revoking and reissuing certificates.

Issuing is idempotent and exactly-once per completion and accreditation: the completion row is
locked (``select_for_update``) while the certificate is built, and a partial unique constraint
(completion, accreditation, where it replaces nothing) backs it across processes and databases.
"""

import logging
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import codes, credentials, pdf
from certificates.models import (
    STATUS_LIST_SIZE,
    Accreditation,
    AccreditationStatus,
    Certificate,
    CertificateEvent,
    EventAction,
)
from core.visibility import visible
from elearning.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from learning.models import CourseCompletion
from organisations.models import Membership

logger = logging.getLogger(__name__)
ATTEMPTS = 8


class NotAllowed(Exception):
    """An action the user may not take; ``message`` is translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def translated_values(instance, field):
    """``{language code: value}`` of a translated ``field`` (``name`` reads ``name_en``, ``name_zh_hans``…),
    for the languages that have a value, in ``LANGUAGE_CODES`` order."""
    values = {}
    for code in LANGUAGE_CODES:
        value = getattr(instance, f"{field}_{code.replace('-', '_')}", None)
        if value:
            values[code] = value
    return values


def _translations(instance, field):
    values = translated_values(instance, field)
    values.setdefault(DEFAULT_LANGUAGE, getattr(instance, field, "") or "")
    return values


def signatories_snapshot(academy):
    """The academy's signatories as a certificate freezes them, in their order."""
    return [
        {"name": s.name, "title": s.title, "signature_image_id": s.signature_id}
        for s in academy.signatories.all().order_by("sort_order", "pk")
    ]


def _surname(user):
    if user.last_name:
        return user.last_name
    parts = (user.full_name or "").split()
    return parts[-1] if parts else ""


def accreditations_in_force(course_id, on_date):
    return [
        accreditation
        for accreditation in Accreditation.objects.filter(course_id=course_id, status=AccreditationStatus.ACTIVE)
        .select_related("academy")
        .order_by("pk")
        if accreditation.in_force(on_date)
    ]


def _member_academy_ids(user_id):
    """The ids of the academies ``user_id`` is a member of (any role), in one query."""
    return set(Membership.objects.filter(user_id=user_id).values_list("academy_id", flat=True))


def automatic_accreditations(completion):
    """Accreditations that issue a certificate by themselves: in force, and the officer is a member."""
    if completion.course_id is None:
        return []
    on_date = timezone.localdate(completion.completed_at)
    in_force = accreditations_in_force(completion.course_id, on_date)
    if not in_force:
        return []
    member_of = _member_academy_ids(completion.user_id)
    return [a for a in in_force if a.academy_id in member_of and a.accepts(completion)]


def _choosable(completions, user_id):
    """``(completion, accreditation)`` pairs the officer may choose, in three queries whatever the number
    of completions: the active accreditations of their courses, the officer's academies, and the
    certificates already issued."""
    completions = [completion for completion in completions if completion.course_id is not None]
    if not completions:
        return []
    by_course = {}
    for accreditation in (
        Accreditation.objects.filter(
            course_id__in={completion.course_id for completion in completions}, status=AccreditationStatus.ACTIVE
        )
        .select_related("academy")
        .order_by("pk")
    ):
        by_course.setdefault(accreditation.course_id, []).append(accreditation)
    if not by_course:
        return []
    member_of = _member_academy_ids(user_id)
    issued = set(
        Certificate.objects.filter(
            completion_id__in=[completion.pk for completion in completions], replaces__isnull=True
        ).values_list("completion_id", "accreditation_id")
    )
    choices = []
    for completion in completions:
        on_date = timezone.localdate(completion.completed_at)
        for accreditation in by_course.get(completion.course_id, ()):
            if (
                accreditation.in_force(on_date)
                and accreditation.accepts(completion)
                and (completion.pk, accreditation.pk) not in issued
                and (accreditation.open_to_all or accreditation.academy_id in member_of)
            ):
                choices.append((completion, accreditation))
    return choices


def choosable_accreditations(completion):
    """Accreditations the officer may choose (members, or open to all), without a certificate yet."""
    return [accreditation for _completion, accreditation in _choosable([completion], completion.user_id)]


def choosable_for_user(user):
    """``(completion, accreditation)`` pairs for every completion of ``user``: what "My certificates"
    offers, in a fixed number of queries (the completions, then ``_choosable``'s)."""
    completions = visible(user, CourseCompletion, learner=user).filter(course__isnull=False).select_related("course")
    return _choosable(list(completions), user.pk)


def issue_for_completion(completion_id):
    """Issue every automatic certificate of a completion (the task's body). Returns the certificates."""
    completion = CourseCompletion.objects.filter(pk=completion_id).select_related("user", "course").first()
    if completion is None:
        return []
    return [issue_certificate(completion, accreditation)[0] for accreditation in automatic_accreditations(completion)]


def _free_status_index(academy_id):
    for _attempt in range(ATTEMPTS):
        index = secrets.randbelow(STATUS_LIST_SIZE)  # random: neighbours in the list reveal nothing
        if not Certificate.objects.filter(academy_id=academy_id, status_list_index=index).exists():
            return index
    used = set(Certificate.objects.filter(academy_id=academy_id).values_list("status_list_index", flat=True))
    return next(index for index in range(STATUS_LIST_SIZE) if index not in used)


def _free_code():
    for _attempt in range(ATTEMPTS):
        code = codes.generate()
        if not Certificate.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free verification code")  # 31^12 codes: never in practice


def build_certificate(completion, accreditation, *, user, language=None, replaces=None, now=None):
    """An unsaved certificate with its frozen snapshot, code, status index, credential and PDF bytes."""
    academy = accreditation.academy
    course = completion.course
    now = now or timezone.now()
    course_titles = _translations(course, "title") if course is not None else {}
    course_titles.setdefault(DEFAULT_LANGUAGE, completion.course_title)
    language = language or completion.language
    if language not in LANGUAGE_CODES:
        language = user.preferred_language if user.preferred_language in LANGUAGE_CODES else DEFAULT_LANGUAGE
    certificate = Certificate(
        code=_free_code(),
        completion=completion,
        accreditation=accreditation,
        academy=academy,
        user=user,
        replaces=replaces,
        issued_at=now.replace(microsecond=0),
        completed_at=completion.completed_at,
        expires_at=completion.expires_at,
        holder_name=user.get_full_name() or user.email,
        holder_surname=_surname(user),
        language=language,
        course_titles=course_titles,
        academy_names=_translations(academy, "name"),
        academy_country=str(academy.country or ""),
        accreditation_number=accreditation.number,
        hours=accreditation.contact_hours,
        score=completion.score,
        signatories=signatories_snapshot(academy),
        status_list_index=_free_status_index(academy.pk),
    )
    certificate.credential_jwt = credentials.sign_credential(
        credentials.build_credential(certificate, email=user.email), academy
    )
    return certificate, pdf.render_pdf(certificate, academy=academy)


def _save(certificate, pdf_bytes):
    certificate.pdf.save(f"{certificate.uuid}.pdf", ContentFile(pdf_bytes), save=False)
    try:
        with transaction.atomic():
            certificate.save(force_insert=True)
    except IntegrityError:
        certificate.pdf.delete(save=False)
        raise


def issue_certificate(completion, accreditation, *, actor=None):
    """Issue (once) the certificate of ``completion`` under ``accreditation``. Returns ``(certificate, created)``."""
    existing = Certificate.objects.filter(
        completion=completion, accreditation=accreditation, replaces__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    if not accreditation.accepts(completion):
        raise NotAllowed(_("This accreditation counts only activities graded on the server."))
    with transaction.atomic():
        # Serialise issuers of the same completion (other workers, retries) on its row.
        completion = (
            CourseCompletion.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .get(pk=completion.pk)
        )
        for _attempt in range(ATTEMPTS):
            existing = Certificate.objects.filter(
                completion=completion, accreditation=accreditation, replaces__isnull=True
            ).first()
            if existing is not None:
                return existing, False
            certificate, pdf_bytes = build_certificate(completion, accreditation, user=completion.user)
            try:
                _save(certificate, pdf_bytes)
            except IntegrityError:
                continue  # another process issued it, or a code / status index collided: look again
            CertificateEvent.objects.create(
                certificate=certificate,
                action=EventAction.ISSUED,
                actor=actor,
                actor_label=actor.email if actor else "",
                details={"accreditation": accreditation.number, "completion": str(completion.uuid)},
            )
            return certificate, True
    raise RuntimeError("could not issue the certificate")


def revoke(certificate, *, by, reason, action=EventAction.REVOKED):
    """Revoke (kept, never deleted), with the reason and who did it in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_("Give a reason for the revocation."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_revoked:
            raise NotAllowed(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = by
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        CertificateEvent.objects.create(
            certificate=certificate, action=action, actor=by, actor_label=by.email if by else "", reason=reason
        )
    return certificate


def reissue(certificate, *, by, reason):
    """Revoke ``certificate`` and issue a new one (a new snapshot of the current name, titles, signatories)."""
    with transaction.atomic():
        old = revoke(certificate, by=by, reason=reason, action=EventAction.REISSUED)
        completion = CourseCompletion.objects.select_related("user", "course").get(pk=old.completion_id)
        for _attempt in range(ATTEMPTS):
            new, pdf_bytes = build_certificate(
                completion, old.accreditation, user=completion.user, language=old.language, replaces=old
            )
            try:
                _save(new, pdf_bytes)
            except IntegrityError:
                if Certificate.objects.filter(replaces=old).exists():
                    raise
                continue
            CertificateEvent.objects.create(
                certificate=new,
                action=EventAction.ISSUED,
                actor=by,
                actor_label=by.email if by else "",
                reason=reason,
                details={"replaces": old.grouped_code},
            )
            return new
    raise RuntimeError("could not reissue the certificate")
