"""Importing packages: the real samples, the crafted invalid ones and hostile archives built here."""

import csv
import io
import json
import zipfile
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from h5p.models import H5PLibrary, H5PPackage, LibraryStatus
from h5p.services import content_dir, import_package, library_dir
from h5p.validation import PackageError, validate_package
from tests.h5p.conftest import (
    H5P_FIXTURES,
    LIBRARY_JSON,
    build_zip,
    complete_packages,
    fixture_package,
    stored_files,
    tiny_entries,
)

pytestmark = pytest.mark.django_db


def bundled_libraries():
    """package -> {folder: version} from the fixtures' LIBRARIES.tsv."""
    result = defaultdict(dict)
    index = H5P_FIXTURES / "LIBRARIES.tsv"
    if index.exists():
        with open(index, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                result[row["package"]][row["library_folder"]] = row["version"]
    return result


MAIN_LIBRARIES = {
    "truefalse-hello-world.h5p": "H5P.TrueFalse",
    "drag-the-words-1399.h5p": "H5P.DragText",
    "H5P.MultiChoice.h5p": "H5P.MultiChoice",
    "H5P.QuestionSet.h5p": "H5P.QuestionSet",
    "H5P.Blanks.h5p": "H5P.Blanks",
    "H5P.CoursePresentation.h5p": "H5P.CoursePresentation",
    "H5P.InteractiveVideo.h5p": "H5P.InteractiveVideo",
}


@pytest.mark.parametrize("name", complete_packages() or ["(no shared fixtures)"])
def test_every_complete_package_imports_with_its_libraries(name, h5p_media):
    path = fixture_package(f"complete/{name}")
    package, created = import_package(path, name=name)
    assert created
    assert package.main_library == MAIN_LIBRARIES[name]
    expected = bundled_libraries()[f"complete/{name}"]
    stored = {lib.folder: lib.version for lib in package.libraries.all()}
    assert stored == expected  # every bundled library, with its patch version
    assert any(folder.startswith(package.main_library + "-") for folder in package.runtime_libraries)
    by_folder = {lib.folder: lib for lib in package.libraries.all()}
    for position, folder in enumerate(package.runtime_libraries):  # dependencies come first
        for dep in by_folder[folder].metadata.get("preloadedDependencies", []):
            dep_folder = f"{dep['machineName']}-{dep['majorVersion']}.{dep['minorVersion']}"
            assert package.runtime_libraries.index(dep_folder) < position
    assert set(package.runtime_libraries) <= set(expected)
    assert (content_dir(package.sha256) / "h5p.json").is_file()
    assert (content_dir(package.sha256) / "content" / "content.json").is_file()
    for library in package.runtime_library_rows():
        assert (library_dir(library) / "library.json").is_file() and library.is_approved
    assert {"fr", "es", "ru"} <= set(package.languages)  # the main library's interface translations
    assert not list((h5p_media / "h5p" / "tmp").iterdir())
    # Stored once: the same bytes again give the same package.
    again, created_again = import_package(path)
    assert again.pk == package.pk and not created_again


REJECTED = {
    "corrupt_archive.h5p": ("", "not a valid zip"),
    "broken-h5p-json.h5p": ("h5p.json", "Unable to parse h5p.json"),
    "broken-content-json.h5p": ("content/content.json", "Unable to parse content.json"),
    "invalid-h5p-json-schema.h5p": ("h5p.json", "“mainLibrary” is missing"),
    "invalid-library-json.h5p": ("H5P.GreetingCard-1.0/library.json", "“majorVersion” is missing"),
    "invalid-library-directory-name.h5p": ("H5P.GreetingCard-1.0/library.json", "does not match library.json"),
    "malformed-library-directory.h5p": ("library!/", "Invalid library folder name"),
    "invalid-language-file-json.h5p": ("H5P.GreetingCard-1.0/language/fr.json", "Unable to parse the language file"),
    "missing-preloaded-js.h5p": ("H5P.GreetingCard-1.0/library.json", "missing the file “greetingcard.js”"),
    "xss-svg.h5p": ("content/images/xss.svg", "not accepted in content"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_invalid_packages_are_rejected_for_the_right_reason(name, h5p_media):
    path = fixture_package(f"validation/{name}")
    with pytest.raises(PackageError) as caught:
        import_package(path)
    file_name, fragment = REJECTED[name]
    assert any(f == file_name and fragment in str(message) for f, message in caught.value.errors), caught.value.errors
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert not (h5p_media / "h5p" / "tmp").exists() or not list((h5p_media / "h5p" / "tmp").iterdir())


def test_two_invalid_libraries_are_reported_together():
    path = fixture_package("validation/2-invalid-libraries.h5p")
    with pytest.raises(PackageError) as caught:
        validate_package(path)
    messages = caught.value.messages()
    assert any("language/XXX!.json" in m and "Invalid language file name" in m for m in messages)
    assert any("H5P.GreetingCard2-1.0/library.json" in m and "“title” is missing" in m for m in messages)


def test_valid2_imports():
    package, created = import_package(fixture_package("validation/valid2.h5p"))
    assert created and package.main_library == "H5P.GreetingCard"
    assert [lib.folder for lib in package.libraries.all()] == ["H5P.GreetingCard-1.0"]
    assert (content_dir(package.sha256) / "content" / "earth.jpg").is_file()


def test_core_api_version_is_checked(settings):
    path = fixture_package("validation/invalid-core-version.h5p")
    validate_package(path)  # needs core API 1.19: fine against this platform's 1.27
    settings.H5P_CORE_API = (1, 18)
    with pytest.raises(PackageError, match="needs H5P core API 1.19"):
        validate_package(path)


def test_svg_in_content_can_be_accepted_when_served_sandboxed(settings):
    settings.H5P_CONTENT_SVG = "sandbox"
    package, _created = import_package(fixture_package("validation/xss-svg.h5p"))
    assert (content_dir(package.sha256) / "content" / "images" / "xss.svg").is_file()


# Generated hostile archives: these run everywhere ----------------------------------------------
def symlink_entry(name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16) | 0x20  # S_IFLNK | rwx
    info.create_system = 3
    return info, target


def rejected(archive, *fragments):
    with pytest.raises(PackageError) as caught:
        import_package(archive)
    text = " | ".join(caught.value.messages())
    for fragment in fragments:
        assert fragment in text, text
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    return text


def test_generated_tiny_package_imports(h5p_media):
    package, created = import_package(build_zip(tiny_entries()), name="tiny.h5p")
    assert created and package.title == "Tiny package"
    assert package.languages == ["en", "fr"]
    library = package.libraries.get()
    assert (library.folder, library.version, library.status) == ("H5P.Tiny-1.0", "1.0.3", LibraryStatus.APPROVED)
    assert (library_dir(library) / "tiny.js").read_text() == "H5P.Tiny = function () {};"
    assert library.storage.startswith("H5P.Tiny-1.0~3-") and len(library.fingerprint) == 64
    assert len(package.content_key) == 32 and package.content_key not in package.sha256
    assert len(package.library_set) == 24


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../evil.js", "Paths with “..”"),
        ("content/../../evil.txt", "Paths with “..”"),
        ("/abs.txt", "Absolute paths"),
        ("C:/windows.txt", "Absolute paths"),
        ("content\\..\\evil.txt", "backslash"),
    ],
)
def test_path_traversal_is_rejected(name, fragment, h5p_media):
    text = rejected(build_zip(tiny_entries(**{name: "x"})), fragment)
    assert name in text
    assert not (h5p_media / "evil.js").exists() and not (h5p_media / "h5p" / "evil.txt").exists()


def test_symlink_entries_are_rejected():
    info, data = symlink_entry("content/link.txt", "/etc/passwd")
    rejected(build_zip(tiny_entries(), extra=[(info, data)]), "content/link.txt", "symlinks")


@pytest.mark.parametrize("name", ["content/x.php", "H5P.Tiny-1.0/evil.exe", "content/page.html", "content/run.js"])
def test_disallowed_extensions_are_rejected(name):
    rejected(build_zip(tiny_entries(**{name: "<?php system($_GET['c']); ?>"})), name, "are not allowed")


def test_zip_bomb_is_rejected_before_anything_is_written(h5p_media):
    bomb = b"\0" * (20 * 1024 * 1024)  # 20 MiB of zeros compress about 1000 to 1
    rejected(build_zip(tiny_entries(**{"content/bomb.txt": bomb})), "content/bomb.txt", "zip bomb")
    assert stored_files(h5p_media) == [] or "bomb.txt" not in str(list(h5p_media.rglob("*")))


def test_total_file_count_and_file_size_limits(settings):
    settings.H5P_MAX_UNPACKED_BYTES = 1000
    rejected(build_zip(tiny_entries(**{"content/big.txt": "x" * 2000})), "Unpacked, the package exceeds 1000 bytes")
    settings.H5P_MAX_UNPACKED_BYTES = 10**9
    settings.H5P_MAX_FILE_BYTES = 500
    rejected(build_zip(tiny_entries(**{"content/big.txt": "x" * 600})), "content/big.txt", "larger than 500 bytes")
    settings.H5P_MAX_FILE_BYTES = 10**9
    settings.H5P_MAX_FILES = 5
    many = {f"content/f{i}.txt": "x" for i in range(10)}
    rejected(build_zip(tiny_entries(**many)), "more than 5 files")


def test_oversized_json_is_rejected(settings):
    settings.H5P_MAX_JSON_BYTES = 1024
    big = '{"text": "%s"}' % ("abcdefghij" * 200)
    rejected(build_zip(tiny_entries(**{"content/content.json": big})), "content/content.json", "larger than 1024")


def test_duplicate_entries_are_rejected():
    buffer = io.BytesIO()
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "w") as archive:
        for name, data in tiny_entries().items():
            archive.writestr(name, data)
        archive.writestr("content/content.json", '{"other": 1}')
    rejected(buffer, "content/content.json", "twice")


def test_lying_entry_sizes_are_caught_while_streaming(h5p_media):
    """A central directory that understates a file's size: extraction stops and nothing is kept."""
    data = build_zip(tiny_entries(**{"content/a.txt": "A" * 5000})).getvalue()
    # Patch the uncompressed size (offset 24 in the central directory header) of content/a.txt to 10 bytes.
    marker = data.rfind(b"PK\x01\x02", 0, data.rfind(b"content/a.txt"))
    patched = bytearray(data)
    patched[marker + 24 : marker + 28] = (10).to_bytes(4, "little")
    rejected(io.BytesIO(bytes(patched)), "content/a.txt")
    assert (
        stored_files(h5p_media) == []
        or not (h5p_media / "h5p" / "tmp").exists()
        or not list((h5p_media / "h5p" / "tmp").iterdir())
    )


def test_missing_dependency_and_library_rules():
    entries = tiny_entries(
        **{
            "H5P.Tiny-1.0/library.json": '{"title": "Tiny", "machineName": "H5P.Tiny", "majorVersion": 1, '
            '"minorVersion": 0, "patchVersion": 0, "runnable": 1, "preloadedDependencies": '
            '[{"machineName": "H5P.Missing", "majorVersion": 2, "minorVersion": 1}]}'
        }
    )
    rejected(build_zip(entries), "“H5P.Missing-2.1” is needed but missing")


def test_dependency_satisfied_by_an_installed_library():
    import_package(build_zip(tiny_entries()))
    uses_tiny = {
        "h5p.json": '{"title": "Uses Tiny", "language": "fr", "mainLibrary": "H5P.Tiny", "embedTypes": ["iframe"], '
        '"preloadedDependencies": [{"machineName": "H5P.Tiny", "majorVersion": 1, "minorVersion": 0}]}',
        "content/content.json": '{"text": "bonjour"}',
    }
    package, created = import_package(build_zip(uses_tiny))
    assert created and [lib.folder for lib in package.libraries.all()] == ["H5P.Tiny-1.0"]


def test_blocked_library_refuses_the_package():
    first, _created = import_package(build_zip(tiny_entries()))
    H5PLibrary.objects.update(status=LibraryStatus.BLOCKED)
    assert first.blocked_libraries()
    with pytest.raises(PackageError, match="blocked by an administrator"):
        import_package(build_zip(tiny_entries(**{"content/extra.txt": "changed"})))
    assert H5PPackage.objects.count() == 1


def tiny_version(patch, script):
    library = dict(LIBRARY_JSON, patchVersion=patch)
    return build_zip(
        tiny_entries(
            **{
                "H5P.Tiny-1.0/library.json": json.dumps(library),
                "H5P.Tiny-1.0/tiny.js": script,
                "content/content.json": json.dumps({"text": script}),  # another package each time
            }
        )
    )


def test_a_new_patch_is_a_new_version_awaiting_approval_and_never_replaces_files():
    first, _created = import_package(build_zip(tiny_entries()))
    original = first.libraries.get()
    files_before = {p.name: p.read_bytes() for p in library_dir(original).iterdir()}
    newer, _created = import_package(tiny_version(7, "// 1.0.7"))
    added = newer.libraries.get()
    assert added.pk != original.pk and added.version == "1.0.7" and added.status == LibraryStatus.PENDING
    assert (library_dir(added) / "tiny.js").read_text() == "// 1.0.7"
    # The first package still runs its own version, byte for byte, under the same addresses.
    first.refresh_from_db()
    assert list(first.libraries.all()) == [original] and original.status == LibraryStatus.APPROVED
    assert {p.name: p.read_bytes() for p in library_dir(original).iterdir()} == files_before
    assert newer.library_set != first.library_set
    assert newer.pending_libraries() == [added] and not first.pending_libraries()


def test_the_same_version_number_with_other_bytes_is_another_version():
    import_package(build_zip(tiny_entries()))
    changed, _created = import_package(tiny_version(3, "H5P.Tiny = function () { /* changed */ };"))
    assert H5PLibrary.objects.count() == 2
    assert changed.libraries.get().status == LibraryStatus.PENDING
    assert {row.patch_version for row in H5PLibrary.objects.all()} == {3}


def test_identical_library_bytes_reuse_the_installed_version():
    first, _created = import_package(build_zip(tiny_entries()))
    second, _created = import_package(build_zip(tiny_entries(**{"content/content.json": '{"text": "other"}'})))
    assert first.pk != second.pk and H5PLibrary.objects.count() == 1
    assert first.library_set == second.library_set  # the same library URLs: cached once for both


def test_an_older_patch_uses_the_approved_newer_version():
    newer, _created = import_package(tiny_version(7, "// 1.0.7"))
    older, _created = import_package(build_zip(tiny_entries()))  # bundles 1.0.3
    assert H5PLibrary.objects.count() == 1
    assert older.libraries.get() == newer.libraries.get() and older.libraries.get().version == "1.0.7"


def test_approving_a_new_version_makes_its_packages_available():
    import_package(build_zip(tiny_entries()))
    newer, _created = import_package(tiny_version(8, "// 1.0.8"))
    assert newer.pending_libraries()
    H5PLibrary.objects.filter(status=LibraryStatus.PENDING).update(status=LibraryStatus.APPROVED)
    assert not newer.pending_libraries()
    # A package without the library in it now gets the newest approved version.
    uses_tiny = {
        "h5p.json": json.dumps(dict(json.loads(tiny_entries()["h5p.json"]), title="Uses Tiny")),
        "content/content.json": '{"text": "x"}',
    }
    package, _created = import_package(build_zip(uses_tiny))
    assert package.libraries.get().version == "1.0.8"


def test_import_command(tmp_path):
    path = tmp_path / "tiny.h5p"
    path.write_bytes(build_zip(tiny_entries()).getvalue())
    out = io.StringIO()
    call_command("import_h5p", str(path), stdout=out)
    assert "imported" in out.getvalue() and "H5P.Tiny 1.0.3" in out.getvalue()
    bad = tmp_path / "bad.h5p"
    bad.write_bytes(build_zip(tiny_entries(**{"content/x.php": "x"})).getvalue())
    with pytest.raises(CommandError, match=r"content/x\.php: Files of type “\.php” are not allowed"):
        call_command("import_h5p", str(bad))
    with pytest.raises(CommandError):  # manage.py turns a CommandError into exit status 1
        call_command("import_h5p", str(tmp_path / "absent.h5p"))
