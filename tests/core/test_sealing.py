"""Sealed secrets (core.sealing): round trip, fresh nonces, bound to their purpose and secret."""

import pytest
from django.test import override_settings

from core import sealing


def test_seal_round_trip_and_fresh_nonce():
    first, second = sealing.seal("pass phrase", "test"), sealing.seal("pass phrase", "test")
    assert first != second and "pass phrase" not in first and sealing.is_sealed(first)
    assert sealing.unseal(first, "test") == sealing.unseal(second, "test") == "pass phrase"
    assert sealing.seal("", "test") == "" and sealing.unseal("", "test") == ""
    assert sealing.seal(first, "test") == first  # never sealed twice


def test_other_purpose_or_secret_cannot_unseal():
    sealed = sealing.seal("pass phrase", "test")
    with pytest.raises(sealing.UnsealError):
        sealing.unseal(sealed, "another purpose")
    with override_settings(CUSTODIA_SEALING_SECRET="a different secret"), pytest.raises(sealing.UnsealError):
        sealing.unseal(sealed, "test")
    assert sealing.unseal("written in clear", "test") == "written in clear"
