"""Open Badges 3.0 VC-JWT: structure, ES256 signature (checked by jose from npm too), JWKS, status list,
and an uploaded credential's check: tampered, re-signed, unknown key, revoked, expired."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import override_settings
from django.utils import timezone

from certificates import credentials, jose
from certificates.models import SigningKey
from certificates.services import revoke
from certificates.verification import verify_credential

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
JOSE_SCRIPT = Path(__file__).resolve().parent / "jose_verify.mjs"


def parts(token):
    header, payload, _input, _sig = jose.decode_unverified(token)
    return header, payload


def resign(payload, header, private_key):
    return jose.sign(payload, private_key, {k: v for k, v in header.items() if k != "alg"})


def test_the_credential_is_an_open_badge(issued, academy):
    header, payload = parts(issued.credential_jwt)
    assert header["alg"] == "ES256"
    assert header["typ"] == "JWT"
    key = SigningKey.objects.get(academy=academy)
    assert header["kid"] == f"http://127.0.0.1:8000/credentials/issuers/{academy.slug}/jwks.json#{key.kid}"
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["id"] == payload["jti"] == f"urn:uuid:{issued.uuid}"
    assert payload["issuer"]["id"] == payload["iss"] == credentials.issuer_id(academy)
    assert payload["validFrom"].endswith("Z")
    subject = payload["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"]["narrative"]
    assert achievement["name"] == "Hash values (P)"
    hashed = subject["identifier"][0]
    assert hashed["hashed"] is True and hashed["identityType"] == "emailAddress"
    assert hashed["identityHash"] == credentials.identity_hash("daniel@example.test", hashed["salt"])
    assert "daniel@example.test" not in issued.credential_jwt
    status = payload["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert int(status["statusListIndex"]) == issued.status_list_index
    assert status["statusListCredential"] == credentials.status_list_url(academy)


def test_the_private_key_is_encrypted_at_rest(issued, academy, settings):
    key = SigningKey.objects.get(academy=academy)
    assert "PRIVATE" not in key.private_key_encrypted
    assert "d" not in key.public_jwk
    jose.load_private_key(key.kid, key.private_key_encrypted)  # decrypts with the configured secret
    settings.CUSTODIA_CERTIFICATE_KEY_SECRET = "another secret"
    with pytest.raises(Exception):  # noqa: B017 - AES-GCM refuses the wrong key
        jose.load_private_key(key.kid, key.private_key_encrypted)


def test_jwks_and_issuer_profile_are_published(client, issued, academy):
    jwks = client.get(f"/credentials/issuers/{academy.slug}/jwks.json")
    assert jwks.status_code == 200
    keys = jwks.json()["keys"]
    assert len(keys) == 1
    assert set(keys[0]) == {"kty", "crv", "x", "y", "kid", "use", "alg"}
    assert keys[0]["kid"] == parts(issued.credential_jwt)[0]["kid"]
    profile = client.get(f"/credentials/issuers/{academy.slug}/").json()
    assert profile["id"] == credentials.issuer_id(academy)
    assert profile["type"] == ["Profile"]
    assert "أكاديمية شرطة لاغوس" in profile["description"]


def test_the_status_list_is_signed_and_flips_on_revocation(client, issued, academy, academy_admin):
    def bit():
        token = client.get(f"/credentials/issuers/{academy.slug}/status/revocation").content.decode()
        header, _payload, signing_input, signature = jose.decode_unverified(token)
        key = SigningKey.objects.get(kid=header["kid"].rpartition("#")[2])
        assert jose.verify_signature(signing_input, signature, jose.public_key_from_jwk(key.public_jwk))
        payload = parts(token)[1]
        assert payload["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        subject = payload["credentialSubject"]
        assert subject["statusPurpose"] == "revocation"
        assert subject["encodedList"].startswith("u")
        bitstring = credentials.decode_list(subject["encodedList"])
        assert len(bitstring) * 8 >= 131_072
        return credentials.bit_is_set(bitstring, issued.status_list_index)

    assert bit() is False
    revoke(issued, by=academy_admin, reason="Error in the record")
    assert bit() is True


def test_an_uploaded_credential_is_checked(client, issued, academy_admin):
    assert verify_credential(issued.credential_jwt).verdict == "valid"
    response = client.post("/en/verify/", {"credential": issued.credential_jwt}, HTTP_ACCEPT="application/json")
    data = response.json()
    assert data["verdict"] == "valid"
    assert data["credential"]["achievement"] == "Hash values (P)"
    # As a file.
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.jwt", issued.credential_jwt.encode(), content_type="application/jwt")
    html = client.post("/en/verify/", {"credential_file": upload}).content.decode()
    assert "Valid certificate" in html
    revoke(issued, by=academy_admin, reason="Withdrawn")
    assert verify_credential(issued.credential_jwt).verdict == "revoked"


def test_tampered_and_resigned_credentials_are_rejected(issued, academy):
    token = issued.credential_jwt
    header, payload = parts(token)
    # Tampered: more hours, same signature.
    forged = dict(payload, credentialSubject=dict(payload["credentialSubject"], creditsEarned=999))
    segments = token.split(".")
    tampered = ".".join([segments[0], jose.b64url(json.dumps(forged).encode()), segments[2]])
    assert verify_credential(tampered).verdict == "bad_signature"
    # Re-signed with an attacker's key, claiming the academy's kid.
    attacker = ec.generate_private_key(ec.SECP256R1())
    assert verify_credential(resign(forged, header, attacker)).verdict == "bad_signature"
    # Re-signed with an attacker's key under its own kid, or with the key inside the header.
    attacker_kid = jose.thumbprint(jose.public_jwk(attacker.public_key()))
    unknown = resign(forged, {**header, "kid": f"https://evil.example/jwks.json#{attacker_kid}"}, attacker)
    assert verify_credential(unknown).verdict == "unknown_key"
    embedded = resign(forged, {"typ": "JWT", "jwk": jose.public_jwk(attacker.public_key())}, attacker)
    assert verify_credential(embedded).verdict == "unknown_key"
    # Another algorithm ("none", HS256...).
    none = ".".join([jose.b64url(b'{"alg":"none"}'), segments[1], ""])
    assert verify_credential(none).verdict == "bad_signature"
    # Garbage.
    assert verify_credential("not a jwt").verdict == "malformed"
    assert verify_credential("a.b.c").verdict == "malformed"


def test_a_credential_signed_by_one_academy_cannot_claim_another(issued, academy, other_academy):
    header, payload = parts(issued.credential_jwt)
    other_key = credentials.signing_key_for(other_academy)
    claim = dict(payload, iss=credentials.issuer_id(academy))
    token = jose.sign(
        claim,
        credentials.private_key(other_key),
        {"typ": "JWT", "kid": credentials.public_kid(other_academy, other_key)},
    )
    assert verify_credential(token).verdict == "wrong_issuer"


def test_an_expired_credential(issued, academy):
    _header, payload = parts(issued.credential_jwt)
    past = dict(payload, exp=int((timezone.now() - timezone.timedelta(days=1)).timestamp()))
    key = SigningKey.objects.get(academy=academy)
    token = jose.sign(past, credentials.private_key(key), {"typ": "JWT", "kid": credentials.public_kid(academy, key)})
    assert verify_credential(token).verdict == "expired"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_an_independent_implementation_verifies_the_credential(client, issued, academy, tmp_path):
    if not (ROOT / "node_modules" / "jose").exists():
        pytest.skip("the npm package jose is missing: run `npm ci` (scripts/setup.sh does)")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get(f"/credentials/issuers/{academy.slug}/jwks.json").content.decode())

    def node_verify(token):
        path = tmp_path / "token.jwt"
        path.write_text(token)
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["node", str(JOSE_SCRIPT), str(jwks), str(path), credentials.issuer_id(academy)],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout)

    verified = node_verify(issued.credential_jwt)
    assert verified["ok"], verified
    assert verified["payload"]["id"] == f"urn:uuid:{issued.uuid}"
    assert verified["header"]["kid"].endswith(SigningKey.objects.get(academy=academy).kid)

    segments = issued.credential_jwt.split(".")
    payload = parts(issued.credential_jwt)[1]
    payload["credentialSubject"]["creditsEarned"] = 999
    tampered = ".".join([segments[0], jose.b64url(json.dumps(payload).encode()), segments[2]])
    assert node_verify(tampered) == {"ok": False, "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}


@override_settings(CUSTODIA_PUBLIC_URL="https://custodia.example.org")
def test_urls_follow_the_public_base_url(academy):
    assert credentials.issuer_id(academy) == f"https://custodia.example.org/credentials/issuers/{academy.slug}/"
    assert (
        credentials.verification_url("ABCDEFGHJKMNP", "ar")
        == "https://custodia.example.org/ar/verify/ABCD-EFGH-JKMN-P/"
    )
