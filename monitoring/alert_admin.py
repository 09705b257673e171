"""Who is told about a site's vetoes and warnings (monitoring.models.AlertRecipient), in
the admin: a ModelViewSet the 网站监测 menu links to (`alert_recipient_viewset`).

A superuser (a cluster administrator) manages every recipient, including those told
about every site (no site). Anyone else needs the model's permissions (granted to a
group under Settings → Groups) and then sees and manages only the recipients of the
sites they may edit (monitoring.scope.visible_sites); their form offers only
those sites and no "every site". Another site's recipient is a 404, as one that does
not exist."""

from django import forms
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .models import AlertRecipient
from .scope import visible_sites

SEE_ACTIONS = ("add", "change", "delete", "view")


class AlertRecipientPolicy(ModelPermissionPolicy):
    """The model's permissions, on the recipients of the sites the user may edit; the
    recipients of every site (site empty) are the superusers' alone."""

    def _in_scope(self, user, instances):
        if user.is_active and user.is_superuser:
            return instances
        return instances.filter(site__in=visible_sites(user).values("pk"))

    def _instance_in_scope(self, user, instance):
        if user.is_active and user.is_superuser:
            return True
        return instance.site_id is not None and visible_sites(user).filter(pk=instance.site_id).exists()

    def instances_user_has_permission_for(self, user, action):
        return self._in_scope(user, super().instances_user_has_permission_for(user, action))

    def instances_user_has_any_permission_for(self, user, actions):
        return self._in_scope(user, super().instances_user_has_any_permission_for(user, actions))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._instance_in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self._instance_in_scope(user, instance)


register_permission_policy(AlertRecipient, AlertRecipientPolicy(AlertRecipient))


class AlertRecipientForm(WagtailAdminModelForm):
    """The site field offers only the user's sites, and a non-superuser must pick one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("site")
        if field is not None and user is not None and not user.is_superuser:
            field.queryset = visible_sites(user)
            field.required = True
            # No empty choice: "every site" is not theirs to pick.
            field.empty_label = None
            field.help_text = ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("wechat_openid"):
            raise forms.ValidationError(gettext("Give an email address, a WeChat openid or both."))
        return cleaned


class _Scoped:
    """Only the recipients in the user's scope exist for this view: any other id is a
    404 before anything of it is shown."""

    def _scoped(self):
        return policy_registry.get_by_type(AlertRecipient).instances_user_has_any_permission_for(
            self.request.user, SEE_ACTIONS
        )


class IndexView(_Scoped, generic.IndexView):
    def get_base_queryset(self):
        return self._scoped().select_related("site")


class EditView(_Scoped, generic.EditView):
    def get_queryset(self):
        return self._scoped()


class DeleteView(_Scoped, generic.DeleteView):
    def get_queryset(self):
        return self._scoped()


class HistoryView(_Scoped, history.HistoryView):
    def get_base_object_queryset(self):
        return self._scoped()


class UsageView(_Scoped, usage.UsageView):
    def get_base_object_queryset(self):
        return self._scoped()


class AlertRecipientViewSet(ModelViewSet):
    model = AlertRecipient
    name = "alert_recipients"
    url_prefix = "monitoring/alert-recipients"
    icon = "mail"
    menu_label = gettext_lazy("Alert recipients")
    # The 网站监测 menu (monitoring.wagtail_hooks) links to it.
    add_to_admin_menu = False
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    list_display = ["name", "site", "email", "wechat_openid", "daily_digest"]
    list_filter = ["daily_digest"]
    search_fields = ["name", "email"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(AlertRecipient.panels, base_form_class=AlertRecipientForm)


alert_recipient_viewset = AlertRecipientViewSet()


@hooks.register("register_admin_viewset")
def register_alert_recipients():
    return alert_recipient_viewset
