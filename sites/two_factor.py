"""Two-factor login for the admin: a TOTP authenticator app (django-otp), optional for
every admin user and, with ADMIN_OTP_REQUIRED_FOR_SUPERUSERS (production), required for
superusers.

The password step stays Wagtail's own login (`wagtailadmin_login`, django-axes in front).
A user who has confirmed an authenticator is then only half logged in: every admin
address sends them to the code page (`two_factor_verify`) until a right code marks the
session verified (django-otp's OTPMiddleware reads that mark), and outside the admin they
count as anonymous (no user bar, no login-restricted pages or documents). A superuser
without an authenticator, where one is required, is sent to the setup page first.

Wrong codes are limited twice: per user and client address (sites/client_address.py),
TWO_FACTOR_FAILURE_LIMIT within TWO_FACTOR_COOLOFF_TIME end the half-finished login with
django-axes' lockout answer (each wrong code is also reported to django-axes as a failed
login, so the pair cannot log in with the password either); and django-otp's throttle
doubles the wait after each wrong code for the device, whatever the address. A password
login resets django-axes' count but never this one: only a right code does.

Setting up (`two_factor_setup`): a new, unconfirmed device; its otpauth:// address as a QR
code (segno, inline SVG) and as the secret in groups of four; the first right code
confirms it and replaces any older one. A user who already has an authenticator must have
passed it in this session to replace it. `manage.py two_factor_reset USER` removes a lost
one.
"""

import functools
from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.auth import require_admin_access

from .admin_area import admin_prefix, is_admin_request
from .client_address import client_address
from .lockout import locked_out

DEVICE_NAME = "身份验证器"
FAILURE_KEY = "two-factor:failures:{user}:{address}"


# --- Who must do what ---------------------------------------------------------------


def required_for(user):
    """Whether `user` may not use the admin without a second factor."""
    return bool(getattr(settings, "ADMIN_OTP_REQUIRED_FOR_SUPERUSERS", False) and user.is_superuser)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def _has_device(user):
    """Whether `user` has a confirmed authenticator, asked once per request's user."""
    if not hasattr(user, "_two_factor_has_device"):
        user._two_factor_has_device = confirmed_device(user) is not None
    return user._two_factor_has_device


def is_verified(user):
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def pending_step(user):
    """The step a logged-in user still owes: "verify" with an authenticator whose code
    this session has not seen, "setup" where one is required but missing; else None."""
    if not user.is_authenticated or is_verified(user):
        return None
    if _has_device(user):
        return "verify"
    if required_for(user):
        return "setup"
    return None


# --- Limits on wrong codes --------------------------------------------------------------


def _failure_key(request, user):
    return FAILURE_KEY.format(user=user.pk, address=client_address(request))


def _cooloff_seconds():
    return int(settings.TWO_FACTOR_COOLOFF_TIME.total_seconds())


def failures(request, user):
    return int(cache.get(_failure_key(request, user), 0) or 0)


def is_locked(request, user):
    return failures(request, user) >= settings.TWO_FACTOR_FAILURE_LIMIT


def record_failure(request, user):
    """Count a wrong code (for this user and address, and as a failed login for
    django-axes); returns the count."""
    key = _failure_key(request, user)
    if cache.add(key, 1, _cooloff_seconds()):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, _cooloff_seconds())
            count = 1
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return count


def reset_failures(request, user):
    """A right code: this user and address start again, here and in django-axes (whose
    count the wrong codes raised; a password login alone resets only that one)."""
    cache.delete(_failure_key(request, user))
    axes_reset(ip=client_address(request), username=user.get_username())


def _lock_out(request, user):
    """End the half-finished login and answer as django-axes does for a locked login."""
    username = user.get_username()
    logout(request)
    return locked_out(request, {"username": username})


def _throttle_wait(device):
    """Seconds django-otp's throttle still asks to wait before the next code, or 0."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


# --- The gate -----------------------------------------------------------------------------


@functools.cache
def _open_paths():
    """Admin addresses a half-logged-in user may reach: the code and setup pages, and the
    way out (logging out, or in as someone else)."""
    return frozenset(
        reverse(name)
        for name in ("two_factor_verify", "two_factor_setup", "wagtailadmin_logout", "wagtailadmin_login")
    )


def _outside_admin(user):
    return AnonymousUser() if pending_step(user) else user


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: sends a half-logged-in user from any admin address
    to the code (or setup) page, and makes them anonymous everywhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        if is_admin_request(request):
            if request.path_info not in _open_paths():
                step = pending_step(user)
                if step is not None:
                    return _redirect_to(step, request.get_full_path())
        else:
            request.user = SimpleLazyObject(functools.partial(_outside_admin, user))
        return self.get_response(request)


def _redirect_to(step, next_url):
    name = "two_factor_verify" if step == "verify" else "two_factor_setup"
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return admin_prefix()


# --- Forms --------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=12,
        help_text="身份验证器应用中显示的 6 位数字",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "请输入 6 位验证码。"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("验证码应为 6 位数字。")
        return code


# --- Views --------------------------------------------------------------------------------


def _wrong_code(request, user, form, device):
    count = record_failure(request, user)
    if count >= settings.TWO_FACTOR_FAILURE_LIMIT:
        return _lock_out(request, user)
    left = settings.TWO_FACTOR_FAILURE_LIMIT - count
    wait = _throttle_wait(device)
    message = f"验证码不正确。再错 {left} 次将锁定登录。"
    if wait:
        message += f"请 {wait} 秒后再输入。"
    form.add_error("code", message)
    return None


def check_code(request, user, form, device, accept):
    """The one check of a posted code (the login's second step, confirming a new
    authenticator, switching it off): django-otp's throttle first, then `accept(code)`,
    truthy when the code is right. Returns (accepted, response): what `accept` returned
    when right (the failure count is then reset); the lockout response when a wrong code
    reached the limit; else (None, None) with the reason added to the form."""
    wait = _throttle_wait(device)
    if wait:
        form.add_error("code", f"尝试过于频繁，请 {wait} 秒后再输入验证码。")
        return None, None
    accepted = accept(form.cleaned_data["code"])
    if accepted:
        reset_failures(request, user)
        return accepted, None
    return None, _wrong_code(request, user, form, device)


@never_cache
@sensitive_post_parameters("code")
@require_admin_access
def verify(request):
    """The second step of the login: the authenticator's code."""
    user = request.user
    next_url = _next_url(request)
    device = confirmed_device(user)
    if device is None and required_for(user):
        return _redirect_to("setup", next_url)
    if device is None or is_verified(user):
        return HttpResponseRedirect(next_url)
    if is_locked(request, user):
        return _lock_out(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, locked = check_code(
            request, user, form, device, lambda code: verify_token(user, device.persistent_id, code)
        )
        if locked is not None:
            return locked
        if accepted:
            request.session.cycle_key()
            otp_login(request, accepted)
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "sites/two_factor_verify.html",
        {"form": form, "next": next_url, "username": user.get_username()},
    )


def qr_svg(uri):
    """The otpauth:// address as an inline SVG QR code, named for screen readers."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=5, border=2, title="身份验证器二维码", dark="#000", light="#fff"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's own markup


def grouped_secret(device):
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _confirm(device, code):
    """A right first code confirms the new authenticator, which replaces any older one."""
    with transaction.atomic():
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


@never_cache
@sensitive_post_parameters("code")
@require_admin_access
def setup(request):
    """Add (or replace) the authenticator: scan the QR code, confirm with a code."""
    user = request.user
    next_url = _next_url(request)
    current = confirmed_device(user)
    if current is not None and not is_verified(user):
        # Replacing an authenticator needs the old one first.
        return _redirect_to("verify", request.get_full_path())
    if is_locked(request, user):
        return _lock_out(request, user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, locked = check_code(request, user, form, device, lambda code: _confirm(device, code))
        if locked is not None:
            return locked
        if confirmed:
            otp_login(request, device)
            messages.success(request, "两步验证已启用：以后登录时，输入密码后还需输入身份验证器中的验证码。")
            return HttpResponseRedirect(next_url if next_url != admin_prefix() else reverse("two_factor"))
    return render(
        request,
        "sites/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": qr_svg(device.config_url),
            "secret": grouped_secret(device),
            "uri": device.config_url,
            "replacing": current is not None,
            "required": required_for(user),
            "issuer": getattr(settings, "OTP_TOTP_ISSUER", ""),
            "username": user.get_username(),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@require_admin_access
def manage(request):
    """The account's two-factor page: whether it is on; replace or switch it off."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None:
        if required_for(user):
            messages.error(request, "超级管理员必须使用两步验证，不能停用。")
            return redirect("two_factor")
        if is_locked(request, user):
            return _lock_out(request, user)
        if form.is_valid():
            accepted, locked = check_code(
                request, user, form, device, lambda code: verify_token(user, device.persistent_id, code)
            )
            if locked is not None:
                return locked
            if accepted:
                TOTPDevice.objects.filter(user=user).delete()
                messages.success(request, "两步验证已停用。")
                return redirect("two_factor")
    return render(
        request,
        "sites/two_factor_manage.html",
        {
            "device": device,
            "form": form,
            "required": required_for(user),
        },
    )


urlpatterns = [
    path("", manage, name="two_factor"),
    path("verify/", verify, name="two_factor_verify"),
    path("setup/", setup, name="two_factor_setup"),
]
