from django_tasks import task


@task()
def run_export(job_id):
    from academies.jobs import run

    run(job_id)


@task()
def forward_statements(academy_id=None):
    from academies.lrs import forward_all

    return forward_all(academy_id)
