"""Wagtail hooks of the two-factor login (sites/two_factor.py), imported by the app's
ready(): the account page links to the two-factor settings."""

from django.urls import reverse
from wagtail import hooks


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("two_factor"),
        "label": "两步验证",
        "help_text": "登录时除密码外，再输入手机身份验证器中的验证码。",
    }
