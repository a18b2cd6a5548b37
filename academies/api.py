"""REST API for academy systems at /api/v1/ (django-ninja): officers, enrolments, progress,
completions and certificates of the token's academy, paginated, with ``updated_since`` for
incremental sync. Bearer tokens per academy with scopes; errors are ``{"error": {"code", "message"}}``.
The OpenAPI schema is served at /api/v1/openapi.json. See docs/api.md."""

import datetime
from uuid import UUID

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field

from academies import audit
from academies.models import AuditAction, TokenScope
from academies.tokens import authenticate
from certificates.models import Certificate as CertificateModel
from core.visibility import visible
from learning.models import CourseCompletion, LessonProgress
from learning.models import Enrolment as EnrolmentModel
from organisations.access import InAcademy
from organisations.models import Membership

# What each scope reads: the token acts as its academy's own system (every officer of that academy).
SCOPE_MODELS = {
    TokenScope.OFFICERS: Membership,
    TokenScope.ENROLMENTS: EnrolmentModel,
    TokenScope.PROGRESS: LessonProgress,
    TokenScope.COMPLETIONS: CourseCompletion,
    TokenScope.CERTIFICATES: CertificateModel,
}

MAX_LIMIT = 500


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = authenticate(token)
        if found is not None:
            request.api_token = found
        return found


api = NinjaAPI(
    title="Custodia academy API",
    version="1",
    description="Records of an academy's officers, for the academy's own systems.",
    urls_namespace="academies_api",
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/openapi.json",
)


class ErrorDetail(Schema):
    code: str
    message: str


class Error(Schema):
    error: ErrorDetail


def _error(request, status, code, message):
    return api.create_response(request, {"error": {"code": code, "message": message}}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("A valid API token is required."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "request" for e in exc.errors)
    return _error(request, 422, "invalid_request", _("Invalid parameters: %(fields)s.") % {"fields": fields})


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    code = {403: "forbidden", 404: "not_found", 422: "invalid_request"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc))


class ListParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Records per page (1–500).")
    offset: int = Field(0, ge=0, le=2_000_000_000, description="Records to skip.")
    updated_since: datetime.datetime | None = Field(
        None, description="Only records created or changed at or after this moment (ISO 8601, with a time zone)."
    )


class Officer(Schema):
    id: int
    email: str
    name: str
    unit: str
    rank: str
    language: str
    member_since: datetime.datetime
    updated_at: datetime.datetime


class Enrolment(Schema):
    id: int
    officer_id: int
    course_id: int
    status: str
    cycle: int
    enrolled_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    last_activity_at: datetime.datetime | None
    seconds_spent: int


class Progress(Schema):
    id: int
    enrolment_id: int
    officer_id: int
    lesson_id: int
    cycle: int
    first_viewed_at: datetime.datetime | None
    last_viewed_at: datetime.datetime | None
    completed_at: datetime.datetime | None


class Completion(Schema):
    id: UUID
    officer_id: int
    course_id: int | None
    course_title: str
    cycle: int
    language: str
    completed_at: datetime.datetime
    score: float | None
    hours: float
    expires_at: datetime.datetime | None


class Certificate(Schema):
    id: UUID
    code: str
    officer_id: int
    completion_id: UUID
    course_title: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    hours: float
    score: float | None


def _page_schema(name, item):
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "limit": int,
                "offset": int,
                "next_offset": int | None,
                "results": list[item],
            },
        },
    )


ERRORS = {401: Error, 403: Error, 422: Error}


def _records(request, scope, params, since_fields, related=()):
    token = request.api_token
    if scope not in token.scopes:
        raise HttpError(403, _("This token may not read %(scope)s.") % {"scope": scope})
    queryset = visible(InAcademy(academy=token.academy), SCOPE_MODELS[scope])
    if params.updated_since is not None:
        since = params.updated_since
        if since.tzinfo is None:
            since = since.replace(tzinfo=datetime.UTC)
        try:
            # In UTC: databases refuse unusual offsets such as -21:53 that ISO 8601 allows.
            since = since.astimezone(datetime.UTC)
        except OverflowError:
            raise HttpError(422, _("updated_since is out of range.")) from None
        condition = Q()
        for field in since_fields:
            condition |= Q(**{f"{field}__gte": since})
        queryset = queryset.filter(condition)
    queryset = queryset.select_related(*related).order_by("pk")
    total = queryset.count()
    rows = list(queryset[params.offset : params.offset + params.limit])
    audit.record(
        AuditAction.API,
        f"api {scope}",
        token=token,
        academy=token.academy,
        count=len(rows),
        offset=params.offset,
        updated_since=params.updated_since.isoformat() if params.updated_since else None,
    )
    after = params.offset + len(rows)
    return total, rows, (after if after < total else None)


def _page(params, total, results, next_offset):
    return {
        "count": total,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": next_offset,
        "results": results,
    }


def _num(value):
    return None if value is None else float(value)


OfficerPage = _page_schema("OfficerPage", Officer)
EnrolmentPage = _page_schema("EnrolmentPage", Enrolment)
ProgressPage = _page_schema("ProgressPage", Progress)
CompletionPage = _page_schema("CompletionPage", Completion)
CertificatePage = _page_schema("CertificatePage", Certificate)


@api.get("/officers", response={200: OfficerPage, **ERRORS}, summary="Officers of the academy")
def officers(request, params: Query[ListParams]):
    total, rows, after = _records(request, TokenScope.OFFICERS, params, ["updated_at"], ("user",))
    results = [
        {
            "id": m.user_id,
            "email": m.user.email,
            "name": m.user.get_full_name(),
            "unit": m.unit,
            "rank": m.rank,
            "language": m.user.preferred_language,
            "member_since": m.created_at,
            "updated_at": m.updated_at,
        }
        for m in rows
    ]
    return _page(params, total, results, after)


@api.get("/enrolments", response={200: EnrolmentPage, **ERRORS}, summary="Enrolments of the academy's officers")
def enrolments(request, params: Query[ListParams]):
    total, rows, after = _records(request, TokenScope.ENROLMENTS, params, ["updated_at"])
    results = [
        {
            "id": e.pk,
            "officer_id": e.user_id,
            "course_id": e.course_id,
            "status": e.status,
            "cycle": e.cycle,
            "enrolled_at": e.enrolled_at,
            "withdrawn_at": e.withdrawn_at,
            "last_activity_at": e.last_activity_at,
            "seconds_spent": e.seconds_spent,
        }
        for e in rows
    ]
    return _page(params, total, results, after)


@api.get("/progress", response={200: ProgressPage, **ERRORS}, summary="Lesson progress of the academy's officers")
def progress(request, params: Query[ListParams]):
    total, rows, after = _records(request, TokenScope.PROGRESS, params, ["updated_at"], ("enrolment",))
    results = [
        {
            "id": p.pk,
            "enrolment_id": p.enrolment_id,
            "officer_id": p.enrolment.user_id,
            "lesson_id": p.lesson_id,
            "cycle": p.cycle,
            "first_viewed_at": p.first_viewed_at,
            "last_viewed_at": p.last_viewed_at,
            "completed_at": p.completed_at,
        }
        for p in rows
    ]
    return _page(params, total, results, after)


@api.get("/completions", response={200: CompletionPage, **ERRORS}, summary="Course completions (immutable)")
def completions(request, params: Query[ListParams]):
    total, rows, after = _records(request, TokenScope.COMPLETIONS, params, ["completed_at"])
    results = [
        {
            "id": c.uuid,
            "officer_id": c.user_id,
            "course_id": c.course_id,
            "course_title": c.course_title,
            "cycle": c.cycle,
            "language": c.language,
            "completed_at": c.completed_at,
            "score": _num(c.score),
            "hours": float(c.hours),
            "expires_at": c.expires_at,
        }
        for c in rows
    ]
    return _page(params, total, results, after)


@api.get("/certificates", response={200: CertificatePage, **ERRORS}, summary="Certificates issued by the academy")
def certificates(request, params: Query[ListParams]):
    total, rows, after = _records(
        request, TokenScope.CERTIFICATES, params, ["issued_at", "revoked_at"], ("completion",)
    )
    results = [
        {
            "id": c.uuid,
            "code": c.grouped_code,
            "officer_id": c.user_id,
            "completion_id": c.completion.uuid,
            "course_title": c.course_title(),
            "issued_at": c.issued_at,
            "expires_at": c.expires_at,
            "revoked_at": c.revoked_at,
            "hours": float(c.hours),
            "score": _num(c.score),
        }
        for c in rows
    ]
    return _page(params, total, results, after)
