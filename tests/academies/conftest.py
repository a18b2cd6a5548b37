from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    _media,
    _stub_pdf,
    academy,
    academy_admin,
    accreditation,
    issued,
    member,
    other_academy,
    real_pdf,
)
