"""ES256 keys and compact JWS (RFC 7515/7518), with ``cryptography`` only.

Private keys are stored encrypted (AES-256-GCM) under a key derived with HKDF-SHA256 from
``CUSTODIA_CERTIFICATE_KEY_SECRET`` (or ``SECRET_KEY`` when that is not set); the key id is the
RFC 7638 JWK thumbprint and is bound to the ciphertext as associated data.
"""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from core import sealing


class JoseError(ValueError):
    """A token that is not a well-formed ES256 compact JWS."""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    if isinstance(text, str):
        text = text.encode("ascii")
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _int_bytes(value):
    return value.to_bytes(32, "big")


def public_jwk(public_key):
    numbers = public_key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(_int_bytes(numbers.x)), "y": b64url(_int_bytes(numbers.y))}


def thumbprint(jwk):
    """RFC 7638: SHA-256 over the required members in lexicographic order, base64url."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def public_key_from_jwk(jwk):
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise JoseError("not a P-256 key")
    x = int.from_bytes(b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def _wrapping_key():
    return sealing.derive_key("CUSTODIA_CERTIFICATE_KEY_SECRET", b"custodia-certificates", b"signing-key-wrap v1")


def generate_key():
    """A new P-256 key: ``(kid, public_jwk, encrypted_private_key_text)``."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    jwk = public_jwk(private_key.public_key())
    kid = thumbprint(jwk)
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return kid, jwk, b64url(sealing.seal_bytes(_wrapping_key(), der, kid.encode("ascii")))


def load_private_key(kid, encrypted):
    """The private key; ``core.sealing.UnsealError`` if it was sealed under another secret."""
    der = sealing.open_bytes(_wrapping_key(), b64url_decode(encrypted), kid.encode("ascii"))
    return serialization.load_der_private_key(der, password=None)


def _segment(value):
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign(payload, private_key, header):
    """Compact JWS with ES256 (the signature is the raw 64-byte r‖s, as RFC 7518 requires)."""
    header = {"alg": "ES256", **header}
    signing_input = f"{_segment(header)}.{_segment(payload)}".encode("ascii")
    der = private_key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input.decode('ascii')}.{b64url(_int_bytes(r) + _int_bytes(s))}"


def decode_unverified(token):
    """``(header, payload, signing_input, signature)`` of a compact JWS, or ``JoseError``."""
    parts = (token or "").strip().split(".")
    if len(parts) != 3:
        raise JoseError("not a compact JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as error:
        raise JoseError("not a compact JWS") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("not a JSON object")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def verify_signature(signing_input, signature, public_key):
    if len(signature) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
