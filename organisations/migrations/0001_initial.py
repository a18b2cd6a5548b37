# The academies, signatories and memberships move from the academies app to this one. Their tables
# stay where they are (academies_academy, academies_signatory, academies_membership): only Django's
# idea of which app owns them changes, plus the content types (so permissions held by groups follow).

import django.db.models.deletion
import django_countries.fields
import modelcluster.fields
import organisations.models
import uuid
from django.conf import settings
from django.db import migrations, models


MOVED = ("academy", "signatory", "membership")


def _relabel(apps, old, new):
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=new, model__in=MOVED).exists():
        return  # created after the move already (e.g. a database migrated before this migration existed)
    content_type.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, "academies", "organisations")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "organisations", "academies")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('academies', '0004_export_file_removed_status'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Academy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('name_en', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_fr', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_es', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ru', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_ar', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_zh_hans', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('slug', models.SlugField(help_text='Used in public URLs (issuer profile, keys, status list).', max_length=80, unique=True, verbose_name='slug')),
                        ('country', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='country')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('certificate_template', models.TextField(blank=True, help_text="Leave empty to use the platform's certificate. Otherwise a complete HTML page (Django template) rendered with the frozen certificate: see templates/certificates/pdf/default.html.", validators=[organisations.models.validate_certificate_template], verbose_name='certificate template (HTML)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('logo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='logo')),
                    ],
                    options={
                        'verbose_name': 'academy',
                        'verbose_name_plural': 'academies',
                        'db_table': 'academies_academy',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Signatory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('title', models.CharField(help_text='e.g. Director of Training', max_length=200, verbose_name='title')),
                        ('academy', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatories', to='organisations.academy')),
                        ('signature', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='signature image')),
                    ],
                    options={
                        'verbose_name': 'signatory',
                        'verbose_name_plural': 'signatories',
                        'db_table': 'academies_signatory',
                        'ordering': ['sort_order'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('admin', 'Academy administrator'), ('trainer', 'Trainer'), ('officer', 'Officer')], default='officer', max_length=10, verbose_name='role')),
                        ('unit', models.CharField(blank=True, max_length=200, verbose_name='unit')),
                        ('rank', models.CharField(blank=True, max_length=100, verbose_name='rank')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='member since')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                        ('academy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='organisations.academy', verbose_name='academy')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='academy_memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'db_table': 'academies_membership',
                        'indexes': [models.Index(fields=['user', 'role'], name='academies_member_user_role'), models.Index(fields=['academy', 'unit'], name='academies_member_unit')],
                        'constraints': [models.UniqueConstraint(fields=('academy', 'user'), name='academies_one_membership')],
                    },
                ),
    
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
