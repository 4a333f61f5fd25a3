from django import template

from articles.share import share_data

register = template.Library()


@register.simple_tag
def article_share_data(article):
    """Everything templates/includes/share_meta.html prints, computed without queries."""
    return share_data(article)
