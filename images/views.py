"""The editor's image library picker: staff only, JSON, searchable, with thumbnails. It only
ever adds images (owned by whoever uploads them); changing one is the image admin's, under
its rules (images/permissions.py)."""

import reversion
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .forms import ImageForm
from .models import PROCESSING, Image, processing

PICKER_PAGE = 30
STORAGE_FAILED = "تعذّر حفظ الصورة في المخزن. لم يُحفظ شيء؛ حاول مرة أخرى لاحقاً."


def entry(image):
    picture = image.picture
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": image.thumbnail_url,
        "src": picture.src,
        "width": picture.width,
        "height": picture.height,
        # Shown under the thumbnail while the renditions are made in the background.
        "status": PROCESSING if processing(image) else "",
    }


def require_permission(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_GET
@staff_member_required
def picker(request):
    require_permission(request, "images.view_image")
    images = Image.objects.all()
    if query := request.GET.get("q", "").strip()[:100]:
        images = images.filter(
            Q(title__icontains=query) | Q(alt_text__icontains=query) | Q(caption__icontains=query)
        )
    return JsonResponse({"results": [entry(image) for image in images[:PICKER_PAGE]]})


@require_POST
@staff_member_required
def picker_upload(request):
    require_permission(request, "images.add_image")
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    try:
        # Its first revision, as an upload in the admin has: the image's history starts here.
        with reversion.create_revision():
            image.save()
            reversion.set_user(request.user)
            reversion.set_comment("رُفعت من محرّر المقال.")
    except OSError:
        return JsonResponse({"errors": {"file": [STORAGE_FAILED]}}, status=503)
    image.refresh_from_db()
    return JsonResponse({"image": entry(image)}, status=201)
