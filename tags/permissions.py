"""Which tags a person may see in the tag admin. A tag can name a story before it is told
(a person, a place, an investigation), so a tag carried only by someone else's unpublished
article reveals it. Who may read which article is the articles app's to say: it registers
that here from its AppConfig.ready, since `tags` imports no app that uses it."""

rules = []


def register(visible_to):
    """`visible_to(user, tags)`: the tags of the queryset `tags` that `user` may see."""
    if visible_to not in rules:
        rules.append(visible_to)


def visible_tags(user, tags):
    for rule in rules:
        tags = rule(user, tags)
    return tags
