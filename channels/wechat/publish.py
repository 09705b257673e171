"""Publishing a page to its site's WeChat account, and notifying followers.

publish_article: what the article is made of comes from the page's source (sources.py:
an article's own fields and body; a budget disclosure's or an interview's fields written
as a short article); limits are checked first (nothing is sent for an article WeChat would
refuse); the cover goes up as a 2.35:1 thumb and every body image through media/uploadimg,
each once per account (WeChatUpload); the body is converted (html.py); then draft/add — or
draft/update of the page's existing draft — and freepublish/submit. WeChat then reviews
and publishes the job; instead of waiting for it, publish_article raises PublishPending
and the outbox calls it again later (backing off, poll_delay), when it asks
freepublish/get once. A PUBLISHJOBFINISH event that already brought the article URL
(inbound.py) spares that request.

Idempotency: the draft's media_id is saved the moment draft/add answers, and the submitted
revision and publish_id the moment freepublish/submit answers, each in its own commit (the
caller must not wrap this in a transaction). A retry after a crash therefore updates the
same draft instead of adding one, and polls the job already submitted instead of submitting
again, and a check of a submitted job never submits. A submit whose answer is lost (a
timeout, a gateway error) is not repeated, by the client or the outbox: WeChat may have
accepted it, so the editor is asked to look before retrying. The one window left is a
crash between WeChat accepting the submit and our save (milliseconds). draft/add is not
repeated in-process after a lost answer either; an outbox retry may leave one unused
draft in the account's draft box (never published).

send_to_followers (mass send) is a separate editor action with a clientmsgid derived from
(page, published revision): our row, written before the request, and WeChat's 45065 both
stop a second send.
"""

import hashlib
import io
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from PIL import Image as PILImage

from channels.adapters import DeliveryError, DeliveryPending

from .client import PortalWeChatClient, WeChatAPIError
from .html import WeChatHTML, check_limits
from .models import WeChatAccount, WeChatArticle, WeChatMassSend, WeChatUpload
from .sources import source_for

THUMB_SPEC = "fill-900x383|format-jpeg|jpegquality-85"
THUMB_MAX_BYTES = 64 * 1024
CONTENT_IMAGE_SPEC = "max-1080x1920|format-jpeg|jpegquality-80"
CONTENT_IMAGE_MAX_BYTES = 1024 * 1024

PUBLISH_FAILURES = {
    2: "微信原创声明校验未通过",
    3: "微信发布失败",
    4: "未通过微信平台审核",
    5: "文章已被公众号管理员删除",
    6: "文章发布后被微信平台封禁",
}


class PublishError(DeliveryError):
    """A publish that did not happen (the outbox's DeliveryError); `reason` is for editors."""


class PublishPending(DeliveryPending):
    """WeChat has the job and is still publishing it; check again after `after` s."""

    def __init__(self, record, *, after):
        super().__init__(f"已提交微信发布（publish_id {record.publish_id}），等待微信返回结果", after=after)


def account_for(page):
    site = page.get_site()
    if site is None:
        raise PublishError("该页面不属于任何网站，无法确定微信公众号")
    account = WeChatAccount.for_site(site)
    if not account.is_configured:
        raise PublishError(f"网站“{site.site_name}”未配置或未启用微信公众号（AppID 与 AppSecret）")
    return account


def client_for(account, **kwargs):
    return PortalWeChatClient(account.appid, account.secret, **kwargs)


class ArticlePublisher:
    """One publish of one page revision, or one check of its submitted job. `sleep` (the
    client's retry backoff) is injectable; `on_draft_saved` runs right after the draft's
    media_id is committed (tests crash there)."""

    def __init__(self, page, revision, *, client=None, sleep=time.sleep, on_draft_saved=None):
        self.page = page
        self.revision = revision
        self.account = account_for(page)
        self.client = client or client_for(self.account, sleep=sleep)
        self.sleep = sleep
        self.on_draft_saved = on_draft_saved

    @cached_property
    def content_page(self):
        # Only a submit needs the revision's content; a check of the job does not.
        return self.revision.as_object() if self.revision is not None else self.page

    # --- article fields ----------------------------------------------------------------

    @cached_property
    def source(self):
        return source_for(self.content_page)

    def fields(self):
        source = self.source
        return {
            "title": source.title(),
            "author": source.author(),
            "digest": source.digest(),
            "cover": source.cover(),
        }

    def build(self):
        """The article dict for draft/add, limits checked before any upload."""
        f = self.fields()
        site = self.page.get_site()
        # Content length is checked on the converted HTML, which needs the image URLs; a
        # placeholder of WeChat's URL length stands in so nothing is uploaded yet.
        dry = WeChatHTML(
            base_url=site.root_url, upload_image=lambda image: "http://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 80
        )
        content = self.source.body(dry)
        problems = check_limits(
            title=f["title"],
            author=f["author"],
            digest=f["digest"],
            content=content,
            has_cover=f["cover"] is not None,
        )
        if problems:
            raise PublishError("无法发布到微信公众号：" + "；".join(problems) + "。")
        html = WeChatHTML(base_url=site.root_url, upload_image=self.content_image_url)
        return {
            "title": f["title"],
            "author": f["author"],
            "digest": f["digest"],
            "content": self.source.body(html),
            "content_source_url": self.content_page.full_url or "",
            "thumb_media_id": self.thumb_media_id(f["cover"]),
            "need_open_comment": 0,
            "only_fans_can_comment": 0,
        }

    # --- images ------------------------------------------------------------------------

    def _cached_upload(self, kind, data, upload):
        key = f"{kind}:{hashlib.sha256(data).hexdigest()}"
        found = WeChatUpload.objects.filter(account=self.account, kind=kind, source_key=key).first()
        if found:
            return found
        result = upload(data)
        try:
            return WeChatUpload.objects.create(
                account=self.account,
                kind=kind,
                source_key=key,
                media_id=result.get("media_id", ""),
                url=result.get("url", ""),
            )
        except IntegrityError:  # a concurrent publish uploaded the same bytes
            return WeChatUpload.objects.get(account=self.account, kind=kind, source_key=key)

    def thumb_media_id(self, cover):
        """The media_id of the cover on the account: a Wagtail image (as a rendition of the
        thumb's size) or ready JPEG bytes of that size (a generated cover)."""
        data = cover if isinstance(cover, bytes) else _rendition_bytes(cover, THUMB_SPEC)
        data = _fit_jpeg(data, THUMB_MAX_BYTES)
        upload = self._cached_upload(
            WeChatUpload.Kind.THUMB,
            data,
            lambda b: self.client.upload(
                "material/add_material", "cover.jpg", b, "image/jpeg", params={"type": "thumb"}
            ),
        )
        return upload.media_id

    def content_image_url(self, image):
        data = _fit_jpeg(_rendition_bytes(image, CONTENT_IMAGE_SPEC), CONTENT_IMAGE_MAX_BYTES - 1)
        upload = self._cached_upload(
            WeChatUpload.Kind.CONTENT,
            data,
            lambda b: self.client.upload("media/uploadimg", "image.jpg", b, "image/jpeg"),
        )
        return upload.url

    # --- the flow ----------------------------------------------------------------------

    def run(self):
        try:
            return self._run()
        except WeChatAPIError as exc:
            raise PublishError(exc.reason, retryable=exc.retryable, code=exc.code) from exc

    def _run(self):
        record, _ = WeChatArticle.objects.get_or_create(page_id=self.page.pk, account=self.account)
        revision_id = self.revision.pk if self.revision is not None else None
        if not (record.submitted_revision_id == revision_id and record.publish_id):
            article = self.build()
            try:
                self._save_draft(record, article, revision_id)
            except WeChatAPIError as exc:
                # 40007 for our cached cover: it was deleted from the account's materials
                # (in the platform). Forget it and upload it again, once.
                stale = WeChatUpload.objects.filter(
                    account=self.account, kind=WeChatUpload.Kind.THUMB, media_id=article["thumb_media_id"]
                )
                if exc.code != 40007 or not stale.delete()[0]:
                    raise
                article = self.build()
                self._save_draft(record, article, revision_id)
            answer = self._submit(record)
            record.submitted_revision_id = revision_id
            record.publish_id = str(answer["publish_id"])
            record.submitted_at = timezone.now()
            record.article_id = ""
            record.url = ""
            record.withdrawn_at = None
            record.save()
            # WeChat takes a moment to review and publish: check back later, not now.
            raise PublishPending(record, after=poll_delay(0))
        return self._check(record)

    def _submit(self, record):
        try:
            return self.client.post_json(
                "freepublish/submit", {"media_id": record.media_id}, idempotent=False
            )
        except WeChatAPIError as exc:
            if not exc.ambiguous:
                raise
            # WeChat may have accepted it; submitting again could publish the article
            # twice, so a person looks first.
            raise PublishError(
                f"提交微信发布时未收到明确答复（{exc.reason}），无法确定微信是否已收到。为避免重复发布，"
                "系统不会自动重试：请在微信公众平台“发表记录”中查看，若未发表再点击重试",
                code="submit_uncertain",
            ) from exc

    def _save_draft(self, record, article, revision_id):
        if record.media_id and record.draft_revision_id == revision_id:
            return  # this revision is already in the draft (a retry after a crash)
        if record.media_id:
            try:
                self.client.post_json(
                    "draft/update", {"media_id": record.media_id, "index": 0, "articles": article}
                )
            except WeChatAPIError as exc:
                # The draft was deleted on WeChat's side: make a new one.
                if exc.code not in (40007, 40114):
                    raise
                record.media_id = ""
        if not record.media_id:
            # Not repeated in-process after an ambiguous failure: a lost answer would leave
            # an unused draft per repeat (an outbox retry may still leave one).
            answer = self.client.post_json("draft/add", {"articles": [article]}, idempotent=False)
            record.media_id = answer["media_id"]
        record.draft_revision_id = revision_id
        record.save()
        if self.on_draft_saved:
            self.on_draft_saved(record)

    def _check(self, record):
        """One look at the submitted job: its result, or PublishPending to look again."""
        if not (record.url and record.article_id):  # else PUBLISHJOBFINISH already told us
            finished = job_status(self.client, record)
            if finished is None:
                raise PublishPending(record, after=poll_delay(record.seconds_since_submit()))
        return {
            "url": record.url,
            "media_id": record.media_id,
            "publish_id": record.publish_id,
            "article_id": record.article_id,
        }


#: First check of a submitted job, how much each wait grows, and the longest wait.
POLL_FIRST_SECONDS = 0.2
POLL_GROWTH = 0.5
POLL_MAX_SECONDS = 60


def poll_delay(elapsed):
    """Seconds until the next freepublish/get of a job submitted `elapsed` seconds ago:
    quick checks while a fast publish is likely, then each wait half the time spent so far
    (geometric, ~15 checks to reach a minute), then once a minute."""
    return min(max(POLL_FIRST_SECONDS, elapsed * POLL_GROWTH), POLL_MAX_SECONDS)


def poll_deadline():
    return getattr(settings, "WECHAT_PUBLISH_TIMEOUT", 3600)


def job_status(client, record):
    """Ask WeChat about the record's publish job once. Stores and returns True when it is
    published; None while it is still publishing; raises PublishError when it failed or
    has taken longer than WECHAT_PUBLISH_TIMEOUT."""
    answer = client.post_json("freepublish/get", {"publish_id": record.publish_id})
    status = int(answer.get("publish_status", 1))
    if status == 0:
        items = (answer.get("article_detail") or {}).get("item") or []
        record.article_id = answer.get("article_id", "")
        record.url = items[0]["article_url"] if items else ""
        record.save()
        return True
    if status in PUBLISH_FAILURES:
        raise PublishError(
            f"{PUBLISH_FAILURES[status]}（发布状态 {status}），请修改内容后重新发布",
            code=f"publish_status:{status}",
        )
    if record.seconds_since_submit() > poll_deadline():
        minutes = round(poll_deadline() / 60)
        # Final, so the editor sees it; their retry only asks about the same job again.
        raise PublishError(
            f"微信超过 {minutes} 分钟仍未返回发布结果（publish_id {record.publish_id}），"
            "请在微信公众平台查看，或稍后点击重试再次查询",
            code="publish_timeout",
        )
    return None


def publish_article(page, revision, **kwargs):
    return ArticlePublisher(page, revision, **kwargs).run()


def withdraw_article(page, *, client=None, sleep=time.sleep):
    """Take an unpublished page's article down from WeChat (freepublish/delete), so a
    reader opening an old link or the account's history no longer finds it. Nothing to do
    when the page never reached WeChat. A job still under review is checked first
    (PublishPending until WeChat knows its outcome). The draft stays, so publishing the
    page again updates it."""
    record = WeChatArticle.objects.filter(page_id=page.pk).select_related("account").first()
    if record is None or not record.publish_id:
        return {"withdrawn": False}
    account = record.account
    if not account.is_configured:
        raise PublishError(f"公众号“{account}”已停用或未配置，无法从微信撤下该文章，请在微信公众平台手动删除")
    client = client or client_for(account, sleep=sleep)
    try:
        if not record.article_id:
            try:
                finished = job_status(client, record)
            except PublishError:
                finished = False  # the job failed: nothing was published
            if finished is None:
                raise PublishPending(record, after=poll_delay(record.seconds_since_submit()))
        if record.article_id:
            try:
                client.post_json("freepublish/delete", {"article_id": record.article_id, "index": 0})
            except WeChatAPIError as exc:
                # Gone already: deleted in the platform, or by our own earlier try whose
                # answer was lost.
                if exc.code != 40007:
                    raise
    except WeChatAPIError as exc:
        raise PublishError(exc.reason, retryable=exc.retryable, code=exc.code) from exc
    article_id = record.article_id
    record.publish_id = ""
    record.submitted_revision_id = None
    record.article_id = ""
    record.url = ""
    record.withdrawn_at = timezone.now()
    record.save()
    return {"withdrawn": bool(article_id), "article_id": article_id}


def clientmsgid_for(page_id, revision_id):
    return hashlib.sha256(f"portal:{page_id}:{revision_id}".encode()).hexdigest()[:32]


#: A `sending` row older than this belongs to a request that died mid-send; the editor
#: may send again (WeChat's own clientmsgid check still stops a second delivery).
MASS_SEND_STALE_SECONDS = 120


def published_article(page):
    """The page's live article on WeChat (a WeChatArticle with its URL), or None."""
    return (
        WeChatArticle.objects.filter(page_id=page.pk, withdrawn_at__isnull=True)
        .exclude(url="")
        .exclude(media_id="")
        .select_related("account")
        .first()
    )


def mass_send_for(article):
    """The mass send of the article's published revision, if one was made or tried."""
    if article is None:
        return None
    clientmsgid = clientmsgid_for(article.page_id, article.submitted_revision_id)
    return WeChatMassSend.objects.filter(account=article.account, clientmsgid=clientmsgid).first()


def _claim_mass_send(article, clientmsgid, user):
    """Write the send's row before the request: (row, True) when this caller may send;
    (row, False) when it was sent, or is being sent, by an earlier click."""
    try:
        with transaction.atomic():
            return WeChatMassSend.objects.create(
                account=article.account,
                page_id=article.page_id,
                revision_id=article.submitted_revision_id,
                clientmsgid=clientmsgid,
                status=WeChatMassSend.Status.SENDING,
                requested_by=user,
            ), True
    except IntegrityError:
        pass
    existing = WeChatMassSend.objects.filter(account=article.account, clientmsgid=clientmsgid)
    stale = timezone.now() - timedelta(seconds=MASS_SEND_STALE_SECONDS)
    retried = existing.filter(
        Q(status=WeChatMassSend.Status.FAILED) | Q(status=WeChatMassSend.Status.SENDING, updated_at__lt=stale)
    ).update(status=WeChatMassSend.Status.SENDING, error="", requested_by=user, updated_at=timezone.now())
    return existing.get(), bool(retried)


def send_to_followers(page, *, user=None, client=None, sleep=time.sleep):
    """Notify followers of the page's published article (mass send). Returns
    (WeChatMassSend, sent_now): sent_now is False when an earlier request sent it or is
    sending it, in which case nothing is sent. The clientmsgid is derived from (page,
    published revision): our row stops a repeat before any request, and WeChat's 45065
    stops one that got past it (a lost answer, a crashed request)."""
    article = published_article(page)
    if article is None:
        raise PublishError("请先将该信息发布到微信公众号（等待发布完成），再群发给关注者")
    if not article.account.is_configured:
        raise PublishError(f"公众号“{article.account}”已停用或未配置，无法群发")
    clientmsgid = clientmsgid_for(article.page_id, article.submitted_revision_id)
    send, mine = _claim_mass_send(article, clientmsgid, user)
    if not mine:
        return send, False
    data = {
        "filter": {"is_to_all": True},
        "mpnews": {"media_id": article.media_id},
        "msgtype": "mpnews",
        "send_ignore_reprint": 0,
        "clientmsgid": clientmsgid,
    }
    client = client or client_for(article.account, sleep=sleep)
    try:
        answer = client.post_json("message/mass/sendall", data)
    except WeChatAPIError as exc:
        if exc.code != 45065:  # 45065: WeChat already has this clientmsgid, i.e. it went out
            send.status, send.error = WeChatMassSend.Status.FAILED, exc.reason
            send.save(update_fields=["status", "error", "updated_at"])
            raise PublishError(exc.reason, retryable=exc.retryable, code=exc.code) from exc
        answer = {}
    send.status, send.msg_id = WeChatMassSend.Status.SENT, str(answer.get("msg_id", ""))
    send.save(update_fields=["status", "msg_id", "updated_at"])
    return send, True


def _rendition_bytes(image, spec):
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as fh:
        return fh.read()


def _fit_jpeg(data, max_bytes):
    """Re-encode a JPEG at falling quality until it fits (WeChat refuses larger files)."""
    if len(data) <= max_bytes:
        return data
    img = PILImage.open(io.BytesIO(data)).convert("RGB")
    for quality in (75, 65, 55, 45, 35, 25):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= max_bytes:
            return out.getvalue()
        if quality == 45:
            img = img.resize((img.width * 3 // 4, img.height * 3 // 4))
    return out.getvalue()
