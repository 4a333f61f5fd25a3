"""Who may change a library image. A picture a reader sees belongs to the articles that show
it: once a live or scheduled article shows it (as lead image or in its body), changing its
file, alt text or credit changes published work, which is an editor's decision. So a
journalist changes only images they uploaded that no such article shows; whoever holds
`images.change_any_image` (editors) changes any.

Which images articles show is the articles app's to say: it registers that here from its
AppConfig.ready, since `images` imports no app that uses it."""

shown_publicly = []


def register(publicly_shown):
    """`publicly_shown(images)`: the images of the queryset `images` that readers see now or
    will see at a time already set."""
    if publicly_shown not in shown_publicly:
        shown_publicly.append(publicly_shown)


def in_public_use(image):
    images = type(image).objects.filter(pk=image.pk)
    return any(shown(images).exists() for shown in shown_publicly)


def can_change(user, image):
    if not user.is_active or not user.has_perm("images.change_image"):
        return False
    if user.has_perm("images.change_any_image"):
        return True
    own = image.uploaded_by_id is not None and image.uploaded_by_id == user.pk
    return own and not in_public_use(image)
