from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sections.models import Section

from .models import Article
from .pagecache import remember


def navigation_sections():
    return list(Section.objects.filter(in_navigation=True))


def breaking_strip():
    return list(
        Article.objects.breaking().only("slug", "headline").order_by("-published_at", "-id")[:3]
    )


def chrome(request):
    """What every reader page's header and footer show: navigation sections and the breaking
    strip. Lazy, so a page that does not show them (the admin) never queries; a view that
    already holds the sections passes its own `nav_sections`, which wins. Both are the same
    on every page, so they are remembered under the page cache's content generation (and
    never past the next scheduled change, such as a breaking strip's end): after a change,
    the first page rendered reads them and the others reuse them."""
    return {
        "nav_sections": SimpleLazyObject(lambda: remember("nav-sections", navigation_sections)),
        "breaking": SimpleLazyObject(lambda: remember("breaking-strip", breaking_strip)),
        "today": timezone.now(),
        # The section the navigation marks as current; article and section pages set it.
        "current_section_id": None,
    }
