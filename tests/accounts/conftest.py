import re

import pytest

from accounts.models import User

STRONG_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def signup_data():
    return {
        "email": "Nadia.Karim@Example.TEST",
        "full_name": "نادية كريم",
        "first_name": "Nadia",
        "last_name": "Karim",
        "profession": "prosecution",
        "country": "JO",
        "agency": "Public Prosecution, Amman",
        "preferred_language": "ar",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }


@pytest.fixture
def unconfirmed_user(db):
    return User.objects.create_user(
        "pending@example.test", STRONG_PASSWORD, full_name="Pending Officer", is_active=False
    )


def link_in(message):
    """The first http(s) link in an e-mail body."""
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)
