"""The layer contract beyond imports (``lint-imports`` checks those, from ``.importlinter``).

Reads the same layers and looks for what an import graph cannot show: ``"app.Model"`` strings,
``get_model`` calls, template names written in code, and templates that extend, include or
``{% load %}`` another app's templates or tag libraries. Nothing may point to a higher layer, nor
to an independent sibling (``|``). Migrations are history and are not read; everything else is.
"""

import ast
import configparser
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# Template folders that are not named after their app: the lesson-body blocks belong to courses.
TEMPLATE_FOLDERS = {"blocks": "courses"}
GROUND = "core"  # templates at the top of templates/ (base.html, includes/) are shared by every app
STRING_REF = re.compile(r"([a-z][a-z0-9_]*)\.([A-Z][A-Za-z0-9]*)")
TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*/[\w./-]+\.(?:html|txt|xml)")
TEMPLATE_TAG = re.compile(r"{%\s*(extends|include|load)\s+(.+?)\s*%}")


@dataclass(frozen=True)
class Layers:
    """``level``: app → height (0 lowest); ``independent``: groups of siblings that may not meet."""

    level: dict
    independent: list
    packages: set

    def breaks(self, source, target):
        """Why a reference from app ``source`` to app ``target`` breaks the contract (None: it does not)."""
        if source == target or source not in self.level or target not in self.level:
            return None
        if self.level[target] > self.level[source]:
            return "upward"
        if self.level[target] == self.level[source] and any({source, target} <= group for group in self.independent):
            return "between independent siblings"
        return None


def read_layers(text):
    config = configparser.ConfigParser()
    config.read_string(text)
    packages = set(config["importlinter"]["root_packages"].split())
    rows = [row.strip() for row in config["importlinter:contract:layers"]["layers"].splitlines() if row.strip()]
    level, independent = {}, []
    for height, row in enumerate(reversed(rows)):
        separator = "|" if "|" in row else ":"
        modules = [module.strip() for module in row.split(separator)]
        apps = {module.split(".")[0] for module in modules if "." not in module}
        for module in modules:
            app = module.split(".")[0]
            # An app split across layers (elearning: the language table at the bottom, the rest on top)
            # takes its highest place: its other modules may use anything.
            level[app] = max(level.get(app, height), height)
        if separator == "|" and len(apps) > 1:
            independent.append(apps)
    return Layers(level, independent, packages)


LAYERS = read_layers((ROOT / ".importlinter").read_text())


def app_packages():
    return sorted(
        path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name not in {"tests"}
    )


def template_owner(name):
    """The app a template belongs to, from its name (``h5p/player.html`` → ``h5p``)."""
    head = name.split("/")[0] if "/" in name else ""
    if head in LAYERS.level:
        return head
    return TEMPLATE_FOLDERS.get(head, GROUND)


def tag_libraries():
    return {path.stem: path.parent.parent.name for path in ROOT.glob("*/templatetags/*.py") if path.stem != "__init__"}


def python_references(source, known_templates):
    """``(line, app, what)`` for every model string, ``get_model`` and template name in ``source``."""
    named = set()  # the arguments of get_model calls, reported with their call
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "get_model":
            arguments = [arg for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            named.update(map(id, arguments))
            if arguments:
                values = ", ".join(repr(arg.value) for arg in arguments)
                yield node.lineno, arguments[0].value.split(".")[0], f"get_model({values})"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in named:
            if match := STRING_REF.fullmatch(node.value):
                yield node.lineno, match.group(1), repr(node.value)
            elif TEMPLATE_NAME.fullmatch(node.value) and node.value in known_templates:
                yield node.lineno, template_owner(node.value), f"template {node.value!r}"


def template_references(source, libraries):
    """``(line, app, what)`` for every template extended or included and every tag library loaded."""
    for match in TEMPLATE_TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        kind, argument = match.groups()
        if kind == "load":
            words = argument.split()
            names = words[words.index("from") + 1 :] if "from" in words else words
            for name in names:
                if name in libraries:
                    yield line, libraries[name], f"{{% load {name} %}}"
        elif argument[:1] in "\"'":
            name = argument.split()[0].strip("\"'")
            yield line, template_owner(name), f"{{% {kind} {name!r} %}}"


def python_files():
    for app in LAYERS.level:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" not in path.relative_to(ROOT).parts:
                yield app, path


def template_files():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            yield template_owner(path.relative_to(TEMPLATES).as_posix()), path
    for path in sorted(ROOT.glob("*/templates/**/*")):
        if path.is_file():
            yield path.relative_to(ROOT).parts[0], path


def violations():
    known = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file()}
    libraries = tag_libraries()
    found = []
    for app, path in python_files():
        for line, target, what in python_references(path.read_text(encoding="utf-8"), known):
            if reason := LAYERS.breaks(app, target):
                found.append(f"{path.relative_to(ROOT)}:{line}: {app} -> {target} ({reason}): {what}")
    for app, path in template_files():
        for line, target, what in template_references(path.read_text(encoding="utf-8"), libraries):
            if reason := LAYERS.breaks(app, target):
                found.append(f"{path.relative_to(ROOT)}:{line}: {app} -> {target} ({reason}): {what}")
    return found


def test_every_app_has_its_place_in_the_contract():
    missing = [app for app in app_packages() if app not in LAYERS.packages or app not in LAYERS.level]
    assert missing == [], "add these packages to .importlinter (root_packages and a layer)"


def test_nothing_refers_upward_by_name():
    assert violations() == []


# The checks themselves must be able to fail --------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            'x = models.ForeignKey("academies.AuditEntry", on_delete=models.CASCADE)',
            ("academies", "'academies.AuditEntry'"),
        ),
        (
            'User = apps.get_model("certificates", "Certificate")',
            ("certificates", "get_model('certificates', 'Certificate')"),
        ),
        ('model = apps.get_model("h5p.H5PPackage")', ("h5p", "get_model('h5p.H5PPackage')")),
        ('render(request, "academies/report.html")', ("academies", "template 'academies/report.html'")),
    ],
)
def test_python_references_are_found(source, expected):
    found = [(app, what) for _line, app, what in python_references(source, {"academies/report.html"})]
    assert found == [expected]
    assert LAYERS.breaks("core", expected[0]) == "upward"


def test_prose_and_unknown_names_are_not_references():
    source = '"""See learning.Launch for the model."""\nname = "not/a/template.html"\nlabel = "e.g. Lagos"'
    assert list(python_references(source, set())) == []


def test_template_references_are_found():
    source = '{% extends "academies/base.html" %}\n{% load i18n h5p_tags %}\n{% include "includes/x.html" %}'
    found = list(template_references(source, {"h5p_tags": "h5p", "courses_tags": "courses"}))
    assert found == [
        (1, "academies", "{% extends 'academies/base.html' %}"),
        (2, "h5p", "{% load h5p_tags %}"),
        (3, GROUND, "{% include 'includes/x.html' %}"),
    ]
    assert LAYERS.breaks("courses", "h5p") == "upward"
    assert LAYERS.breaks("h5p", "assessments") == "between independent siblings"
    assert LAYERS.breaks("academies", "courses") is None
