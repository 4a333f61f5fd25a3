from django.utils.functional import SimpleLazyObject

from .ranking import block


def most_read(request):
    """«الأكثر قراءة» for the pages that show it (home, articles). Lazy: a page whose
    template never reads `most_read` never queries, and carries no `mostread` key."""
    return {"most_read": SimpleLazyObject(block)}
