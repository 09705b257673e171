"""Creating a site of the cluster: its root page, collection, editor groups with
permissions limited to that site, and its two-step review workflow."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import SiteProfile

# Role → the page permissions it holds on its own site's tree. Editors write and submit;
# reviewers also approve workflow steps. Approvers' publish_page publishes directly only in
# columns without a review workflow; in a reviewed column the review gate (cms.review_gate,
# which refuses it to every role) leaves it one use: the final step's approval publishes
# as the approver, and Wagtail wants the publish permission for that.
ROLE_PAGE_PERMISSIONS = {
    "editor": ["add_page", "change_page"],
    "reviewer": ["add_page", "change_page"],
    "approver": ["add_page", "change_page", "publish_page"],
}
ROLE_NAMES = {"editor": "编辑", "reviewer": "初审", "approver": "终审"}
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


@dataclass
class ProvisionedSite:
    site: Site
    home: Page
    profile: SiteProfile
    collection: Collection
    groups: dict
    workflow: Workflow


def group_name(site_name, role):
    return f"{site_name}·{ROLE_NAMES[role]}"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def provision_site(
    *,
    hostname,
    site_name,
    site_code,
    host_organisation,
    kind="portal",
    locale="zh-hans",
    port=80,
    is_default=False,
    slug=None,
    **profile_fields,
):
    """Create (or bring up to date) one site of the cluster; safe to run again."""
    profile_values = dict(
        site_code=site_code, kind=kind, locale=locale, host_organisation=host_organisation, **profile_fields
    )
    # Validate before anything is written: a bad 网站标识码 must change nothing.
    SiteProfile(**profile_values).full_clean(exclude=["site"])

    site = Site.objects.filter(hostname=hostname, port=port).select_related("root_page").first()
    if site is None:
        home_model = apps.get_model(settings.CLUSTER_HOME_PAGE_MODEL)
        home = home_model(
            title=site_name,
            slug=slug or hostname.split(".")[0],
            locale=Locale.objects.get_or_create(language_code=locale)[0],
        )
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=hostname, port=port, site_name=site_name, root_page=home, is_default_site=is_default
        )
    else:
        site.site_name = site_name
        site.save(update_fields=["site_name"])
    home = site.root_page.specific

    profile = SiteProfile.for_site(site)
    for field, value in profile_values.items():
        setattr(profile, field, value)
    profile.save()

    root_collection = Collection.get_first_root_node()
    collection = root_collection.get_children().filter(name=site_name).first()
    if collection is None:
        collection = root_collection.add_child(name=site_name)

    access_admin = _permission("wagtailadmin", "access_admin")
    groups = {}
    for role, codenames in ROLE_PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(site_name, role))
        group.permissions.add(access_admin)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )
        groups[role] = group

    workflow = _ensure_review_workflow(site_name, groups)
    _drop_tree_wide_workflow()
    if hasattr(home, "default_news_workflow_id") and home.default_news_workflow_id != workflow.pk:
        home.default_news_workflow = workflow
        home.save(update_fields=["default_news_workflow"])
    return ProvisionedSite(site, home, profile, collection, groups, workflow)


def _ensure_review_workflow(site_name, groups):
    """The site's two-step review (初审 → 终审) used by news columns by default."""
    task_model = apps.get_model(settings.CLUSTER_REVIEW_TASK_MODEL)
    workflow, created = Workflow.objects.get_or_create(name=f"{site_name}·两级审核")
    if created:
        for order, role in enumerate(["reviewer", "approver"]):
            task = task_model.objects.create(name=f"{site_name}·{ROLE_NAMES[role]}")
            task.groups.set([groups[role]])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


def _drop_tree_wide_workflow():
    """Columns choose their review workflow; none is inherited from the tree root.

    Wagtail's own migrations assign a "Moderators approval" workflow to the root page,
    which every page of every site would inherit: columns without review (机构职能 etc.)
    could then not be published directly, and other sites' moderators would review.
    """
    WorkflowPage.objects.filter(page=Page.get_first_root_node()).delete()


def remove_placeholder_site():
    """Wagtail's migrations leave a welcome page on a `localhost` default site; the
    cluster has its own sites, so the placeholder goes."""
    placeholders = Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore")
    for placeholder in placeholders:
        Site.objects.filter(root_page=placeholder).delete()
        placeholder.delete()


def describe_errors(error: ValidationError):
    """One line per field error, for command-line output."""
    if hasattr(error, "error_dict"):
        return "；".join(
            f"{SiteProfile._meta.get_field(f).verbose_name}: {' '.join(m for e in errs for m in e.messages)}"
            for f, errs in error.error_dict.items()
        )
    return "；".join(error.messages)
