from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core import events

from . import devices

# Devices are managed through the second-step pages and the reset action below, never
# edited by hand: django-otp's own admin pages would show a superuser every secret.
for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["reset_second_factor"]

    @admin.action(description="إعادة تعيين الخطوة الثانية (يعيد الحساب إعدادها عند دخوله)")
    def reset_second_factor(self, request, queryset):
        """Recovery for someone who lost their phone, passkeys and backup codes: their
        devices (authenticator, passkeys, backup codes) are removed and their next login
        starts with setting up a new one. Logged."""
        done = 0
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                self.message_user(
                    request,
                    f"لا يعيد تعيين حساب مدير عام ({user}) إلا مدير عام.",
                    messages.ERROR,
                )
                continue
            removed = devices.reset(user)
            events.send(
                __name__, "devices_reset", request.user, target=user, changes={"removed": removed}
            )
            done += 1
        if done:
            self.message_user(request, f"أُعيد تعيين الخطوة الثانية لـ {done} حساب.")

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("auth.change_user")
