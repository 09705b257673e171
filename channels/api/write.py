"""The write API for 信息报送: county and department systems push items into their site.

A system authenticates with its site's API key (`Authorization: Bearer czk_…`). Items use
the import format (docs/import.md) and go through the import command's own code path,
cms.importer.ItemImporter: the same validation (every problem listed, nothing written
on any error) and the same save. Drafts are saved and submitted to the column's workflow;
publishing needs a key that allows it, and publishes directly only where the column has no
review workflow: in a reviewed column `publish` saves the item and submits it to the
workflow instead (cms.review_gate; no key publishes around review). Errors are problem+json.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.importer import ItemImporter, LineError
from cms.pages import ArticlePage
from cms.review_gate import acting, under_review

from . import serializers as doc
from .base import UnicodeJSONRenderer
from .items import Renderer
from .models import ApiKey
from .problems import Problem, handle_exception, unknown_params

ACTIONS = ("draft", "submit", "publish")


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        key = ApiKey.lookup(raw.strip())
        if key is None:
            raise AuthenticationFailed("接口密钥无效或已吊销。")
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return (key.user, key)

    def authenticate_header(self, request):
        return 'Bearer realm="portal-api"'


class HasApiKey(BasePermission):
    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiKey):
            raise NotAuthenticated("请在 Authorization 头中提供接口密钥：Bearer czk_…")
        return True


class SafeJSONParser(JSONParser):
    """DRF's JSONParser, but JSON nested deeper than Python's recursion limit (a body of
    100,000 "[") is a parse error (400), not a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("嵌套层次过深") from None


class WriteView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    parser_classes = [SafeJSONParser]
    renderer_classes = [UnicodeJSONRenderer]
    throttle_classes = []

    def get_exception_handler(self):
        return handle_exception

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def dispatch(self, request, *args, **kwargs):
        # The model layer of the review gate treats what a key writes as an actor's act.
        with acting("write-api"):
            return super().dispatch(request, *args, **kwargs)

    @property
    def key(self):
        return self.request.auth

    def action_param(self):
        unknown = set(self.request.query_params) - {"action"}
        if unknown:
            raise unknown_params(unknown)
        action = self.request.query_params.get("action") or "draft"
        if action not in ACTIONS:
            raise Problem(
                400,
                "invalid-parameter",
                "请求参数错误",
                f"参数 action：应为 {'、'.join(ACTIONS)} 之一",
                invalid_params=[{"name": "action", "reason": "不支持的取值"}],
            )
        if action == "publish":
            self.require_publish()
        return action

    def require_publish(self):
        if not self.key.can_publish:
            raise Problem(
                403,
                "publish-not-allowed",
                "无权直接发布",
                "该接口密钥不允许直接发布，请提交审核（action=submit）。",
            )

    def site_host(self):
        site = self.key.site
        return f"{site.hostname}:{site.port}"

    def item_data(self, external_id=None):
        data = self.request.data
        if not isinstance(data, dict):
            raise Problem(400, "malformed-request", "请求体格式错误", "请求体必须是一个JSON对象（{…}）。")
        data = dict(data)
        site = data.get("site")
        if site is not None:
            hosts = {self.key.site.hostname, self.site_host()}
            if not isinstance(site, str) or site.strip().lower() not in hosts:
                raise Problem(
                    403,
                    "other-site",
                    "不能向其他网站报送",
                    f"该接口密钥只能向 {self.key.site.hostname} 报送信息。",
                )
        data["site"] = self.site_host()
        if external_id is not None:
            if data.get("external_id") not in (None, external_id):
                raise Problem(
                    400,
                    "validation-failed",
                    "信息校验未通过",
                    "请求体中的 external_id 与地址中的不一致。",
                    errors=["请求体中的 external_id 与地址中的不一致"],
                )
            data["external_id"] = external_id
        return data

    def validate(self, importer, data):
        try:
            item = importer.validate(data, line_no=1)
        except LineError as exc:
            raise Problem(
                400, "validation-failed", "信息校验未通过", "；".join(exc.messages), errors=exc.messages
            ) from None
        return item

    @staticmethod
    def exists(external_id):
        return Problem(
            409,
            "exists",
            "信息已存在",
            f"外部编号 {external_id} 的信息已存在，请用 PUT /api/v1/submissions/{external_id}/ 更新。",
        )

    def page_in_site(self, external_id):
        # An id with NUL (from %00 in the address) names nothing, and PostgreSQL would refuse it.
        page = None if "\x00" in external_id else ArticlePage.objects.filter(external_id=external_id).first()
        if page is None:
            raise Problem(404, "not-found", "不存在", f"外部编号 {external_id} 的信息不存在。")
        self.check_site(page)
        return page

    def check_site(self, page):
        if not page.path.startswith(self.key.site.root_page.path):
            raise Problem(
                409, "other-site", "外部编号已被占用", f"外部编号 {page.external_id} 已被其他网站的信息使用。"
            )

    def save(self, data, action, *, creating):
        importer = ItemImporter(draft=action != "publish", user=self.key.user)
        item = self.validate(importer, data)
        existing = None
        if item.existing_id:
            if creating:
                raise self.exists(item.external_id)
            existing = ArticlePage.objects.get(pk=item.existing_id)
            self.check_site(existing)
        elif not creating:
            raise Problem(404, "not-found", "不存在", f"外部编号 {item.external_id} 的信息不存在。")
        if action == "publish" and under_review(existing or item.column):
            # A reviewed column: saved and submitted to its workflow, not published.
            action = "submit"
            importer.draft = True
        try:
            page = self.save_item(importer, item, action)
        except IntegrityError:
            # A concurrent request wrote first: the same external_id after the check above
            # (its insert won, the unique constraint refuses this one), or the same place
            # in the column. Nothing of this one is written (its savepoint is rolled back).
            if creating and ArticlePage.objects.filter(external_id=item.external_id).exists():
                raise self.exists(item.external_id) from None
            raise Problem(
                409,
                "conflict",
                "并发写入冲突",
                "另一个请求同时写入了相同的内容，未保存任何内容，请稍后重试。",
            ) from None
        return ArticlePage.objects.get(pk=page.pk)

    def save_item(self, importer, item, action):
        with transaction.atomic():
            try:
                page = importer.save(item)
            except LineError as exc:
                raise Problem(
                    403, "forbidden", "没有权限", "；".join(exc.messages), errors=exc.messages
                ) from None
            except ValidationError as exc:
                # The model's own validation (clean on save) after the import checks.
                raise Problem(
                    400, "validation-failed", "信息校验未通过", "；".join(exc.messages), errors=exc.messages
                ) from None
            if action == "submit":
                self.submit(page)
        return page

    def submit(self, page):
        workflow = page.get_workflow()
        if workflow is None:
            raise Problem(
                409,
                "no-workflow",
                "栏目没有审核流程",
                f"信息所在栏目“{page.get_parent().title}”没有审核流程，无法提交审核。",
            )
        if page.workflow_in_progress:
            raise Problem(409, "in-review", "正在审核中", "该信息已在审核中，请等待审核结果。")
        workflow.start(page, self.key.user)

    def payload(self, page):
        state = page.current_workflow_state
        renderer = Renderer(self.request, "zh-hans")
        return {
            "id": page.pk,
            "external_id": page.external_id,
            "title": page.draft_title or page.title,
            "live": page.live,
            "has_unpublished_changes": page.has_unpublished_changes,
            "workflow_status": state.status if state else None,
            "url": renderer.web_url(page) if page.live else None,
            "api_url": renderer.api_url("api-item-detail", pk=page.pk) if page.live else None,
        }


PROBLEM = "application/problem+json"
SUBMISSION_RESPONSES = {
    (400, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="请求体或字段错误，未写入任何内容"),
    (401, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="缺少或无效的接口密钥"),
    (403, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="无权发布或向其他网站报送"),
    (404, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="外部编号的信息不存在"),
    (409, PROBLEM): OpenApiResponse(
        doc.ProblemSerializer, description="冲突：已存在、属于其他网站、已在审核中或栏目无审核流程"
    ),
    (415, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="请求体不是JSON"),
}
ACTION_PARAM = OpenApiParameter(
    "action",
    str,
    enum=list(ACTIONS),
    description="draft 保存草稿（默认）；submit 保存并提交栏目审核；publish 发布（需密钥允许；栏目设有审核流程时保存并提交审核）",
)


class SubmissionsView(WriteView):
    @extend_schema(
        summary="报送信息（新建）",
        request=doc.SubmissionInputSerializer,
        parameters=[ACTION_PARAM],
        responses={201: doc.SubmissionSerializer, **SUBMISSION_RESPONSES},
    )
    def post(self, request):
        action = self.action_param()
        page = self.save(self.item_data(), action, creating=True)
        response = Response(self.payload(page), status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{request.path}{page.external_id}/")
        return response


class SubmissionDetailView(WriteView):
    @extend_schema(
        summary="报送信息的状态", responses={200: doc.SubmissionSerializer, **SUBMISSION_RESPONSES}
    )
    def get(self, request, external_id):
        return Response(self.payload(self.page_in_site(external_id)))

    @extend_schema(
        summary="报送信息（更新）",
        request=doc.SubmissionInputSerializer,
        parameters=[ACTION_PARAM],
        responses={200: doc.SubmissionSerializer, **SUBMISSION_RESPONSES},
    )
    def put(self, request, external_id):
        action = self.action_param()
        page = self.save(self.item_data(external_id), action, creating=False)
        return Response(self.payload(page))


class SubmitView(WriteView):
    @extend_schema(
        summary="提交栏目审核",
        request=None,
        responses={200: doc.SubmissionSerializer, **SUBMISSION_RESPONSES},
    )
    def post(self, request, external_id):
        page = self.page_in_site(external_id)
        with transaction.atomic():
            self.submit(page)
        return Response(self.payload(ArticlePage.objects.get(pk=page.pk)))


class PublishView(WriteView):
    @extend_schema(
        summary="发布（需密钥允许；栏目设有审核流程时提交审核）",
        request=None,
        responses={200: doc.SubmissionSerializer, **SUBMISSION_RESPONSES},
    )
    def post(self, request, external_id):
        self.require_publish()
        page = self.page_in_site(external_id)
        with transaction.atomic():
            if under_review(page):
                self.submit(page)  # a reviewed column: to its workflow, not live
            else:
                page.get_latest_revision().publish(user=self.key.user)
        return Response(self.payload(ArticlePage.objects.get(pk=page.pk)))
