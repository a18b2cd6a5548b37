"""The group of people trusted to publish H5P packages (which carry scripts): upload, view, change."""

from django.db import migrations

GROUP = "H5P publishers"


PERMISSIONS = {
    "upload_h5ppackage": ("h5ppackage", "Can upload H5P packages (trusted to publish scripts)"),
    "view_h5ppackage": ("h5ppackage", "Can view H5P package"),
    "change_h5ppackage": ("h5ppackage", "Can change H5P package"),
    "view_h5plibrary": ("h5plibrary", "Can view H5P library"),
}


def create_group(apps, schema_editor):
    # Permissions are normally created after migrations (post_migrate); create the ones the group needs now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for codename, (model, name) in PERMISSIONS.items():
        content_type, _created = ContentType.objects.get_or_create(app_label="h5p", model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    group, _created = Group.objects.get_or_create(name=GROUP)
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*permissions, *admin_access)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0001_packages_libraries_results"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
