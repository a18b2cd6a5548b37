"""Export jobs: created by a view, written by a background task with progress, downloaded when ready."""

import os
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from academies import exports
from academies.models import ExportJob, JobStatus
from core.visibility import visible
from learning.models import CourseCompletion
from organisations.access import InAcademy


def start_export(user, academy, fmt, filters):
    """Create the job (scoped now: the counts and rows are the requester's view) and enqueue its task."""
    from academies.tasks import run_export

    completions = visible(InAcademy(user, academy), CourseCompletion, "export")
    job = ExportJob.objects.create(
        academy=academy,
        requested_by=user,
        format=fmt,
        filters=filters.as_dict(),
        total=exports.count(completions, academy, filters),
    )
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def run(job_id):
    job = ExportJob.objects.select_related("academy", "requested_by").get(pk=job_id)
    if job.status != JobStatus.PENDING:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    filters = exports.Filters.parse(job.filters)
    # The requester's rights are checked again when the task runs: a revoked membership exports nothing.
    completions = visible(InAcademy(job.requested_by, job.academy), CourseCompletion, "export")
    rows = exports.iter_rows(completions, job.academy, filters)

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    handle, path = tempfile.mkstemp(suffix=f".{job.format}")
    os.close(handle)
    try:
        exports.write(rows, job.format, path, progress)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        with open(path, "rb") as source:
            job.file.save(f"completions-{job.academy.slug}-{stamp}.{job.format}", File(source), save=False)
        job.status, job.done, job.finished_at = JobStatus.DONE, job.total, timezone.now()
        job.save(update_fields=["file", "status", "done", "finished_at"])
    except Exception as error:  # noqa: BLE001 - the job records the failure; the page shows it
        job.status, job.error, job.finished_at = JobStatus.FAILED, str(error)[:1000], timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    finally:
        os.unlink(path)
    return job
