"""Question imports started from the admin: small files at once, large ones as a background job.

Every import leaves a ``QuestionImport`` row (its report: questions saved, questions skipped with
their line and reason, or the problems that rejected the file), shown to the trainer who started it.
A file above ``ASSESSMENTS_IMPORT_BACKGROUND_BYTES`` is saved by a task (``tasks.run_question_import``),
so the upload request returns at once and the report page shows the progress.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.formats.common import ImportFailed
from assessments.formats.importer import import_questions
from assessments.models import ImportState, QuestionImport

logger = logging.getLogger(__name__)


def background_threshold():
    return getattr(settings, "ASSESSMENTS_IMPORT_BACKGROUND_BYTES", 256 * 1024)


def max_size():
    return getattr(settings, "ASSESSMENTS_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def start_import(user, upload_name, content, *, category="", language="en", skip_unsupported=False):
    """Import now (small file) or queue the import (large file). Returns the ``QuestionImport``; raises
    ``ImportFailed`` for a small file that cannot be imported (nothing is recorded then)."""
    job = QuestionImport(
        created_by=user,
        file_name=upload_name[:255],
        file_size=len(content),
        category=category or "",
        language=language,
        ui_language=translation.get_language() or "en",
        skip_unsupported=skip_unsupported,
    )
    if len(content) > background_threshold():
        from assessments.tasks import run_question_import

        job.content = content
        job.save()
        transaction.on_commit(lambda: run_question_import.enqueue(job.pk))
        return job
    result = import_questions(content, category=category or None, language=language, skip_unsupported=skip_unsupported)
    job.state = ImportState.DONE
    job.total = job.done = len(result.questions)
    job.skipped = [[where, reason] for where, reason in result.skipped]
    job.finished_at = timezone.now()
    job.save()
    return job


def run_import(import_id):
    """The background part: import the stored file, recording progress and the outcome."""
    claimed = QuestionImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(state=ImportState.RUNNING)
    if not claimed:
        return None  # already run (a retried task), or gone
    job = QuestionImport.objects.get(pk=import_id)

    def progress(done, total):
        QuestionImport.objects.filter(pk=job.pk).update(done=done, total=total)

    with translation.override(job.ui_language):
        try:
            result = import_questions(
                bytes(job.content),
                category=job.category or None,
                language=job.language,
                skip_unsupported=job.skip_unsupported,
                progress=progress,
            )
        except ImportFailed as failure:
            job.state, job.errors = ImportState.FAILED, failure.lines()
            job.skipped = [[where, reason] for where, reason in failure.skipped]
        except Exception:
            logger.exception("Question import %s failed", job.pk)
            job.state, job.errors = (
                ImportState.FAILED,
                [_("The import stopped on an unexpected error: nothing was imported.")],
            )
        else:
            job.state = ImportState.DONE
            job.total = job.done = len(result.questions)
            job.skipped = [[where, reason] for where, reason in result.skipped]
    if job.state == ImportState.FAILED:
        job.done = 0
    job.content = b""
    job.finished_at = timezone.now()
    job.save()
    return job.state


def imports_visible_to(user):
    """The imports a user may see: their own (superusers: all)."""
    imports = QuestionImport.objects.defer("content")
    return imports if user.is_superuser else imports.filter(created_by=user)
