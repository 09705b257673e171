"""What a locked-out login sees (django-axes' AXES_LOCKOUT_CALLABLE): a plain answer in
Chinese, status 429, saying how long to wait."""

from django.conf import settings
from django.http import HttpResponse


def locked_out(request, credentials, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    text = f"登录失败次数过多，账号已暂时锁定。请 {minutes} 分钟后再试，或联系网站管理员解锁。"
    return HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
