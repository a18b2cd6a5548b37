"""A sample certificate for an academy's design, built in memory: nothing is saved or signed."""

from decimal import Decimal

from django.utils import timezone

from certificates import codes, pdf
from certificates.models import Certificate
from certificates.services import signatories_snapshot, translated_values
from elearning.languages import LANGUAGE_CODES

SAMPLE_TITLES = {
    "en": "Electronic evidence: the chain of custody",
    "fr": "La preuve électronique : la chaîne de possession",
    "es": "La prueba electrónica: la cadena de custodia",
    "ru": "Электронные доказательства: цепочка хранения",
    "ar": "الأدلة الإلكترونية: سلسلة العهدة",
    "zh-hans": "电子证据：保管链",
}


def sample_certificate(academy, language="en"):
    language = language if language in LANGUAGE_CODES else "en"
    now = timezone.now()
    translated = translated_values(academy, "name")
    names = {code: translated.get(code) or academy.name for code in LANGUAGE_CODES}
    return Certificate(
        code=codes.generate(),
        academy=academy,
        issued_at=now,
        completed_at=now,
        expires_at=now + timezone.timedelta(days=730),
        holder_name="Jane Sample",
        holder_surname="Sample",
        language=language,
        course_titles=SAMPLE_TITLES,
        academy_names=names,
        accreditation_number="SAMPLE-001",
        hours=Decimal("12.0"),
        score=Decimal("92.50"),
        signatories=signatories_snapshot(academy),
        status_list_index=0,
    )


def sample_certificate_pdf(academy, language="en", template_source=None):
    certificate = sample_certificate(academy, language)
    return pdf.render_pdf(certificate, academy=academy, template_source=template_source)
