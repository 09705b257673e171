"""The writer's letter endpoints of the app API (/api/v1/letters/): the site's mailboxes,
the verification question, writing (JSON and multipart with attachments), lookup and
evaluation, all scoped to the request's site, with Chinese problem+json errors and in the
OpenAPI schema."""

import io
import re

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from interaction.mailbox import Letter, LetterStatus, Satisfaction
from tests.factories import make_site
from tests.interaction.mailbox_builders import PASSWORD, make_letter, make_mailbox

HOST = "letterapi.test.localhost"
OTHER = "letterapi-other.test.localhost"
NUMBERS = "零一二三四五六七八九十"
SCRIPT = "<script>alert(1)</script>"


class LetterApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.mailbox = make_mailbox(cls.site)
        cls.closed = make_mailbox(cls.site, title="暂停信箱", accepts_letters=False)
        cls.other_site = make_site(hostname=OTHER)
        cls.foreign = make_mailbox(cls.other_site, title="外站信箱")
        cls.replied = make_letter(
            cls.mailbox, status=LetterStatus.REPLIED, reply="已处理。", reply_unit="市住建局"
        )
        cls.foreign_letter = make_letter(cls.foreign)

    def setUp(self):
        cache.clear()

    def challenge(self, host=HOST):
        data = self.client.get("/api/v1/letters/challenge/", HTTP_HOST=host).json()
        a, b = re.search(r"(.)加(.)等于几", data["question"]).groups()
        return {"token": data["token"], "answer": str(NUMBERS.index(a) + NUMBERS.index(b))}

    def letter(self, mailbox=None, **fields):
        return {
            "mailbox": (mailbox or self.mailbox).pk,
            "category": "consult",
            "title": "关于公积金提取的咨询",
            "content": "请问租房提取公积金需要什么材料？",
            **self.challenge(),
            **fields,
        }

    def post(self, path, data, host=HOST, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        return self.client.post(f"/api/v1/letters/{path}", data, HTTP_HOST=host, **kwargs)

    def test_mailboxes_of_the_site_only(self):
        data = self.client.get("/api/v1/letters/mailboxes/", HTTP_HOST=HOST).json()
        ids = {m["id"] for m in data}
        assert ids == {self.mailbox.pk, self.closed.pk}
        entry = next(m for m in data if m["id"] == self.mailbox.pk)
        assert entry["reply_days"] == 15 and {"value": "consult", "label": "咨询"} in entry["categories"]

    def test_submit_json_then_lookup_and_the_password_is_shown_once(self):
        response = self.post("", self.letter(phone="13900000000", password="secret-77"))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["password"] == "secret-77" and body["status"]["value"] == "received"
        assert response["Cache-Control"] == "private, no-store"
        letter = Letter.objects.get(tracking_code=body["tracking_code"])
        assert letter.phone == "13900000000" and letter.reply_due.isoformat() == body["reply_due"]
        found = self.post("lookup/", {"tracking_code": body["tracking_code"], "password": "secret-77"})
        assert found.status_code == 200
        data = found.json()
        assert data["status"] == {"value": "received", "label": "待受理"}
        assert data["reply"] is None and data["can_evaluate"] is False and "password" not in data

    def test_submit_multipart_with_an_image(self):
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="PNG")
        data = self.letter()
        data["attachments"] = [SimpleUploadedFile("map.png", out.getvalue())]
        response = self.client.post("/api/v1/letters/", data, HTTP_HOST=HOST)
        assert response.status_code == 201, response.content
        assert Letter.objects.get(tracking_code=response.json()["tracking_code"]).attachments.count() == 1

    def test_errors_are_chinese_problems_naming_the_fields(self):
        response = self.post("", self.letter(title="", email="bad"))
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        names = {p["name"] for p in response.json()["invalid_params"]}
        assert {"title", "email"} <= names
        wrong = self.post("", self.letter(answer="99"))
        assert wrong.status_code == 400 and "验证问题" in wrong.json()["detail"]
        for body in ([1, 2], "text", {"mailbox": "x"}, {"mailbox": 2**40}):
            assert self.post("", body).status_code == 400
        assert self.post("", "{not json").status_code == 400
        assert not Letter.objects.filter(mailbox=self.mailbox).exclude(pk=self.replied.pk).exists()

    def test_site_scope_and_closed_mailbox(self):
        assert self.post("", self.letter(mailbox=self.foreign)).status_code == 404
        assert self.post("", self.letter(mailbox=self.closed)).status_code == 403
        code = self.foreign_letter.tracking_code
        assert self.post("lookup/", {"tracking_code": code, "password": PASSWORD}).status_code == 400
        assert (
            self.post("lookup/", {"tracking_code": code, "password": PASSWORD}, host=OTHER).status_code == 200
        )

    @override_settings(LETTER_RATE=(1, 3600))
    def test_writing_is_rate_limited(self):
        assert self.post("", self.letter()).status_code == 201
        assert self.post("", self.letter(title="另一封来信的标题")).status_code == 429

    def test_wrong_password_and_unknown_code_answer_alike(self):
        one = self.post("lookup/", {"tracking_code": self.replied.tracking_code, "password": "nope"})
        two = self.post("lookup/", {"tracking_code": "ZZZZZZZZZZ", "password": "nope"})
        assert one.status_code == two.status_code == 400
        assert one.json() == two.json()

    def test_evaluate_once(self):
        body = {"tracking_code": self.replied.tracking_code, "password": PASSWORD, "satisfaction": 2}
        assert self.post("evaluate/", {**body, "satisfaction": 9}).status_code == 400
        response = self.post("evaluate/", body)
        assert response.status_code == 200
        assert response.json()["satisfaction"] == {"value": "2", "label": "基本满意"}
        self.replied.refresh_from_db()
        assert self.replied.satisfaction == Satisfaction.BASIC
        assert self.post("evaluate/", body).status_code == 400

    def test_script_stays_text_in_json(self):
        response = self.post("", self.letter(title=SCRIPT + "标题", content=SCRIPT + "内容足够长的来信"))
        body = response.json()
        found = self.post("lookup/", {"tracking_code": body["tracking_code"], "password": body["password"]})
        assert found["Content-Type"].startswith("application/json")
        assert found.json()["title"] == SCRIPT + "标题"  # JSON text; the app renders it as text

    def test_endpoints_are_in_the_openapi_schema(self):
        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
        for path in ("mailboxes/", "challenge/", "", "lookup/", "evaluate/"):
            assert f"/api/v1/letters/{path}" in paths
        assert "multipart/form-data" in paths["/api/v1/letters/"]["post"]["requestBody"]["content"]
