"""Open Badges 3.0 credentials (W3C VC Data Model 2.0) as VC-JWT (ES256), JWKS and the status list.

* Each certificate is an ``OpenBadgeCredential`` whose JWT payload is the credential itself (OB 3.0
  §8.2 / VC-JOSE-COSE) plus the registered claims ``iss``, ``jti``, ``nbf``, ``iat`` and ``exp``.
* The JOSE header's ``kid`` is ``<JWKS URL>#<RFC 7638 thumbprint>``, dereferenceable, and equal
  to the ``kid`` of the key published in the academy's JWKS.
* Revocation is a ``BitstringStatusListCredential`` per academy: 131,072 bits, GZIP-compressed,
  multibase base64url (``u`` prefix, no padding), signed by the same academy key.
"""

import gzip
import hashlib
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from certificates import jose
from certificates.models import STATUS_LIST_SIZE, Certificate, SigningKey
from elearning.languages import DEFAULT_LANGUAGE

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
JWT_TYPE = "JWT"


def public_base_url():
    return (getattr(settings, "CUSTODIA_PUBLIC_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute(path):
    return f"{public_base_url()}{path}"


def issuer_id(academy):
    return absolute(reverse("credentials:issuer", args=[academy.slug]))


def jwks_url(academy):
    return absolute(reverse("credentials:jwks", args=[academy.slug]))


def status_list_url(academy):
    return absolute(reverse("credentials:status_list", args=[academy.slug]))


def verification_url(code, language=DEFAULT_LANGUAGE):
    from certificates.codes import grouped

    with override(language):
        return absolute(reverse("certificates:verify_code", args=[grouped(code)]))


def public_kid(academy, key):
    return f"{jwks_url(academy)}#{key.kid}"


def iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# Keys ----------------------------------------------------------------------------------------
def signing_key_for(academy):
    """The academy's current signing key, created on first use."""
    key = SigningKey.objects.filter(academy=academy, retired_at__isnull=True).order_by("created_at").first()
    if key is None:
        kid, jwk, encrypted = jose.generate_key()
        with transaction.atomic():
            key = SigningKey.objects.create(academy=academy, kid=kid, public_jwk=jwk, private_key_encrypted=encrypted)
    return key


_private_keys = {}


def private_key(key):
    """Decrypted key objects are cached per process by kid (decryption is cheap, parsing less so)."""
    if key.kid not in _private_keys:
        _private_keys[key.kid] = jose.load_private_key(key.kid, key.private_key_encrypted)
    return _private_keys[key.kid]


def jwks(academy):
    keys = []
    for key in SigningKey.objects.filter(academy=academy).order_by("created_at"):
        keys.append({**key.public_jwk, "kid": public_kid(academy, key), "use": "sig", "alg": "ES256"})
    return {"keys": keys}


def issuer_profile(academy):
    """The OB 3.0 ``Profile`` of the academy (names in every language it has)."""
    profile = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(academy),
        "type": ["Profile"],
        "name": academy.name_en or academy.name,
    }
    if academy.website:
        profile["url"] = academy.website
    if academy.country:
        profile["address"] = {"type": ["Address"], "addressCountryCode": str(academy.country)}
    from certificates.services import translated_values  # services imports this module

    profile["description"] = " · ".join(dict.fromkeys(translated_values(academy, "name").values()))
    # Where verifiers find the keys that sign this issuer's credentials (JWT header ``kid`` points here too).
    profile["publicKey"] = {"jwks_uri": jwks_url(academy)}
    return profile


# Certificates --------------------------------------------------------------------------------
def identity_hash(email, salt):
    return "sha256$" + hashlib.sha256(f"{email.strip().lower()}{salt}".encode()).hexdigest()


def build_credential(certificate, *, email):
    """The OB 3.0 credential of an (unsaved or saved) certificate, from its frozen fields."""
    language = certificate.language
    academy = certificate.academy
    salt = secrets.token_hex(8)
    achievement = {
        "id": f"urn:uuid:{certificate.accreditation.uuid}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": certificate.course_title(language),
        "description": certificate.course_title(language),
        "criteria": {
            "narrative": (
                f"Completed the course '{certificate.course_title(DEFAULT_LANGUAGE)}' on the Custodia platform "
                f"and met its completion rules; accredited by {certificate.academy_name(DEFAULT_LANGUAGE)} "
                f"under accreditation {certificate.accreditation_number} for {certificate.hours} contact hours."
            )
        },
        "humanCode": certificate.accreditation_number,
        "creditsAvailable": float(certificate.hours),
        "inLanguage": language,
    }
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {
                "type": "IdentityObject",
                "identityHash": certificate.holder_name,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement,
        "creditsEarned": float(certificate.hours),
    }
    if certificate.score is not None:
        subject["result"] = [{"type": ["Result"], "value": f"{certificate.score}%"}]
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{certificate.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(academy), "type": ["Profile"], "name": certificate.academy_name(language)},
        "name": certificate.course_title(language),
        "validFrom": iso(certificate.issued_at),
        "awardedDate": iso(certificate.completed_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list_url(academy)}#{certificate.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_list_index),
            "statusListCredential": status_list_url(academy),
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "evidence": [
            {
                "id": verification_url(certificate.code, language),
                "type": ["Evidence"],
                "name": f"Verification code {certificate.grouped_code}",
            }
        ],
    }
    if certificate.expires_at:
        credential["validUntil"] = iso(certificate.expires_at)
    return credential


def _sign(credential, academy, key=None, **extra_claims):
    """The compact VC-JWT of ``credential`` (plus its registered claims), signed with the academy's key."""
    key = key or signing_key_for(academy)
    claims = {
        **credential,
        "iss": credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"],
        "jti": credential["id"],
        "nbf": _epoch(credential["validFrom"]),
        **extra_claims,
    }
    if credential.get("validUntil"):
        claims["exp"] = _epoch(credential["validUntil"])
    return jose.sign(claims, private_key(key), {"typ": JWT_TYPE, "kid": public_kid(academy, key)})


def sign_credential(credential, academy, key=None):
    """The compact VC-JWT of ``credential``, signed with the academy's key."""
    return _sign(credential, academy, key, iat=int(timezone.now().timestamp()))


def _epoch(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# Status list ---------------------------------------------------------------------------------
def revocation_bitstring(academy):
    bits = bytearray(STATUS_LIST_SIZE // 8)
    revoked = Certificate.objects.filter(academy=academy, revoked_at__isnull=False)
    for index in revoked.values_list("status_list_index", flat=True):
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the left-most bit
    return bytes(bits)


def encode_list(bitstring):
    compressed = gzip.compress(bitstring, mtime=0)
    return "u" + jose.b64url(compressed)


def decode_list(encoded):
    text = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(jose.b64url_decode(text))


def is_revoked_at(academy, index):
    """The bit ``index`` of the academy's status list, read from the one certificate it stands for
    (not the whole list); IndexError outside the list."""
    if not 0 <= index < STATUS_LIST_SIZE:
        raise IndexError(index)
    return Certificate.objects.filter(academy=academy, status_list_index=index, revoked_at__isnull=False).exists()


def bit_is_set(bitstring, index):
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(academy):
    """The signed ``BitstringStatusListCredential`` (compact VC-JWT), valid for a day."""
    now = timezone.now().replace(microsecond=0)
    url = status_list_url(academy)
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(academy),
        "validFrom": iso(now),
        "validUntil": iso(now + timezone.timedelta(days=1)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revocation_bitstring(academy)),
        },
    }
    return _sign(credential, academy)  # a credential's registered claims, less ``iat``
