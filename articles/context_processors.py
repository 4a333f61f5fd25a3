from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from pagecache import surrogate
from pagecache.generation import remember
from sections.models import Section

from .models import Article


def navigation_sections():
    return list(Section.objects.filter(in_navigation=True))


def breaking_strip():
    return list(
        Article.objects.breaking().only("slug", "headline").order_by("-published_at", "-id")[:3]
    )


def breaking_strip_of_page():
    surrogate.add("breaking")
    return remember("breaking-strip", breaking_strip)


def nav_sections(request):
    """The navigation's sections, read once per request (the home page's blocks use them)."""
    surrogate.add("nav")
    if not hasattr(request, "nav_sections"):
        request.nav_sections = remember("nav-sections", navigation_sections)
    return request.nav_sections


def chrome(request):
    """What every reader page's header and footer show: navigation sections and the breaking
    strip. Lazy, so a page that does not show them never queries. Both are the same on every
    page, so they are remembered under the page cache's content generation (and never past
    the next scheduled change, such as a breaking strip's end): after a change, the first
    page rendered reads them and the others reuse them. The section the navigation marks as
    current is the view's `current_section_id` (article and section pages)."""
    return {
        "nav_sections": SimpleLazyObject(lambda: nav_sections(request)),
        "breaking": SimpleLazyObject(breaking_strip_of_page),
        "today": timezone.now(),
    }
