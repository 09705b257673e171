"""The monitor's word dictionaries (M16) in the admin: 监测词库, a listing of the typos,
sensitive words and leaders' names and titles with a filter by list and a search, and
their create, edit and delete screens.

Scope: a superuser manages every word. Any other user needs the model's permissions
(granted to a group under Settings → Groups; provisioning grants none) and then manages
the words of the sites whose pages they may edit (sites/admin_scope.py), and reads the
words of every site (no site) without editing them; their forms offer only their own
sites. Another site's word is not found (404), a word of every site is refused.

The viewset is not a menu item of its own: monitoring/wagtail_hooks.py imports this module
and puts `dictionary_viewset` into the 网站监测 menu.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import DictionaryWord
from .scope import visible_sites


class DictionaryWordPolicy(ModelPermissionPolicy):
    """The model's Django permissions, on the words of the sites the user may edit (every
    word for a superuser)."""

    def _in_scope(self, user, instance):
        if user.is_superuser:
            return True
        return instance.site_id is not None and visible_sites(user).filter(pk=instance.site_id).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self._in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return DictionaryWord.objects.none()
        if user.is_superuser:
            return DictionaryWord.objects.all()
        return DictionaryWord.objects.filter(site__in=visible_sites(user))

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


policy = DictionaryWordPolicy(DictionaryWord)
register_permission_policy(DictionaryWord, policy)

ACTIONS = ("add", "change", "delete", "view")


def visible_words(user):
    """The words `user` may see listed: their sites' words and the words of every site."""
    if not policy.user_has_any_permission(user, ACTIONS):
        return DictionaryWord.objects.none()
    if user.is_superuser:
        return DictionaryWord.objects.all()
    return DictionaryWord.objects.filter(Q(site__isnull=True) | Q(site__in=visible_sites(user)))


# -- the form -------------------------------------------------------------------------------


class DictionaryWordForm(WagtailAdminModelForm):
    """The site field offers the user's own sites only (and “all sites” to a superuser); a
    typo needs its correction, a leader the correct titles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields["site"]
        field.queryset = visible_sites(user).order_by("hostname") if user else Site.objects.none()
        field.label_from_instance = lambda site: f"{site.site_name}（{site.hostname}）"
        if user is not None and user.is_superuser:
            field.empty_label = _("All sites")
        else:
            field.required = True
            field.empty_label = None
            field.help_text = ""

    def clean_word(self):
        return " ".join(self.cleaned_data["word"].split())

    def clean_correction(self):
        return self.cleaned_data["correction"].strip()

    def clean(self):
        cleaned = super().clean()
        kind, correction = cleaned.get("kind"), cleaned.get("correction")
        if kind == DictionaryWord.Kind.TYPO and not correction:
            self.add_error("correction", _("Give the right form of the typo."))
        if kind == DictionaryWord.Kind.LEADER and not correction:
            self.add_error("correction", _("Give the leader's correct title(s), separated by 、."))
        word = cleaned.get("word")
        if kind and word and cleaned.get("site") is None:
            # The unique constraint does not see two rows without a site as the same.
            twins = DictionaryWord.objects.filter(kind=kind, word=word, site__isnull=True)
            if self.instance.pk:
                twins = twins.exclude(pk=self.instance.pk)
            if twins.exists():
                self.add_error("word", _("This word is already in the dictionary of every site."))
        return cleaned


# -- the views ------------------------------------------------------------------------------


class _ScopedObjectMixin:
    """Looks the word up among those the user may see (404 otherwise); `edits` views also
    refuse a word the user may only read."""

    edits = True

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        user = self.request.user
        if not visible_words(user).filter(pk=obj.pk).exists():
            raise Http404
        if self.edits and not policy.user_has_permission_for_instance(user, "change", obj):
            raise PermissionDenied
        return obj


class DictionaryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return visible_words(self.request.user).select_related("site")

    # A word of every site is listed to its readers without edit and delete links.
    def get_edit_url(self, instance):
        if policy.user_has_permission_for_instance(self.request.user, "change", instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if policy.user_has_permission_for_instance(self.request.user, "delete", instance):
            return super().get_delete_url(instance)
        return None


class DictionaryEditView(_ScopedObjectMixin, generic.EditView):
    pass


class DictionaryDeleteView(_ScopedObjectMixin, generic.DeleteView):
    pass


class DictionaryHistoryView(_ScopedObjectMixin, generic.HistoryView):
    edits = False


class DictionaryUsageView(_ScopedObjectMixin, generic.UsageView):
    edits = False


class DictionaryFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Word list"), choices=DictionaryWord.Kind.choices, empty_label=_("All lists")
    )

    class Meta:
        model = DictionaryWord
        fields = []


def _site_name(word):
    return word.site.site_name if word.site_id else _("All sites")


class DictionaryWordViewSet(ModelViewSet):
    model = DictionaryWord
    name = "monitoring_dictionary"
    url_prefix = "monitoring/dictionary"
    icon = "clipboard-list"
    menu_label = _("Monitor dictionary")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = DictionaryIndexView
    edit_view_class = DictionaryEditView
    delete_view_class = DictionaryDeleteView
    history_view_class = DictionaryHistoryView
    usage_view_class = DictionaryUsageView
    filterset_class = DictionaryFilterSet
    search_fields = ["word", "correction"]
    list_per_page = 50
    list_display = [
        "word",
        Column("kind", label=_("Word list"), accessor="get_kind_display"),
        Column("correction", label=_("Correct form")),
        Column("site", label=_("Site"), accessor=_site_name),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("kind", heading=_("Word list"), widget=forms.RadioSelect),
            FieldPanel("word"),
            FieldPanel("correction"),
            FieldPanel("site"),
        ],
        base_form_class=DictionaryWordForm,
    )


dictionary_viewset = DictionaryWordViewSet()


@hooks.register("register_admin_viewset")
def register_dictionary():
    return dictionary_viewset
