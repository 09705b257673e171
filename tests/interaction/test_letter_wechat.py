"""A follower asks the site's Official Account for a letter's status ("查询 <code>
<password>"), through the real callback (signed, encrypted, as WeChat posts it): the
status, the reply, one answer for a wrong code or password, a prompt for the password,
no other site's letters, markup escaped; other text still searches."""

import pytest

from interaction.mailbox import LetterStatus
from tests.channels.wechat_inbound import (
    WeChat,
    fresh_cache,  # noqa: F401 - autouse: each test starts with an empty cache
    make_account,
    searches,
    text_xml,
)
from tests.factories import make_site
from tests.interaction.mailbox_builders import PASSWORD, make_letter, make_mailbox

MISMATCH = "查询编号或查询密码不正确"


@pytest.fixture
def portal(client):
    site, account = make_account(hostname="www.wxletter.localhost")
    mailbox = make_mailbox(site)
    other = make_mailbox(make_site(hostname="other.wxletter.localhost"))
    return WeChat(client), mailbox, other


def ask(wechat, text, msg_id):
    reply = wechat.reply(wechat.post(text_xml(text, msg_id=msg_id)))
    assert reply["MsgType"] == "text"
    return reply["Content"]


def test_status_and_reply_by_message(portal):
    wechat, mailbox, _ = portal
    letter = make_letter(
        mailbox, title="<a href='http://evil'>x</a>", status=LetterStatus.REPLIED,
        reply="已协调供电公司处理。", reply_unit="市发改委",
    )  # fmt: skip
    before = searches()
    text = ask(wechat, f"查询 {letter.tracking_code.lower()} {PASSWORD}", 5001)
    assert searches() == before  # the password never reaches the search log
    assert letter.tracking_code in text and "已答复" in text and "已协调供电公司处理。" in text
    assert "<a href='http://evil'>" not in text and "&lt;a href=" in text
    assert mailbox.url.strip("/").split("/")[-1] in text  # the link to the lookup page


def test_code_alone_asks_for_the_password(portal):
    wechat, mailbox, _ = portal
    letter = make_letter(mailbox)
    text = ask(wechat, f"查询 {letter.tracking_code}", 5002)
    assert "查询密码" in text and letter.tracking_code in text and "待受理" not in text


def test_wrong_password_unknown_code_and_other_site_answer_alike(portal):
    wechat, mailbox, other = portal
    mine, foreign = make_letter(mailbox), make_letter(other)
    answers = [
        ask(wechat, f"查询 {mine.tracking_code} wrong-password", 5003),
        ask(wechat, f"查询 ZZZZZZZZZZ {PASSWORD}", 5004),
        ask(wechat, f"查询 {foreign.tracking_code} {PASSWORD}", 5005),
    ]
    assert all(MISMATCH in answer for answer in answers)
    assert len(set(answers)) == 1


def test_other_text_still_searches(portal):
    wechat, _, _ = portal
    before = searches()
    reply = wechat.reply(wechat.post(text_xml("公积金", msg_id=5006)))
    assert reply["MsgType"] == "text" and "没有找到" in reply["Content"]
    assert searches() == before + 1
