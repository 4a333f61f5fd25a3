"""The newsroom's roles as Django groups. Created after every migrate, so a fresh database
always has them; permissions are set, never merely added, so the code is the definition."""

from django.contrib.auth.models import Group, Permission

JOURNALISTS = "صحفيون"
EDITORS = "محررون"

ROLE_PERMISSIONS = {
    JOURNALISTS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "images.add_image",
        "images.change_image",
        "images.view_image",
        "sections.view_section",
        "tags.add_tag",
        "tags.view_tag",
    ],
    EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "images.add_image",
        "images.change_image",
        "images.change_any_image",
        "images.delete_image",
        "images.view_image",
        "sections.add_section",
        "sections.change_section",
        "sections.view_section",
        "tags.add_tag",
        "tags.change_tag",
        "tags.delete_tag",
        "tags.view_tag",
        "redirects.add_redirect",
        "redirects.change_redirect",
        "redirects.delete_redirect",
        "redirects.view_redirect",
        "distribution.view_telegrampost",
        "distribution.change_telegrampost",
    ],
}


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_groups(**kwargs):
    for name, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permission(d) for d in dotted_names])
