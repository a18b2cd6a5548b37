"""Demo accounts: they sign in with their e-mail address and one shared demo password."""

from django.contrib.auth.models import Group

from accounts.models import Profession, User

DEMO_PASSWORD = "custodia-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_ACCOUNTS = [
    {
        "email": "trainer@example.org",
        "full_name": "Amina Haddad",
        "first_name": "Amina",
        "last_name": "Haddad",
        "profession": Profession.OTHER,
        "is_staff": True,
        "groups": ["Editors", "Moderators"],
        "role": "trainer: authors and publishes courses in the admin (/admin/)",
    },
    {
        "email": "officer@example.org",
        "full_name": "Daniel Okafor",
        "first_name": "Daniel",
        "last_name": "Okafor",
        "profession": Profession.POLICE,
        "country": "NG",
        "agency": "Demo Police Academy",
        "is_staff": False,
        "groups": [],
        "role": "officer: takes courses",
    },
    {
        "email": "academy@example.org",
        "full_name": "María Fernández",
        "first_name": "María",
        "last_name": "Fernández",
        "profession": Profession.OTHER,
        "agency": "Demo Police Academy",
        "is_staff": False,
        "groups": [],
        "role": "academy administrator",
    },
]


def ensure_demo_accounts():
    """Create or reset the demo accounts; return (email, role) pairs."""
    summary = []
    for spec in DEMO_ACCOUNTS:
        fields = {k: v for k, v in spec.items() if k not in {"email", "groups", "role"}}
        user, _created = User.objects.update_or_create(email=spec["email"], defaults=fields)
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=spec["groups"]))
        summary.append((spec["email"], spec["role"]))
    return summary


def demo_step():
    """The ``load_demo`` step for accounts: the demo sign-ins, printed for the newcomer."""
    lines = [f"Demo accounts (password: {DEMO_PASSWORD}):"]
    lines += [f"  {email:<24} {role}" for email, role in ensure_demo_accounts()]
    return lines
