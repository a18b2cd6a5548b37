"""Real PDFs (WeasyPrint): Arabic and Chinese text in logical order, the QR code decodes to the
verification URL. Sample PDFs and page images are kept under test-artifacts/certificates/."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from academies.preview import sample_certificate_pdf
from certificates import credentials
from certificates.models import Certificate
from tests.certificates.conftest import record_completion

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "certificates"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def needs(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/setup.sh installs it as root)")


def pdf_text(path):
    needs("pdftotext")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)  # noqa: S603,S607
    return " ".join(BIDI_CONTROLS.sub("", out.stdout).split())


def qr_payloads(pdf_path):
    needs("pdftoppm")
    needs("zbarimg")
    prefix = pdf_path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(prefix)], check=True)  # noqa: S603,S607
    out = subprocess.run(  # noqa: S603
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.split()


def issue_in(language, member, police_course, capture, real_pdf):
    with capture(execute=True):
        completion = record_completion(member, police_course, language=language)
    certificate = Certificate.objects.get(completion=completion)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"certificate-{language}.pdf"
    path.write_bytes(certificate.pdf.read())
    return certificate, path


def test_an_arabic_certificate(member, police_course, accreditation, django_capture_on_commit_callbacks, real_pdf):
    member.full_name = "دانيال أوكافور"
    member.save()
    certificate, path = issue_in("ar", member, police_course, django_capture_on_commit_callbacks, real_pdf)
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "قيم التجزئة" in text  # the course title, in logical order
    assert "دانيال أوكافور" in text
    # "لاغوس" is drawn with the lam-alef ligature, which pdftotext extracts in visual order: check the rest.
    assert "أكاديمية شرطة" in text
    assert certificate.grouped_code in text
    url = credentials.verification_url(certificate.code, "ar")
    assert url.endswith(f"/ar/verify/{certificate.grouped_code}/")
    assert qr_payloads(path) == [url]


def test_a_chinese_certificate(member, police_course, accreditation, django_capture_on_commit_callbacks, real_pdf):
    certificate, path = issue_in("zh-hans", member, police_course, django_capture_on_commit_callbacks, real_pdf)
    text = pdf_text(path)
    assert "哈希值 (P)" in text
    assert "拉各斯警察学院" in text
    assert "Daniel Okafor" in text
    assert qr_payloads(path) == [credentials.verification_url(certificate.code, "zh-hans")]


def test_the_pdf_is_stored_once_and_not_rerendered(issued, monkeypatch):
    stored = issued.pdf.read()
    monkeypatch.setattr("certificates.pdf.render_pdf", lambda *a, **k: pytest.fail("re-rendered"))
    from certificates.services import issue_certificate

    issue_certificate(issued.completion, issued.accreditation)
    assert Certificate.objects.get(pk=issued.pk).pdf.read() == stored


def test_an_academy_template_override(academy, real_pdf):
    template = (
        '<html lang="{{ language.code }}" dir="{{ direction }}"><body style="font-family: {{ font_stack|safe }}">'
        "<h1>CUSTOM {{ academy_name }}</h1><p>{{ certificate.holder_name }}</p>"
        '<img src="file:///etc/passwd"><img src="{{ qr_data_url }}"></body></html>'
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "override-preview-fr.pdf"
    path.write_bytes(sample_certificate_pdf(academy, "fr", template_source=template))
    text = pdf_text(path)
    assert "CUSTOM Académie de police de Lagos" in text
    assert "root:" not in text  # only data: URLs are fetched
