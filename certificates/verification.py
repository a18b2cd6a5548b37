"""Checking a verification code or an uploaded credential. Verdicts are translated; nothing leaks.

A code lookup costs the same queries whether the code is well formed, mistyped or unknown, and
every answer has the same shape; only the verdict differs. The officer's name is masked unless
the visitor also gives the officer's surname.
"""

import hmac
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import codes, credentials, jose
from certificates.models import Certificate, SigningKey

# Verdicts (stable identifiers for the JSON answer) and their translated messages.
VALID = "valid"
EXPIRED = "expired"
REVOKED = "revoked"
NOT_FOUND = "not_found"
MISTYPED = "mistyped"
MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
BAD_SIGNATURE = "bad_signature"
WRONG_ISSUER = "wrong_issuer"
NOT_A_BADGE = "not_a_badge"
NOT_YET_VALID = "not_yet_valid"
RATE_LIMITED = "rate_limited"

MESSAGES = {
    VALID: _("This certificate is valid."),
    EXPIRED: _("This certificate was genuine but has expired: the officer must renew the course."),
    REVOKED: _("This certificate has been revoked by the academy."),
    NOT_FOUND: _("No certificate has this code. Check the code printed on the certificate."),
    MISTYPED: _("This code is mistyped: its check character does not match. Check each character again."),
    MALFORMED: _("This is not an Open Badges credential (a signed JWT) that can be read."),
    UNKNOWN_KEY: _("This credential is signed with a key that no academy on this platform publishes."),
    BAD_SIGNATURE: _("The signature does not match: this credential has been altered or forged."),
    WRONG_ISSUER: _("The credential names an issuer other than the academy whose key signed it."),
    NOT_A_BADGE: _("This signed document is not an Open Badges credential."),
    NOT_YET_VALID: _("This credential is not valid yet."),
    RATE_LIMITED: _("Too many verification requests from your network. Wait a minute and try again."),
}
GENUINE = {VALID, EXPIRED, REVOKED}


def mask_name(name):
    """``Daniel Okafor`` → ``D***** O*****``: the first character of each word, stars for the rest."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in (name or "").split())


def normalise_name(text):
    """Case-, accent-, space- and punctuation-insensitive form of a name, for comparison."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn" and ch.isalnum())
    return unicodedata.normalize("NFC", kept).casefold()


def surname_matches(certificate, surname):
    expected = normalise_name(certificate.holder_surname or (certificate.holder_name.split() or [""])[-1])
    given = normalise_name(surname)
    return bool(expected and given) and hmac.compare_digest(expected.encode(), given.encode())


def _iso(moment):
    return moment.isoformat() if moment else None


@dataclass
class Result:
    verdict: str
    code: str = ""
    certificate: Certificate | None = None
    name_revealed: bool = False
    surname_given: bool = False
    details: dict = field(default_factory=dict)

    @property
    def message(self):
        return MESSAGES[self.verdict]

    @property
    def is_genuine(self):
        return self.verdict in GENUINE

    def as_dict(self):
        """The public answer; the same keys for every verdict."""
        data = {"verdict": self.verdict, "message": str(self.message), "code": self.code, "certificate": None}
        certificate = self.certificate
        if certificate is not None and self.is_genuine:
            data["certificate"] = {
                "holder": certificate.holder_name if self.name_revealed else mask_name(certificate.holder_name),
                "holder_revealed": self.name_revealed,
                "course": certificate.course_title(),
                "academy": certificate.academy_name(),
                "accreditation_number": certificate.accreditation_number,
                "contact_hours": str(certificate.hours),
                "ceu": str(certificate.ceu),
                "ects": str(certificate.ects),
                "completed_at": _iso(certificate.completed_at),
                "issued_at": _iso(certificate.issued_at),
                "expires_at": _iso(certificate.expires_at),
                "revoked_at": _iso(certificate.revoked_at),
                "revocation_reason": certificate.revoked_reason if certificate.is_revoked else None,
            }
        if self.details:
            data["credential"] = self.details
        return data


_LOOKUP_FIELDS = (
    "code",
    "holder_name",
    "holder_surname",
    "course_titles",
    "academy_names",
    "accreditation_number",
    "hours",
    "completed_at",
    "issued_at",
    "expires_at",
    "revoked_at",
    "revoked_reason",
)


def verify_code(text, *, surname=None, now=None):
    code, well_formed, check_ok = codes.parse(text)
    # Always one indexed lookup, so mistyped, unknown and genuine codes take the same time.
    lookup = code if (well_formed and check_ok) else "-" * codes.CODE_LENGTH
    certificate = Certificate.objects.only(*_LOOKUP_FIELDS).filter(code=lookup).first()
    shown = codes.grouped(code) if code else ""
    if not (well_formed and check_ok):
        return Result(MISTYPED, code=shown)
    if certificate is None:
        return Result(NOT_FOUND, code=shown)
    result = Result(certificate.verdict(now), code=shown, certificate=certificate)
    if surname:
        result.surname_given = True
        result.name_revealed = surname_matches(certificate, surname)
    return result


def verify_credential(token, *, now=None):
    """Check an uploaded VC-JWT: structure, known key, signature, issuer, validity period, status list."""
    now = now or timezone.now()
    try:
        header, payload, signing_input, signature = jose.decode_unverified(token)
    except jose.JoseError:
        return Result(MALFORMED)
    if header.get("alg") != "ES256" or not isinstance(header.get("kid"), str):
        return Result(UNKNOWN_KEY if header.get("alg") == "ES256" else BAD_SIGNATURE)
    kid_url, _sep, thumb = header["kid"].rpartition("#")
    key = SigningKey.objects.select_related("academy").filter(kid=thumb).first()
    if key is None or (kid_url and kid_url != credentials.jwks_url(key.academy)):
        return Result(UNKNOWN_KEY)
    if not jose.verify_signature(signing_input, signature, jose.public_key_from_jwk(key.public_jwk)):
        return Result(BAD_SIGNATURE)
    academy = key.academy
    types = payload.get("type") or []
    if "VerifiableCredential" not in types or "OpenBadgeCredential" not in types:
        return Result(NOT_A_BADGE)
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    expected = credentials.issuer_id(academy)
    if payload.get("iss") != expected or issuer_id != expected:
        return Result(WRONG_ISSUER)
    subject = payload.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    names = [i.get("identityHash") for i in subject.get("identifier", []) if i.get("identityType") == "name"]
    details = {
        "id": payload.get("id"),
        "issuer": issuer.get("name") if isinstance(issuer, dict) else academy.name,
        "achievement": achievement.get("name"),
        "holder": names[0] if names else None,
        "valid_from": payload.get("validFrom"),
        "valid_until": payload.get("validUntil"),
    }
    certificate = None
    credential_id = str(payload.get("id") or payload.get("jti") or "")
    if credential_id.startswith("urn:uuid:"):
        certificate = Certificate.objects.filter(uuid=_uuid_or_none(credential_id[9:]), academy=academy).first()
    stamp = now.timestamp()
    status = payload.get("credentialStatus") or {}
    revoked = False
    if status.get("statusListCredential") == credentials.status_list_url(academy):
        try:
            index = int(status.get("statusListIndex"))
            revoked = credentials.is_revoked_at(academy, index)
        except (TypeError, ValueError, IndexError):
            return Result(NOT_A_BADGE, details=details)
    code = certificate.grouped_code if certificate else ""
    if revoked:
        verdict = REVOKED
    elif isinstance(payload.get("nbf"), int | float) and payload["nbf"] > stamp + 300:
        verdict = NOT_YET_VALID
    elif isinstance(payload.get("exp"), int | float) and payload["exp"] <= stamp:
        verdict = EXPIRED
    else:
        verdict = VALID
    result = Result(verdict, code=code, certificate=certificate, details=details)
    result.name_revealed = True  # the holder's name is in the credential the visitor already has
    return result


def _uuid_or_none(text):
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        return None
