"""Admin pages of the write API's keys (设置 → 报送接口密钥), for superusers: the list, a form
that issues a key and shows it once, and revocation."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail.models import Site

from .models import ApiKey


class IssueForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.order_by("hostname"), label="网站")
    name = forms.CharField(label="报送系统名称", max_length=100)
    can_publish = forms.BooleanField(label="允许直接发布", required=False)
    user = forms.ModelChoiceField(
        get_user_model().objects.filter(is_active=True).order_by("username"),
        label="以此用户身份提交",
        required=False,
    )


def _superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def key_list(request):
    _superuser(request)
    raw = None
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            _key, raw = ApiKey.issue(**form.cleaned_data)
            form = IssueForm()
    else:
        form = IssueForm()
    keys = ApiKey.objects.select_related("site", "user")
    return render(request, "portal_api/keys.html", {"keys": keys, "form": form, "raw": raw})


@require_POST
def key_revoke(request, pk):
    _superuser(request)
    key = get_object_or_404(ApiKey, pk=pk)
    if key.active:
        key.revoke()
        messages.success(request, f"已吊销密钥 {key}")
    return redirect("portal_api_keys")
