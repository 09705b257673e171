"""The question form's verification token is single-use: a solved question posts one
question, not a batch (issue 14)."""

import secrets

from django.core import signing
from django.test import TestCase

from interaction.forms import CHALLENGE_SALT, _digest, check_challenge
from interaction.interviews import Question
from tests.factories import make_column, make_site
from tests.interaction.builders import make_interview

from .test_interviews import answer_for

HOST = "challenge.test.localhost"


def solved_token(answer=7):
    nonce = secrets.token_hex(8)
    return signing.dumps({"n": nonce, "h": _digest(nonce, answer)}, salt=CHALLENGE_SALT)


def test_a_token_is_accepted_once():
    token = solved_token()
    assert check_challenge(token, "7") is True
    assert check_challenge(token, "7") is False


class SingleUseThroughTheForm(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(HOST)
        cls.page = make_interview(make_column(site.home, title="在线访谈", slug="zxft"))

    def test_a_reused_token_posts_no_second_question(self):
        html = self.client.get(self.page.url, HTTP_HOST=HOST).content.decode()
        answer, token = answer_for(html)
        url = f"/interaction/interviews/{self.page.pk}/ask/"
        form = {"answer": answer, "token": token}
        first = self.client.post(
            url, {**form, "nickname": "网友甲", "text": "第一个问题的内容"}, HTTP_HOST=HOST
        )
        again = self.client.post(
            url, {**form, "nickname": "网友乙", "text": "第二个问题的内容"}, HTTP_HOST=HOST
        )
        assert first.status_code == 302
        assert again.status_code == 400
        assert list(Question.objects.filter(interview=self.page).values_list("nickname", flat=True)) == [
            "网友甲"
        ]
