"""python manage.py purge_exports [--days N]: run daily (cron), it deletes old completion export files."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from academies.models import ExportJob, JobStatus


class Command(BaseCommand):
    help = (
        "Delete completion export files older than --days (default: CUSTODIA_EXPORT_RETENTION_DAYS). "
        "The jobs stay listed, marked 'File removed': officers' records do not linger in media storage."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.CUSTODIA_EXPORT_RETENTION_DAYS)

    def handle(self, *args, **options):
        cutoff = timezone.now() - timezone.timedelta(days=max(options["days"], 0))
        removed = 0
        for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
            job.file.delete(save=False)
            job.status = JobStatus.REMOVED
            job.save(update_fields=["file", "status"])
            removed += 1
        self.stdout.write(f"Removed {removed} export files written before {cutoff:%Y-%m-%d %H:%M} UTC.")
