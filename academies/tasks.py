from django_tasks import task


@task()
def run_export(job_id):
    from academies.jobs import run

    run(job_id)
