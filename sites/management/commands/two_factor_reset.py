"""manage.py two_factor_reset USER: remove a user's authenticator (a lost phone), so they
log in with the password alone again (or, a superuser where two-factor login is required,
are sent to set up a new one). Their lock on wrong codes is lifted too."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "删除用户的两步验证身份验证器（手机丢失时）：该用户下次登录时只需密码，或须重新设置。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, **opts):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: opts["username"]})
        except User.DoesNotExist as error:
            raise CommandError(f"没有用户 {opts['username']}") from error
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"已删除用户 {user.get_username()} 的 {removed} 个身份验证器。")
