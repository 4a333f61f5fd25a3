"""The admin's «عرض على الموقع» (admin/r/<content type>/<id>/), answered by the model's own
admin. Django's shortcut (django.contrib.contenttypes.views.shortcut, which AdminSite wires
as `view_on_site`) redirects any staff member to any object's get_absolute_url(), with no
permission check: an article's slug is its headline, so a guessed id showed the headline of
anyone's draft, and 302 against 404 told which ids exist. newsroom/urls.py routes the path
here, before the admin's own URLs."""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect


def view_on_site(request, content_type_id, object_id):
    """A redirect to the object's public page when this user may view the object in the
    admin and its admin offers a public page (ArticleAdmin: live articles only); anything
    else is the same 404 as an id that does not exist."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model) if model else None
    except (ContentType.DoesNotExist, NotRegistered):
        model_admin = None
    obj = model_admin.get_object(request, unquote(object_id)) if model_admin else None
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    url = public_url(model_admin, obj)
    if not url:
        raise Http404
    return redirect(url)


def public_url(model_admin, obj):
    """Where the admin's «عرض على الموقع» button leads: `ModelAdmin.view_on_site` is a
    method giving the URL (or nothing), or True for the object's get_absolute_url()."""
    if callable(model_admin.view_on_site):
        return model_admin.view_on_site(obj)
    if model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return None
