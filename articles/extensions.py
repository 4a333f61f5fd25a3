"""Hooks through which other apps add to the article pages and cards without `articles`
importing them (the live coverage app, live/, registers here from its AppConfig.ready).

- PAGE_ROW_RELATIONS: one-to-one relations read with the article page's row (one LEFT JOIN,
  no extra query for articles without one).
- PAGE_CONTEXT: functions(article) -> dict merged into the article page's context. A key
  `extra_templates` lists templates the page includes after the body.
- CARD_ANNOTATIONS: {name: function() -> expression} annotated on every card's row (one
  subquery per card in the listing's own query).
"""

PAGE_ROW_RELATIONS = []
PAGE_CONTEXT = []
CARD_ANNOTATIONS = {}
