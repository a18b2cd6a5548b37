"""H5P import benchmark: the largest shared sample package in under 2 s, with memory that stays flat.

Run: ``.venv/bin/python bench/h5p_bench.py``. It builds a throw-away test database and MEDIA_ROOT,
imports the largest package in ``../shared/fixtures/h5p/complete/`` (skipped with a message when
that folder is absent), then a generated package with a 64 MiB incompressible file, and reports
wall time, the Python allocation peak (tracemalloc) and the process's peak RSS. Streaming
extraction keeps the allocation peak independent of the package's size.
"""

import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.test")
LIMIT_SECONDS = 2.0
RUNS = 5


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label, source):
    """Timed imports into clean stores (median of RUNS), then one import under tracemalloc."""
    from django.conf import settings

    from h5p.models import H5PLibrary
    from h5p.services import import_package

    media = settings.MEDIA_ROOT
    times = []
    for run in range(RUNS):
        settings.MEDIA_ROOT = Path(media) / f"run-{label[:8]}-{run}"  # a clean store each time
        started = time.perf_counter()
        package, created = import_package(source)
        times.append(time.perf_counter() - started)
        assert created
        package.delete()
        H5PLibrary.objects.all().delete()
    times.sort()
    elapsed = times[len(times) // 2]
    print(f"{label}: runs {', '.join(f'{t:.2f}' for t in times)} s; median {elapsed:.2f} s")
    settings.MEDIA_ROOT = Path(media) / f"traced-{label[:8]}"
    tracemalloc.start()
    package, created = import_package(source)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label}: median {elapsed:.2f} s, {package.file_count} files, "
        f"{package.unpacked_size / 2**20:.1f} MiB unpacked, "
        f"Python allocation peak {peak / 2**20:.1f} MiB, process peak RSS {peak_rss_mib():.0f} MiB"
    )
    settings.MEDIA_ROOT = media
    return elapsed, peak


def big_package(path, megabytes=64):
    """A valid package whose content holds one incompressible file of ``megabytes`` MiB (written in chunks)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "h5p.json",
            json.dumps(
                {
                    "title": "Big",
                    "language": "en",
                    "mainLibrary": "H5P.Big",
                    "embedTypes": ["div"],
                    "preloadedDependencies": [{"machineName": "H5P.Big", "majorVersion": 1, "minorVersion": 0}],
                }
            ),
        )
        archive.writestr("content/content.json", "{}")
        library = {"title": "Big", "machineName": "H5P.Big", "majorVersion": 1, "minorVersion": 0}
        archive.writestr("H5P.Big-1.0/library.json", json.dumps(dict(library, patchVersion=0, runnable=1)))
        with archive.open("content/video.mp4", "w", force_zip64=True) as target:
            for _ in range(megabytes):
                target.write(os.urandom(1024 * 1024))
    return path


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    fixtures = ROOT.parent / "shared" / "fixtures" / "h5p" / "complete"
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        setup_test_environment()
        from django.db import connection

        connection.creation.create_test_db(verbosity=0, keepdb=False)
        try:
            print(f"baseline peak RSS after Django and the test database: {peak_rss_mib():.0f} MiB")
            samples = sorted(fixtures.glob("*.h5p"), key=lambda p: p.stat().st_size) if fixtures.exists() else []
            failed = False
            if samples:
                largest = samples[-1]
                print(f"largest sample: {largest.name} ({largest.stat().st_size / 2**20:.1f} MiB)")
                elapsed, _peak = measure(largest.name, largest)
                failed = elapsed >= LIMIT_SECONDS
                print(
                    f"import time {'TOO SLOW' if failed else 'OK'}: median {elapsed:.2f} s (limit {LIMIT_SECONDS} s)"
                )
            else:
                print(f"skipped the sample package: {fixtures} is absent")
            big = big_package(Path(media) / "big.h5p")
            _elapsed, peak = measure("generated 64 MiB package", big)
            flat = peak < 16 * 2**20
            print(f"memory {'flat' if flat else 'NOT flat'}: allocation peak {peak / 2**20:.1f} MiB for 64 MiB")
            return 1 if failed or not flat else 0
        finally:
            connection.creation.destroy_test_db(":memory:", verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
