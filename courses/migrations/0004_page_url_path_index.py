"""An index on Wagtail's page url_path: routing below the catalogue looks pages up by it (courses.routing)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_lesson_body_h5p_block"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS courses_page_url_path ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS courses_page_url_path",
        ),
    ]
