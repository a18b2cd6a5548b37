# Academies now belong to the organisations app (same table): only the state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0001_certificates_accreditations_keys_audit'),
        ('organisations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='accreditation',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accreditations', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='certificate',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='organisations.academy', verbose_name='academy'),
                ),
                migrations.AlterField(
                    model_name='signingkey',
                    name='academy',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signing_keys', to='organisations.academy', verbose_name='academy'),
                ),
    
            ],
            database_operations=[],
        ),
    ]
