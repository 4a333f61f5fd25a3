"""Requests the site cannot read get an Arabic 400 page, never Django's bare English one.

A journalist whose paste made the request bigger than DATA_UPLOAD_MAX_MEMORY_SIZE is told
what happened and that the text is still in the browser (Back), not «Bad Request (400)».
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.template import loader

TOO_BIG = (
    "ما أرسلته أكبر من الحد الذي يقبله الموقع، فلم يُحفظ شيء. ارجع إلى الصفحة السابقة "
    "(زر الرجوع في المتصفح) لتجد نصك، واختصره أو قسّمه ثم احفظ من جديد."
)
UNREADABLE = "تعذّر فهم هذا الطلب. تحقق من الرابط، أو ارجع إلى الصفحة السابقة وحاول من جديد."


def bad_request(request, exception=None):
    """handler400. Rendered without context processors, as the 500 page is: nothing on it
    needs the database."""
    message = TOO_BIG if isinstance(exception, RequestDataTooBig) else UNREADABLE
    template = loader.get_template("400.html")
    context = {"SITE_NAME": settings.SITE_NAME, "message": message}
    return HttpResponseBadRequest(template.render(context))
