"""`make run`: gives the demo's staff accounts an authenticator and prints how to pass the
second step, so a newcomer can log in as an editor. Refused when DJANGO_DEBUG is off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.demo import ACCOUNTS
from staff import devices


class Command(BaseCommand):
    help = "Demo only: an authenticator for each demo staff account, its key and current code."

    def add_arguments(self, parser):
        parser.add_argument("--code", metavar="USERNAME", help="print USERNAME's code now")

    def handle(self, *args, code=None, **options):
        if not settings.DEBUG:
            raise CommandError("demo_second_factor runs only with DJANGO_DEBUG on.")
        User = get_user_model()
        if code:
            device = TOTPDevice.objects.filter(user__username=code, confirmed=True).first()
            if device is None:
                raise CommandError(f"{code} has no authenticator.")
            self.stdout.write(f"{totp(device.bin_key):06d}")
            return
        self.stdout.write("الخطوة الثانية لحسابات العرض (مفتاح لتطبيق المصادقة):")
        for username, *_ in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = devices.pending_app(user)
                devices.confirm_app(device)
            self.stdout.write(f"  {username}: {devices.secret_text(device)}")
        self.stdout.write("أو اطلب الرمز الحالي: python manage.py demo_second_factor --code editor")
