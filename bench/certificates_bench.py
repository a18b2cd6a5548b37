"""Certificate throughput: PDFs per second (WeasyPrint, per language) and ES256 signatures per second.

    .venv/bin/python bench/certificates_bench.py [--pdfs 10] [--signatures 500]

Needs no database: it renders in-memory sample certificates (as the admin preview does) and signs
a typical Open Badges credential payload with a fresh P-256 key. Prints one line per measure.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.test")

import django  # noqa: E402

django.setup()


def rate(count, seconds):
    return count / seconds if seconds else float("inf")


def bench_pdfs(count):
    from academies.preview import sample_certificate
    from certificates import pdf
    from organisations.models import Academy

    academy = Academy(
        slug="bench", name="Bench Academy", name_en="Bench Academy", name_ar="أكاديمية", name_zh_hans="学院"
    )
    pdf.render_pdf(sample_certificate(academy, "en"), academy=academy)  # warm up fonts
    for language in ("en", "ar", "zh-hans"):
        certificate = sample_certificate(academy, language)
        sizes = []
        start = time.perf_counter()
        for _ in range(count):
            sizes.append(len(pdf.render_pdf(certificate, academy=academy)))
        elapsed = time.perf_counter() - start
        print(
            f"pdf[{language}]: {rate(count, elapsed):.2f} PDFs/s "
            f"({1000 * elapsed / count:.0f} ms each, {sum(sizes) // len(sizes) // 1024} KiB)"
        )


def bench_signatures(count):
    from cryptography.hazmat.primitives.asymmetric import ec

    from certificates import jose

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    payload = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"achievement": {"name": "x" * 200, "criteria": {"narrative": "y" * 400}}},
    }
    start = time.perf_counter()
    tokens = [
        jose.sign({**payload, "jti": f"urn:uuid:{n}"}, key, {"typ": "JWT", "kid": "bench"}) for n in range(count)
    ]
    elapsed = time.perf_counter() - start
    print(f"sign: {rate(count, elapsed):.0f} ES256 signatures/s ({1e6 * elapsed / count:.0f} µs each)")
    start = time.perf_counter()
    for token in tokens:
        _header, _payload, signing_input, signature = jose.decode_unverified(token)
        assert jose.verify_signature(signing_input, signature, public)  # noqa: S101
    elapsed = time.perf_counter() - start
    print(f"verify: {rate(count, elapsed):.0f} ES256 verifications/s")


def bench_codes(count):
    from certificates import codes

    start = time.perf_counter()
    for _ in range(count):
        codes.is_valid(codes.generate())
    elapsed = time.perf_counter() - start
    print(f"codes: {rate(count, elapsed):.0f} codes generated and checked/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=10)
    parser.add_argument("--signatures", type=int, default=500)
    args = parser.parse_args()
    bench_pdfs(args.pdfs)
    bench_signatures(args.signatures)
    bench_codes(args.signatures * 10)


if __name__ == "__main__":
    main()
