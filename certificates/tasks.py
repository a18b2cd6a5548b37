"""Background work (django-tasks): issuing the certificates of a new course completion."""

from django_tasks import task


@task()
def issue_certificates_task(completion_id):
    from certificates.services import issue_for_completion

    return [certificate.code for certificate in issue_for_completion(completion_id)]


@task()
def issue_chosen_certificate_task(completion_id, accreditation_id):
    from certificates.models import Accreditation
    from certificates.services import choosable_accreditations, issue_certificate
    from learning.models import CourseCompletion

    completion = CourseCompletion.objects.select_related("user", "course").get(pk=completion_id)
    accreditation = Accreditation.objects.select_related("academy").get(pk=accreditation_id)
    if accreditation not in choosable_accreditations(completion):
        return None
    return issue_certificate(completion, accreditation)[0].code
