"""Letters in the app API (channels.api): the published letter's serializer (named by
`LetterPage.api_serializer`), and the writer's endpoints under /api/v1/letters/
(interaction/letter_api_urls.py): the site's mailboxes, a verification question, writing
a letter (JSON, or multipart with attachments), looking it up and evaluating the reply.

Writing takes the same verification question as the web form: the app asks GET
challenge/ for a question and its token, shows the question to the person and sends the
answer with the token (single use, one hour). Every endpoint is scoped to the request's
site (its host or ?site=): a mailbox or letter of another site is not found. Errors are
problem+json with Chinese details (channels/api/problems.py)."""

from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as s
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from channels.api.base import ApiView
from channels.api.problems import Problem, not_found
from channels.api.scope import MAX_ID, resolve
from channels.api.serializers import (
    PAGE_FIELDS,
    ChoiceValueSerializer,
    ItemSerializer,
    ProblemSerializer,
    iso,
)
from channels.api.views import SITE_PARAM
from channels.api.write import SafeJSONParser

from .forms import CHALLENGE_MAX_AGE, new_challenge, sender_key
from .letter_forms import (
    CATEGORY_LABELS,
    SATISFACTION_LABELS,
    EvaluationForm,
    LetterForm,
    LookupForm,
    letter_rate_limited,
    lookup_rate_limited,
)
from .letter_lookup import can_evaluate, evaluate, find_letter, letters_of_site, public_status, public_trail
from .letter_submission import submit
from .mailbox import LetterPage, LetterStatus, MailboxPage

PROBLEM = "application/problem+json"


def _choice(value, labels):
    return {"value": str(value), "label": str(labels.get(value, value))}


class LetterSerializer(ItemSerializer):
    """A published letter: category, both dates and the replying unit; the letter and the
    reply in the detail. Nothing of the writer but the masked name."""

    model = LetterPage
    list_fields = (*PAGE_FIELDS, "category", "received_at", "replied_at", "reply_unit", "question")
    date_field = "replied_at"

    def to_representation(self, page):
        data = super().to_representation(page)
        data["letter_category"] = _choice(page.category, CATEGORY_LABELS)
        data["received_at"] = iso(page.received_at)
        data["replied_at"] = iso(page.replied_at)
        data["reply_unit"] = page.reply_unit
        return data

    def detail_data(self, page, root_url):
        return {"question": page.question, "writer": page.writer, "reply": page.reply}


# -- the schema of the writer's endpoints (comments, not docstrings: they would become the
# published descriptions) ---------------------------------------------------------------------


class MailboxSerializer(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()
    url = s.URLField(allow_null=True)
    accepts_letters = s.BooleanField()
    accept_days = s.IntegerField(help_text="受理期限（工作日）")
    reply_days = s.IntegerField(help_text="答复期限（工作日）")
    categories = ChoiceValueSerializer(many=True)


class ChallengeSerializer(s.Serializer):
    question = s.CharField(help_text="验证问题（汉字算术题），须展示给写信人")
    token = s.CharField(help_text="提交时原样传回；一次有效")
    expires_in = s.IntegerField(help_text="有效秒数")


class LetterSubmitSerializer(s.Serializer):
    mailbox = s.IntegerField(help_text="信箱编号（GET mailboxes/）")
    category = s.ChoiceField(choices=list(CATEGORY_LABELS))
    title = s.CharField(max_length=100)
    content = s.CharField(max_length=5000)
    name = s.CharField(required=False, allow_blank=True)
    phone = s.CharField(required=False, allow_blank=True)
    email = s.EmailField(required=False, allow_blank=True)
    address = s.CharField(required=False, allow_blank=True)
    consent_publish = s.BooleanField(required=False, help_text="同意公开（姓名隐去）")
    password = s.CharField(required=False, allow_blank=True, help_text="查询密码（6–30位）；省略则自动生成")
    token = s.CharField(help_text="GET challenge/ 的 token")
    answer = s.CharField(help_text="验证问题的答案（阿拉伯数字）")
    attachments = s.ListField(
        child=s.FileField(), required=False, help_text="附件（multipart/form-data，最多3个）"
    )


class ReceiptSerializer(s.Serializer):
    tracking_code = s.CharField()
    password = s.CharField(help_text="查询密码，仅此一次返回")
    status = ChoiceValueSerializer()
    accept_due = s.DateField()
    reply_due = s.DateField()


class LookupSerializer(s.Serializer):
    tracking_code = s.CharField()
    password = s.CharField()


class EvaluateSerializer(LookupSerializer):
    satisfaction = s.ChoiceField(choices=[3, 2, 1], help_text="3 满意 / 2 基本满意 / 1 不满意")


class EventSerializer(s.Serializer):
    at = s.DateTimeField()
    label = s.CharField()
    note = s.CharField(allow_blank=True)


class ReplySerializer(s.Serializer):
    unit = s.CharField()
    text = s.CharField()
    replied_at = s.DateTimeField(allow_null=True)


class LetterStatusSerializer(s.Serializer):
    tracking_code = s.CharField()
    title = s.CharField()
    content = s.CharField()
    category = ChoiceValueSerializer()
    status = ChoiceValueSerializer()
    submitted_at = s.DateTimeField()
    events = EventSerializer(many=True)
    rejection_reason = s.CharField(allow_blank=True)
    reply = ReplySerializer(allow_null=True)
    satisfaction = ChoiceValueSerializer(allow_null=True)
    can_evaluate = s.BooleanField()


def _errors(codes):
    descriptions = {
        400: "参数或输入有误（逐项说明），或查询编号与密码不符",
        404: "网站或信箱不存在",
        403: "信箱暂停受理来信",
        429: "请求过于频繁",
    }
    return {
        (code, PROBLEM): OpenApiResponse(ProblemSerializer, description=descriptions[code]) for code in codes
    }


def invalid(form):
    """A 400 naming every field the form refused, in the request's language."""
    params = [
        {"name": name if name != "__all__" else "non_field_errors", "reason": " ".join(messages)}
        for name, messages in form.errors.items()
    ]
    detail = "；".join(f"{p['name']}：{p['reason']}" for p in params)
    return Problem(400, "invalid-parameter", "请求参数错误", detail, invalid_params=params)


def mismatch():
    # One answer for an unknown code and a wrong password: no oracle of valid codes.
    return Problem(400, "letter-not-found", "查询失败", "查询编号或查询密码不正确，请核对后重试。")


def letter_status(letter):
    replied = letter.status == LetterStatus.REPLIED
    return {
        "tracking_code": letter.tracking_code,
        "title": letter.title,
        "content": letter.content,
        "category": _choice(letter.category, CATEGORY_LABELS),
        "status": {"value": letter.status, "label": str(public_status(letter))},
        "submitted_at": iso(letter.submitted_at),
        "events": [
            {"at": iso(at), "label": str(label), "note": note} for at, label, note in public_trail(letter)
        ],
        "rejection_reason": letter.rejection_reason if letter.status == LetterStatus.REJECTED else "",
        "reply": {"unit": letter.reply_unit, "text": letter.reply, "replied_at": iso(letter.replied_at)}
        if replied
        else None,
        "satisfaction": _choice(letter.satisfaction, SATISFACTION_LABELS) if letter.satisfaction else None,
        "can_evaluate": can_evaluate(letter),
    }


class LetterView(ApiView):
    """The writer's endpoints: site-scoped, never cached."""

    params = frozenset({"site"})
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    cache_control = "private, no-store"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def scope(self):
        return resolve(self.request)

    def body(self):
        data = self.request.data
        if not hasattr(data, "get") or isinstance(data, (list, str)):
            raise Problem(
                400, "malformed-request", "请求体格式错误", "请求体必须是一个JSON对象（{…}）或表单。"
            )
        return data

    def sender(self):
        return sender_key(self.request._request)

    def check_lookup_rate(self):
        if lookup_rate_limited(self.sender()):
            raise Problem(429, "throttled", "请求过于频繁", "查询过于频繁，请稍后再试。")

    def find(self, scope, data):
        form = LookupForm(data)
        if not form.is_valid():
            raise invalid(form)
        letter = find_letter(
            letters_of_site(scope.site), form.cleaned_data["tracking_code"], form.cleaned_data["password"]
        )
        if letter is None:
            raise mismatch()
        return letter


class MailboxesView(LetterView):
    @extend_schema(
        operation_id="letter_mailboxes",
        parameters=[SITE_PARAM],
        summary="本站的信箱",
        responses={200: MailboxSerializer(many=True), **_errors((400, 404))},
        tags=["letters"],
    )
    def get(self, request):
        scope = self.scope()
        mailboxes = MailboxPage.objects.live().descendant_of(scope.root).order_by("path")
        with translation.override(scope.lang):
            categories = [_choice(key, CATEGORY_LABELS) for key in CATEGORY_LABELS]
        return Response(
            [
                {
                    "id": m.pk,
                    "title": m.title,
                    "url": m.get_full_url(request._request),
                    "accepts_letters": m.accepts_letters,
                    "accept_days": m.accept_days,
                    "reply_days": m.reply_days,
                    "categories": categories,
                }
                for m in mailboxes
            ]
        )


class ChallengeView(LetterView):
    params = frozenset()

    @extend_schema(
        operation_id="letter_challenge",
        summary="写信的验证问题",
        responses={200: ChallengeSerializer, **_errors((400,))},
        tags=["letters"],
    )
    def get(self, request):
        question, token = new_challenge()
        return Response({"question": question, "token": token, "expires_in": CHALLENGE_MAX_AGE})


class SubmitView(LetterView):
    @extend_schema(
        operation_id="letter_submit",
        parameters=[SITE_PARAM],
        summary="写信",
        request={"application/json": LetterSubmitSerializer, "multipart/form-data": LetterSubmitSerializer},
        responses={201: ReceiptSerializer, **_errors((400, 403, 404, 429))},
        tags=["letters"],
    )
    def post(self, request):
        scope = self.scope()
        data = self.body()
        mailbox_id = str(data.get("mailbox", ""))
        if not (mailbox_id.isascii() and mailbox_id.isdigit() and 0 < int(mailbox_id) <= MAX_ID):
            raise Problem(
                400, "invalid-parameter", "请求参数错误", "参数 mailbox：应为信箱编号",
                invalid_params=[{"name": "mailbox", "reason": "应为信箱编号"}],
            )  # fmt: skip
        mailbox = MailboxPage.objects.live().descendant_of(scope.root).filter(pk=int(mailbox_id)).first()
        if mailbox is None:
            raise not_found(f"本站没有编号为 {mailbox_id} 的信箱")
        if not mailbox.accepts_letters:
            raise Problem(403, "mailbox-closed", "信箱暂停受理", "该信箱暂停受理来信。")
        with translation.override(scope.lang):
            form = LetterForm(data, request.FILES)
            if not form.is_valid():
                raise invalid(form)
        sender = self.sender()
        if letter_rate_limited(sender, mailbox.pk):
            raise Problem(429, "throttled", "请求过于频繁", "写信过于频繁，请稍后再试。")
        cleaned = form.cleaned_data
        letter, password = submit(
            mailbox, cleaned, cleaned["attachments"], sender=sender, password=cleaned["password"] or None
        )
        with translation.override(scope.lang):
            body = {
                "tracking_code": letter.tracking_code,
                "password": password,
                "status": {"value": letter.status, "label": str(public_status(letter))},
                "accept_due": letter.accept_due.isoformat(),
                "reply_due": letter.reply_due.isoformat(),
            }
        return Response(body, status=status.HTTP_201_CREATED)


class LookupView(LetterView):
    @extend_schema(
        operation_id="letter_lookup",
        parameters=[SITE_PARAM],
        summary="查询来信办理情况",
        request=LookupSerializer,
        responses={200: LetterStatusSerializer, **_errors((400, 404, 429))},
        tags=["letters"],
    )
    def post(self, request):
        scope = self.scope()
        self.check_lookup_rate()
        letter = self.find(scope, self.body())
        with translation.override(scope.lang):
            return Response(letter_status(letter))


class EvaluateView(LetterView):
    @extend_schema(
        operation_id="letter_evaluate",
        parameters=[SITE_PARAM],
        summary="评价答复",
        request=EvaluateSerializer,
        responses={200: LetterStatusSerializer, **_errors((400, 404, 429))},
        tags=["letters"],
    )
    def post(self, request):
        scope = self.scope()
        self.check_lookup_rate()
        data = self.body()
        letter = self.find(scope, data)
        form = EvaluationForm({"satisfaction": data.get("satisfaction"), "token": "-"})
        if not form.is_valid():
            raise invalid(form)
        if not evaluate(letter, form.cleaned_data["satisfaction"]):
            raise Problem(400, "not-evaluable", "无法评价", "该来信尚未答复或已评价。")
        with translation.override(scope.lang):
            return Response(letter_status(letter))
