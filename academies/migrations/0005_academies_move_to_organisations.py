# Academies, signatories and memberships now belong to the organisations app; their tables stay.
# State only: the foreign keys below point at the same table as before.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('academies', '0004_export_file_removed_status'),
        ('certificates', '0002_academy_from_organisations'),
        ('organisations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='academy',
                    name='logo',
                ),
                migrations.RemoveField(
                    model_name='signatory',
                    name='academy',
                ),
                migrations.AlterField(
                    model_name='exportjob',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='importbatch',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='lrsendpoint',
                    name='academy',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='lrs', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='lrsdelivery',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='academy',
                ),
                migrations.AlterField(
                    model_name='apitoken',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='academy',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='signatory',
                    name='signature',
                ),
                migrations.DeleteModel(
                    name='Academy',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='Signatory',
                ),
    
            ],
            database_operations=[],
        ),
    ]
