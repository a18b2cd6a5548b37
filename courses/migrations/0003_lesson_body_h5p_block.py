# The lesson body's blocks come from a registry (courses.blocks.registered_lesson_blocks), so
# migrations record the field only; this once listed the H5P block and depended on the h5p app.

import courses.blocks
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0002_learner_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lessonpage",
            name="body",
            field=courses.blocks.LessonBodyField(blank=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_ar",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_en",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_es",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_fr",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_ru",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body_zh_hans",
            field=courses.blocks.LessonBodyField(blank=True, null=True, verbose_name="body"),
        ),
    ]
