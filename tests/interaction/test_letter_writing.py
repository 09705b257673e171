"""Writing a letter to a mailbox (I01) on the web without JavaScript: the form and its
error summary, the tracking code and password shown once, deadlines in working days, the
challenge, the rate limit, a closed mailbox, attachments through the upload policy, and
duplicate detection; the mailbox page with its published letters."""

import datetime as dt
import io
import re

from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from interaction.duplicates import find_original
from interaction.letter_submission import ALPHABET, submit
from interaction.mailbox import Letter, LetterEvent, LetterPage, LetterStatus
from tests.factories import make_site
from tests.interaction.mailbox_builders import SHANGHAI, make_mailbox

HOST = "letters.test.localhost"
NUMBERS = "零一二三四五六七八九十"


def solve(html):
    """Answer the verification question the way a person does: read it in words."""
    a, b = re.search(r"验证问题：(.)加(.)等于几", html).groups()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return str(NUMBERS.index(a) + NUMBERS.index(b)), token


def letter_post(client, mailbox, host=HOST, files=None, **fields):
    html = client.get(mailbox.url + "xiexin/", HTTP_HOST=host).content.decode()
    answer, token = solve(html)
    data = {
        "category": "suggest",
        "title": "关于增设公交线路的建议",
        "content": "建议开通从火车站到市政府的公交专线，方便群众办事。",
        "consent_publish": "on",
        "answer": answer,
        "token": token,
        **fields,
    }
    if files:
        data["attachments"] = files
    return client.post(mailbox.url + "xiexin/", data, HTTP_HOST=host)


def jpeg_with_exif():
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SECRET-CAMERA-MAKER"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue() + b"<script>alert(1)</script>"  # a payload appended after the image


class LetterWritingTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.mailbox = make_mailbox(cls.site, introduction="市长信箱受理群众来信。")
        cls.closed = make_mailbox(cls.site, title="已关闭信箱", accepts_letters=False)

    def setUp(self):
        cache.clear()

    def test_form_is_accessible_without_javascript(self):
        response = self.client.get(self.mailbox.url + "xiexin/", HTTP_HOST=HOST)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert "<legend>" in html and 'for="id_title"' in html and 'for="id_content"' in html
        assert "验证问题：" in html and 'name="website"' in html
        assert "15个工作日" in html or "15 个工作日" in html or "15" in html
        assert '<script src="http' not in html  # no third-party assets

    def test_a_letter_is_received_with_code_password_deadlines_and_event(self):
        response = letter_post(
            self.client, self.mailbox, name="张三", phone="13800000000", password="mysecret9"
        )
        assert response.status_code == 201
        html = response.content.decode()
        letter = Letter.objects.get(mailbox=self.mailbox)
        assert letter.tracking_code in html and "mysecret9" in html
        assert "只显示这一次" in html or "shown only this once" in html
        assert len(letter.tracking_code) == 10 and set(letter.tracking_code) <= set(ALPHABET)
        assert letter.password_hash != "mysecret9" and check_password("mysecret9", letter.password_hash)
        assert letter.status == LetterStatus.RECEIVED and letter.consent_publish
        assert letter.accept_due and letter.reply_due and letter.reply_due > letter.accept_due
        assert letter.sender and letter.fingerprint
        assert list(letter.events.values_list("action", flat=True)) == ["submitted"]

    def test_generated_password_when_none_is_chosen(self):
        response = letter_post(self.client, self.mailbox)
        assert response.status_code == 201
        letter = Letter.objects.get(mailbox=self.mailbox)
        password = re.search(r'id="query-password">([^<]+)<', response.content.decode()).group(1)
        assert len(password) == 8 and check_password(password, letter.password_hash)

    def test_errors_are_a_400_with_a_linked_summary_and_nothing_stored(self):
        response = letter_post(self.client, self.mailbox, title="", content="短", email="not-an-email")
        assert response.status_code == 400
        html = response.content.decode()
        assert 'role="alert"' in html
        for field in ("title", "content", "email"):
            assert f'href="#id_{field}"' in html
            assert f'id="id_{field}_error"' in html
        assert 'aria-invalid="true"' in html
        assert not Letter.objects.exists()

    def test_wrong_challenge_and_honeypot_are_refused(self):
        response = letter_post(self.client, self.mailbox, answer="99")
        assert response.status_code == 400 and "验证问题" in response.content.decode()
        response = letter_post(self.client, self.mailbox, website="http://spam.example")
        assert response.status_code == 400
        assert not Letter.objects.exists()

    def test_a_token_answers_once(self):
        html = self.client.get(self.mailbox.url + "xiexin/", HTTP_HOST=HOST).content.decode()
        answer, token = solve(html)
        data = {
            "category": "help",
            "title": "求助一件事情",
            "content": "请帮助解决小区供水问题。谢谢。",
            "answer": answer,
            "token": token,
        }
        assert self.client.post(self.mailbox.url + "xiexin/", data, HTTP_HOST=HOST).status_code == 201
        assert self.client.post(self.mailbox.url + "xiexin/", data, HTTP_HOST=HOST).status_code == 400

    @override_settings(LETTER_RATE=(2, 3600))
    def test_rate_limit_is_a_429(self):
        for n in range(2):
            assert letter_post(self.client, self.mailbox, title=f"第{n}封信的标题").status_code == 201
        response = letter_post(self.client, self.mailbox, title="第三封信的标题")
        assert response.status_code == 429
        assert Letter.objects.count() == 2

    def test_closed_mailbox_shows_no_form(self):
        response = self.client.get(self.closed.url + "xiexin/", HTTP_HOST=HOST)
        assert response.status_code == 200 and '<form class="public-form"' not in response.content.decode()
        response = self.client.post(self.closed.url + "xiexin/", {"title": "x"}, HTTP_HOST=HOST)
        assert response.status_code == 403
        assert not Letter.objects.exists()

    def test_other_methods_are_refused(self):
        assert self.client.put(self.mailbox.url + "xiexin/", HTTP_HOST=HOST).status_code == 405

    def test_image_is_re_encoded_without_metadata_or_payload(self):
        upload = SimpleUploadedFile("photo.jpg", jpeg_with_exif(), content_type="image/jpeg")
        assert letter_post(self.client, self.mailbox, files=[upload]).status_code == 201
        attachment = Letter.objects.get().attachments.get()
        data = attachment.file.read()
        assert b"SECRET-CAMERA-MAKER" not in data and b"<script>" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (40, 30)
            assert not image.getexif()

    def test_disguised_and_oversized_files_are_refused(self):
        html_as_pdf = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
        response = letter_post(self.client, self.mailbox, files=[html_as_pdf])
        assert response.status_code == 400 and "文件内容与扩展名" in response.content.decode()
        exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00")
        assert letter_post(self.client, self.mailbox, files=[exe]).status_code == 400
        with override_settings(LETTER_ATTACHMENT_MAX_BYTES=100):
            big = SimpleUploadedFile("big.txt", b"a" * 200)
            assert letter_post(self.client, self.mailbox, files=[big]).status_code == 400
        four = [SimpleUploadedFile(f"n{i}.txt", b"note") for i in range(4)]
        assert letter_post(self.client, self.mailbox, files=four).status_code == 400
        assert not Letter.objects.exists()

    def test_documents_are_stored_as_sent(self):
        note = SimpleUploadedFile("说明.txt", "小区平面图说明".encode())
        assert letter_post(self.client, self.mailbox, files=[note]).status_code == 201
        attachment = Letter.objects.get().attachments.get()
        assert attachment.original_name == "说明.txt" and attachment.size == len("小区平面图说明".encode())

    def test_mailbox_page_lists_published_letters_newest_reply_first_with_pages(self):
        start = dt.datetime(2014, 3, 3, 9, tzinfo=SHANGHAI)
        for n in range(17):
            page = LetterPage(
                title=f"已公开来信{n:02d}",
                slug=f"published-{n}",
                category="consult",
                question="问题",
                writer="张*",
                received_at=start,
                replied_at=start + dt.timedelta(days=n),
                reply_unit="市交通运输局",
                reply="答复",
            )
            self.mailbox.add_child(instance=page)
            page.save_revision().publish()
        html = self.client.get(self.mailbox.url, HTTP_HOST=HOST).content.decode()
        assert "市长信箱受理群众来信。" in html
        assert f'href="{self.mailbox.url}xiexin/"' in html and f'href="{self.mailbox.url}chaxun/"' in html
        assert f'href="{self.mailbox.url}tongji/"' in html
        assert html.index("已公开来信16") < html.index("已公开来信15")
        assert "已公开来信01" not in html and 'rel="next"' in html
        second = self.client.get(self.mailbox.url, {"page": 2}, HTTP_HOST=HOST).content.decode()
        assert "已公开来信01" in second and "已公开来信16" not in second
        assert self.client.get(self.mailbox.url, {"page": "x"}, HTTP_HOST=HOST).status_code == 200


class DuplicateTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="dup.test.localhost")
        cls.mailbox = make_mailbox(cls.site)
        cls.data = {
            "category": "complain",
            "title": "噪音扰民投诉",
            "content": "某工地夜间施工噪音很大，影响休息。",
        }

    def test_same_writer_near_identical_text_is_a_duplicate_counted_once(self):
        first, _ = submit(self.mailbox, self.data, sender="a" * 64)
        again = {**self.data, "content": "某工地夜间施工噪音很大,影响休息!!"}  # punctuation and width differ
        second, _ = submit(self.mailbox, again, sender="a" * 64)
        by_phone = {**self.data, "phone": "13800000000"}
        third, _ = submit(self.mailbox, by_phone, sender="b" * 64)
        fourth, _ = submit(self.mailbox, by_phone, sender="c" * 64)  # another address, same phone
        assert first.status == LetterStatus.RECEIVED and third.status == LetterStatus.RECEIVED
        assert second.status == LetterStatus.DUPLICATE and second.duplicate_of == first
        assert fourth.status == LetterStatus.DUPLICATE and fourth.duplicate_of == third
        assert LetterEvent.objects.filter(letter=second, action="duplicate").exists()
        # Counted once: one original per writer and text.
        originals = Letter.objects.filter(mailbox=self.mailbox).exclude(status=LetterStatus.DUPLICATE)
        assert originals.count() == 2

    def test_a_repeat_of_a_duplicate_points_at_the_first(self):
        first, _ = submit(self.mailbox, self.data, sender="d" * 64)
        submit(self.mailbox, self.data, sender="d" * 64)
        third, _ = submit(self.mailbox, self.data, sender="d" * 64)
        assert third.duplicate_of == first

    def test_other_writer_other_text_or_outside_the_window_is_no_duplicate(self):
        first, _ = submit(self.mailbox, self.data, sender="e" * 64)
        other_writer, _ = submit(self.mailbox, self.data, sender="f" * 64)
        other_text, _ = submit(
            self.mailbox, {**self.data, "content": "建议在中心城区增加公共停车场。"}, sender="e" * 64
        )
        assert other_writer.status == other_text.status == LetterStatus.RECEIVED
        later = first.submitted_at + dt.timedelta(days=31)
        text = {"title": self.data["title"], "content": self.data["content"]}
        assert find_original(self.mailbox, sender="e" * 64, phone="", email="", at=later, **text) is None
        assert find_original(self.mailbox, sender="e" * 64, phone="", email="", at=first.submitted_at, **text)


class ScriptInertTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="inert.test.localhost")
        cls.mailbox = make_mailbox(cls.site)

    def test_script_in_a_published_letter_is_escaped(self):
        script = "<script>alert(1)</script>"
        page = LetterPage(
            title=script, slug="inert", category="other", question=script, writer="<b>x</b>",
            received_at=dt.datetime(2014, 1, 2, tzinfo=SHANGHAI), replied_at=dt.datetime(2014, 1, 9, tzinfo=SHANGHAI),
            reply_unit=script, reply=script,
        )  # fmt: skip
        self.mailbox.add_child(instance=page)
        page.save_revision().publish()
        for url in (page.url, self.mailbox.url):
            html = self.client.get(url, HTTP_HOST="inert.test.localhost").content.decode()
            assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<b>x</b>" not in html
        page_html = self.client.get(page.url, HTTP_HOST="inert.test.localhost").content.decode()
        assert "&lt;b&gt;x&lt;/b&gt;" in page_html
