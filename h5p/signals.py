"""Remove a package's unpacked files once its row is deleted (after the transaction commits)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from h5p.models import H5PPackage


@receiver(post_delete, sender=H5PPackage)
def package_deleted(sender, instance, **kwargs):
    from h5p.services import delete_package_files

    sha256 = instance.sha256
    transaction.on_commit(lambda: delete_package_files(sha256))
