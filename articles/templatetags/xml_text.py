"""`{{ value|xml_text }}` for the sitemap templates (templates/sitemaps/), which are XML: text
without the control characters XML 1.0 forbids. Saves remove them already; a row written
another way (an import, QuerySet.update) must not make the news sitemap malformed."""

from django import template

from core.control_characters import strip_controls

register = template.Library()


@register.filter
def xml_text(value):
    return strip_controls(str(value))
