"""A recorded completion issues its certificates in the background, once the transaction commits.

``learning`` knows nothing of certificates: this receiver listens to its model's ``post_save``.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from learning.models import CourseCompletion


@receiver(post_save, sender=CourseCompletion)
def completion_recorded(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    from certificates.tasks import issue_certificates_task

    completion_id = instance.pk
    transaction.on_commit(lambda: issue_certificates_task.enqueue(completion_id))
