"""Immutable library versions (fingerprint, own folder), content-addressed package files, results' launches.

Existing libraries keep their folder (``storage`` = ``Machine.Name-M.m``); their fingerprint is read from
the stored files (empty when the files are absent), so a later upload of other bytes becomes a new version.
"""

import hashlib
import zlib
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac


def _fingerprint(folder):
    """The same formula as h5p.services.library_fingerprint, over the files stored at the time."""
    if not folder.is_dir():
        return ""
    lines = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            lines.append(f"{path.relative_to(folder).as_posix()}\0{zlib.crc32(data):08x}\0{len(data)}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def fill(apps, schema_editor):
    library_model = apps.get_model("h5p", "H5PLibrary")
    package_model = apps.get_model("h5p", "H5PPackage")
    root = Path(settings.MEDIA_ROOT) / "h5p" / "libraries"
    for library in library_model.objects.all():
        folder = f"{library.machine_name}-{library.major_version}.{library.minor_version}"
        library.storage = folder
        library.fingerprint = _fingerprint(root / folder)
        library.save(update_fields=["storage", "fingerprint"])
    for package in package_model.objects.all():
        rows = {
            f"{row.machine_name}-{row.major_version}.{row.minor_version}": row.storage for row in package.libraries.all()
        }
        names = sorted(f"{folder}={rows[folder]}" for folder in package.runtime_libraries if folder in rows)
        package.library_set = hashlib.sha256("\n".join(names).encode()).hexdigest()[:24]
        package.content_key = salted_hmac("h5p.content-key", package.sha256).hexdigest()[:32]
        package.save(update_fields=["library_set", "content_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0002_h5p_publishers_group"),
        ("learning", "0003_launches"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="h5plibrary", name="h5p_one_library_per_version"),
        migrations.AddField(
            model_name="h5plibrary",
            name="fingerprint",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Identifies the library's files: the same version number with other files is another version.",
                max_length=64,
                verbose_name="files fingerprint",
            ),
        ),
        migrations.AddField(
            model_name="h5plibrary",
            name="storage",
            field=models.CharField(default="", editable=False, max_length=255, verbose_name="folder"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="h5plibrary",
            name="status",
            field=models.CharField(
                choices=[("approved", "Approved"), ("pending", "Awaiting approval"), ("blocked", "Blocked")],
                db_index=True,
                default="approved",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterModelOptions(
            name="h5plibrary",
            options={
                "ordering": ["machine_name", "major_version", "minor_version", "patch_version", "pk"],
                "verbose_name": "H5P library",
                "verbose_name_plural": "H5P libraries",
            },
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="content_key",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="content address"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="library_set",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                help_text="Identifies the exact library versions the player loads (part of their files' addresses).",
                max_length=64,
                verbose_name="library set",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="h5presult",
            name="launch",
            field=models.OneToOneField(
                blank=True,
                help_text="The launch the result was reported under: when the content was served to the officer.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="h5p_result",
                to="learning.launch",
                verbose_name="launch",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="h5ppackage",
            name="content_key",
            field=models.CharField(
                editable=False,
                help_text="The package's files are served under this key (derived from its SHA-256 and the site's secret).",
                max_length=64,
                unique=True,
                verbose_name="content address",
            ),
        ),
        migrations.AddConstraint(
            model_name="h5plibrary",
            constraint=models.UniqueConstraint(
                fields=("machine_name", "major_version", "minor_version", "patch_version", "fingerprint"),
                name="h5p_one_row_per_library_version",
            ),
        ),
    ]
