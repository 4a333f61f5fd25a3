from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sections.models import Section

from .models import Article


def chrome(request):
    """What every reader page's header and footer show: navigation sections and the breaking
    strip. Lazy, so a page that does not show them (the admin) never queries; a view that
    already holds the sections passes its own `nav_sections`, which wins."""
    return {
        "nav_sections": SimpleLazyObject(lambda: list(Section.objects.filter(in_navigation=True))),
        "breaking": SimpleLazyObject(
            lambda: list(Article.objects.breaking().order_by("-published_at", "-id")[:3])
        ),
        "today": timezone.now(),
    }
