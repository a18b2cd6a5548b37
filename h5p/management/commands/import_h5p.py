"""``python manage.py import_h5p FILE``: validate and store a package, as the admin upload does."""

from django.core.management.base import BaseCommand, CommandError

from h5p.services import import_package
from h5p.validation import PackageError


class Command(BaseCommand):
    help = "Validate an .h5p package and store it (exits non-zero with the reason when it is refused)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .h5p file")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            package, created = import_package(path, name=path)
        except FileNotFoundError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except PackageError as error:
            raise CommandError("Package refused:\n" + "\n".join(f"  - {m}" for m in error.messages())) from None
        state = "imported" if created else "already stored"
        libraries = ", ".join(str(lib) for lib in package.libraries.all())
        self.stdout.write(f"{state}: #{package.pk} {package.title} [{package.main_library}] sha256={package.sha256}")
        self.stdout.write(f"libraries: {libraries}")
