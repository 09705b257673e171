"""Handling letters (I01): every step and who may take it, in interaction.handling and
through the admin (信件办理): site isolation, unit members, no self-approval, forged
POSTs, publication of the masked letter, and script kept inert in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_save
from django.test import TestCase
from django.urls import reverse
from wagtail.signals import page_published

from interaction import handling
from interaction.mailbox import HandlerMembership, Letter, LetterEvent, LetterPage, LetterStatus
from tests.factories import make_organisation, make_site, make_user
from tests.interaction.mailbox_builders import make_letter, make_mailbox

S = LetterStatus
SCRIPT = '<script>alert("x")</script>'


def _admin_access(user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


class HandlingTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="letters.test.localhost", name="郴州市人民政府")
        cls.other = make_site(hostname="other.test.localhost", name="资兴市人民政府")
        cls.mailbox = make_mailbox(cls.site, title="市长信箱")
        cls.other_mailbox = make_mailbox(cls.other, title="市长信箱（资兴）")
        cls.editor = make_user("editor", cls.site.groups["editor"])
        cls.approver = make_user("approver", cls.site.groups["approver"])
        cls.stranger = make_user("stranger", cls.other.groups["approver"])
        cls.unit = make_organisation("郴州市住房和城乡建设局")
        cls.other_unit = make_organisation("郴州市交通运输局")
        cls.member = _admin_access(make_user("member"))
        HandlerMembership.objects.create(user=cls.member, organisation=cls.unit)

    def letter(self, **fields):
        return make_letter(self.mailbox, **fields)

    def events(self, letter):
        return list(letter.events.values_list("action", flat=True))

    # -- the steps ------------------------------------------------------------------------

    def test_the_whole_way_from_received_to_published(self):
        letter = self.letter(name="张三丰", phone="13800000000", consent_publish=True)
        saved = []

        def on_save(sender, instance, **kwargs):
            saved.append(instance.status)

        post_save.connect(on_save, sender=Letter)
        try:
            handling.accept(letter, self.editor)
            handling.assign(letter, self.editor, self.other_unit)
            handling.assign(letter, self.editor, self.unit)  # passed on again
            handling.draft_reply(letter, self.member, "已安排增设停车位。", "")
            handling.approve_reply(letter, self.approver)
        finally:
            post_save.disconnect(on_save, sender=Letter)
        letter.refresh_from_db()
        assert saved == [S.ACCEPTED, S.ASSIGNED, S.ASSIGNED, S.REVIEWING, S.REPLIED]
        assert letter.status == S.REPLIED and letter.accepted_at and letter.replied_at
        assert letter.handling_unit == self.unit and letter.reply_unit == "郴州市住房和城乡建设局"
        assert letter.reply_drafted_by == self.member and letter.reply_reviewed_by == self.approver
        assert self.events(letter) == ["accepted", "assigned", "assigned", "drafted", "replied"]
        assert "郴州市住房和城乡建设局" in letter.events.filter(action="assigned").last().note
        # The writer's lookup leaves out the internal steps.
        assert [e.action for e in handling.public_events(letter)] == [
            "accepted",
            "assigned",
            "assigned",
            "replied",
        ]

        published = []

        def on_publish(sender, instance, **kwargs):
            published.append(instance.pk)

        page_published.connect(on_publish)
        try:
            page = handling.publish_letter(
                letter, self.approver, title="关于增设停车位的建议", question="小区停车难。"
            )
        finally:
            page_published.disconnect(on_publish)
        letter.refresh_from_db()
        assert letter.page == page and page.live and published == [page.pk]
        assert page.get_parent().pk == self.mailbox.pk
        assert page.title == "关于增设停车位的建议" and page.question == "小区停车难。"
        assert page.writer == "张**" and page.reply == "已安排增设停车位。"
        assert page.received_at == letter.submitted_at and page.replied_at == letter.replied_at
        assert page.reply_unit == "郴州市住房和城乡建设局"
        assert "13800000000" not in str(vars(page)) and "张三丰" not in str(vars(page))

        with pytest.raises(PermissionDenied):  # an editor may not take it off the site
            handling.unpublish(letter, self.editor)
        handling.unpublish(letter, self.approver)
        assert not LetterPage.objects.get(pk=page.pk).live
        with pytest.raises(PermissionDenied):
            handling.publish_letter(letter, self.editor)
        handling.publish_letter(letter, self.approver)  # again: the same page, live again
        assert LetterPage.objects.filter(pk=page.pk, live=True).exists() and LetterPage.objects.count() == 1

    def test_reject_needs_a_reason_the_writer_sees(self):
        letter = self.letter()
        with pytest.raises(handling.HandlingError):
            handling.reject(letter, self.editor, "  ")
        handling.reject(letter, self.editor, "不属于本机关职责范围。")
        letter.refresh_from_db()
        assert letter.status == S.REJECTED and letter.rejection_reason == "不属于本机关职责范围。"
        assert handling.public_events(letter).get().note == "不属于本机关职责范围。"
        with pytest.raises(handling.HandlingError):
            handling.accept(letter, self.editor)

    def test_duplicate_merges_into_the_first_letter_of_the_same_mailbox(self):
        first = self.letter()
        second = self.letter()
        third = self.letter()
        handling.mark_duplicate(second, self.editor, first)
        handling.mark_duplicate(third, self.editor, second)  # merged into the first, not chained
        third.refresh_from_db()
        assert third.status == S.DUPLICATE and third.duplicate_of == first
        foreign = make_letter(self.other_mailbox)
        with pytest.raises(handling.HandlingError):
            handling.mark_duplicate(self.letter(), self.editor, foreign)
        lone = self.letter()
        with pytest.raises(handling.HandlingError):
            handling.mark_duplicate(lone, self.editor, lone)

    def test_return_sends_the_reply_back_to_the_unit(self):
        letter = self.letter(status=S.ASSIGNED, handling_unit=self.unit)
        handling.draft_reply(letter, self.member, "初稿。", "住建局")
        handling.return_reply(letter, self.approver, "请补充办理时限。")
        letter.refresh_from_db()
        assert letter.status == S.ASSIGNED
        event = letter.events.last()
        assert event.action == "returned" and event.note == "请补充办理时限。"
        assert event not in handling.public_events(letter)

    def test_nobody_approves_their_own_reply(self):
        letter = self.letter(status=S.ASSIGNED, handling_unit=self.unit)
        handling.draft_reply(letter, self.approver, "我写的答复。")
        with pytest.raises(PermissionDenied):
            handling.approve_reply(letter, self.approver)
        assert "approve" not in handling.allowed_actions(self.approver, letter)
        handling.approve_reply(letter, self.editor)
        assert Letter.objects.get(pk=letter.pk).status == S.REPLIED

    def test_publication_needs_the_writers_consent_and_a_reply(self):
        letter = self.letter(status=S.ASSIGNED, handling_unit=self.unit)
        with pytest.raises(handling.HandlingError):
            handling.publish_letter(letter, self.approver)
        replied = self.letter(status=S.REPLIED, reply="答复。", consent_publish=False)
        with pytest.raises(handling.HandlingError):
            handling.publish_letter(replied, self.approver)
        assert not LetterPage.objects.exists()

    def test_anonymous_writer_is_masked_as_such(self):
        assert handling.mask_name("") == "匿名"
        assert handling.mask_name("李") == "李*"
        assert handling.mask_name("欧阳修") == "欧**"

    # -- who may do what ------------------------------------------------------------------

    def test_a_unit_member_sees_and_drafts_only_letters_passed_to_the_unit(self):
        mine = self.letter(status=S.ASSIGNED, handling_unit=self.unit)
        elsewhere = self.letter(status=S.ASSIGNED, handling_unit=self.other_unit)
        waiting = self.letter()
        assert list(handling.visible_letters(self.member)) == [mine]
        assert handling.allowed_actions(self.member, mine) == ["draft"]
        for step in (handling.accept, lambda letter, user: handling.reject(letter, user, "x")):
            with pytest.raises(PermissionDenied):
                step(waiting, self.member)
        with pytest.raises(PermissionDenied):
            handling.draft_reply(elsewhere, self.member, "答复")
        with pytest.raises(PermissionDenied):
            handling.assign(mine, self.member, self.other_unit)
        # Passed on to another unit: gone from the member's view.
        handling.assign(mine, self.editor, self.other_unit)
        assert not handling.visible_letters(self.member).exists()

    def test_another_sites_editor_sees_nothing_and_may_do_nothing(self):
        letter = self.letter()
        assert not handling.visible_letters(self.stranger).filter(pk=letter.pk).exists()
        assert handling.visible_letters(self.stranger).count() == 0
        with pytest.raises(PermissionDenied):
            handling.accept(letter, self.stranger)
        assert set(handling.visible_letters(self.editor)) == {letter}


class LetterAdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="letters-admin.test.localhost", name="郴州市人民政府")
        cls.other = make_site(hostname="other-admin.test.localhost", name="资兴市人民政府")
        cls.mailbox = make_mailbox(cls.site, title="市长信箱")
        cls.other_mailbox = make_mailbox(cls.other, title="资兴信箱")
        cls.editor = make_user("editor", cls.site.groups["editor"])
        cls.approver = make_user("approver", cls.site.groups["approver"])
        cls.stranger = make_user("stranger", cls.other.groups["approver"])
        cls.unit = make_organisation("郴州市住房和城乡建设局")
        cls.member = _admin_access(make_user("member"))
        HandlerMembership.objects.create(user=cls.member, organisation=cls.unit)
        cls.letter = make_letter(
            cls.mailbox,
            title=f"标题{SCRIPT}",
            content=f"内容{SCRIPT}",
            name=f"张{SCRIPT}",
            consent_publish=True,
        )
        cls.foreign = make_letter(cls.other_mailbox, title="资兴的来信")

    def url(self, letter, action=None):
        if action:
            return reverse("interaction_letter_action", args=[letter.pk, action])
        return reverse("interaction_letter", args=[letter.pk])

    def as_user(self, user):
        self.client.force_login(user)
        return self.client

    def test_list_shows_only_the_sites_letters_escaped(self):
        html = self.as_user(self.editor).get(reverse("interaction_letters")).content.decode()
        assert "&lt;script&gt;" in html and SCRIPT not in html
        assert "资兴的来信" not in html
        assert "信件办理" in html and "待受理" in html
        html = self.as_user(self.stranger).get(reverse("interaction_letters")).content.decode()
        assert "资兴的来信" in html and "标题&lt;script" not in html

    def test_detail_escapes_every_field_and_another_site_gets_404(self):
        html = self.as_user(self.editor).get(self.url(self.letter)).content.decode()
        assert SCRIPT not in html and html.count("&lt;script&gt;") >= 3
        assert 'data-action="accept"' in html and 'data-action="reject"' in html
        assert 'data-action="approve"' not in html
        assert self.as_user(self.stranger).get(self.url(self.letter)).status_code == 404
        assert self.as_user(self.member).get(self.url(self.letter)).status_code == 404

    def test_filters_and_bad_filter_values(self):
        client = self.as_user(self.editor)
        response = client.get(reverse("interaction_letters"), {"status": "replied"})
        assert response.status_code == 200 and "标题&lt;script" not in response.content.decode()
        response = client.get(reverse("interaction_letters"), {"status": "nonsense", "mailbox": "x"})
        assert response.status_code == 400 and "filter-errors" in response.content.decode()
        response = client.get(reverse("interaction_letters"), {"mailbox": self.other_mailbox.pk})
        assert response.status_code == 400  # another site's mailbox is not a choice
        assert client.get(reverse("interaction_letters"), {"p": "zzz"}).status_code == 200

    def test_steps_through_the_admin(self):
        letter = make_letter(self.mailbox, consent_publish=True)
        client = self.as_user(self.editor)
        response = client.post(self.url(letter, "accept"))
        assert response.status_code == 302
        response = client.post(self.url(letter, "assign"), {"assign-unit": self.unit.pk})
        assert response.status_code == 302
        letter.refresh_from_db()
        assert letter.status == S.ASSIGNED and letter.handling_unit == self.unit
        member = self.as_user(self.member)
        html = member.get(self.url(letter)).content.decode()
        assert 'data-action="draft"' in html and 'data-action="assign"' not in html
        response = member.post(self.url(letter, "draft"), {"draft-reply": "已处理。", "draft-reply_unit": ""})
        assert response.status_code == 302
        # The drafter may not approve: an approver may.
        response = self.as_user(self.approver).post(self.url(letter, "approve"))
        assert response.status_code == 302
        response = self.as_user(self.approver).post(
            self.url(letter, "publish"),
            {"publish-title": "公开标题", "publish-question": "公开内容", "publish-reply": "已处理。"},
        )
        assert response.status_code == 302
        letter.refresh_from_db()
        assert letter.status == S.REPLIED and letter.page.live and letter.page.title == "公开标题"

    def test_forged_posts_get_4xx_with_a_chinese_message(self):
        letter = make_letter(self.mailbox)
        # Another site's editor: the letter does not exist for them.
        assert self.as_user(self.stranger).post(self.url(letter, "accept")).status_code == 404
        # A unit member on a letter not passed to them.
        assert self.as_user(self.member).post(self.url(letter, "accept")).status_code == 404
        client = self.as_user(self.editor)
        # Wrong state: approving a letter nobody replied to.
        response = client.post(self.url(letter, "approve"))
        assert response.status_code == 400 and "不能" in response.content.decode()
        # Invalid form data and unknown steps.
        response = client.post(self.url(letter, "assign"), {"assign-unit": "999999"})
        assert response.status_code == 400
        response = client.post(self.url(letter, "reject"), {"reject-reason": ""})
        assert response.status_code == 400
        assert client.post(self.url(letter, "explode")).status_code == 404
        assert client.get(self.url(letter, "accept")).status_code == 405
        assert Letter.objects.get(pk=letter.pk).status == S.RECEIVED
        assert not LetterEvent.objects.filter(letter=letter).exists()

    def test_self_approval_through_the_admin_is_refused(self):
        letter = make_letter(self.mailbox, status=S.ASSIGNED, handling_unit=self.unit)
        client = self.as_user(self.approver)
        assert (
            client.post(
                self.url(letter, "draft"), {"draft-reply": "答复", "draft-reply_unit": ""}
            ).status_code
            == 302
        )
        response = client.post(self.url(letter, "approve"))
        assert response.status_code == 403 and "自己" in response.content.decode()
        assert Letter.objects.get(pk=letter.pk).status == S.REVIEWING

    def test_dashboard_panel_lists_pressing_letters(self):
        overdue = make_letter(self.mailbox, title="逾期的信", accept_due="2000-01-10", reply_due="2000-01-31")
        html = self.as_user(self.editor).get(reverse("wagtailadmin_home")).content.decode()
        assert "逾期的信" in html and "letters-due" in html and "已超期" in html
        html = self.as_user(self.stranger).get(reverse("wagtailadmin_home")).content.decode()
        assert "逾期的信" not in html
        assert overdue.pk

    def test_menu_and_memberships_snippet(self):
        html = self.as_user(self.editor).get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("interaction_letters") in html
        superuser = make_user("root", superuser=True)
        response = self.as_user(superuser).get(reverse("wagtailsnippets_interaction_handlermembership:list"))
        assert response.status_code == 200 and "member" in response.content.decode()
        response = self.as_user(self.editor).get(
            reverse("wagtailsnippets_interaction_handlermembership:list")
        )
        assert response.status_code in (302, 403)


class AttachmentDownloadTest(TestCase):
    """A writer's files are stored under random names and reach handlers only through the
    admin's download, which checks who asks."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="files.test.localhost", name="郴州市人民政府")
        cls.other = make_site(hostname="files-other.test.localhost", name="资兴市人民政府")
        cls.mailbox = make_mailbox(cls.site, title="市长信箱")
        cls.editor = make_user("files-editor", cls.site.groups["editor"])
        cls.stranger = make_user("files-stranger", cls.other.groups["approver"])
        cls.letter = make_letter(cls.mailbox)

    def setUp(self):
        from django.core.files.base import ContentFile

        from interaction.mailbox import LetterAttachment

        self.attachment = LetterAttachment.objects.create(
            letter=self.letter,
            file=ContentFile(b"%PDF-1.4 test", name="张三身份证.pdf"),
            original_name="张三身份证.pdf",
            size=13,
        )

    def url(self):
        return reverse("interaction_letter_attachment", args=[self.letter.pk, self.attachment.pk])

    def test_stored_under_a_random_name(self):
        stored = self.attachment.file.name
        assert "张三" not in stored and stored.startswith("letters/") and stored.endswith(".pdf")
        assert len(stored.rsplit("/", 1)[1]) == 32 + len(".pdf")

    def test_the_handler_downloads_it_with_its_name(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert "attachment" in response["Content-Disposition"]
        detail = self.client.get(reverse("interaction_letter", args=[self.letter.pk])).content.decode()
        assert self.url() in detail and self.attachment.file.url not in detail

    def test_another_sites_user_gets_nothing(self):
        self.client.force_login(self.stranger)
        assert self.client.get(self.url()).status_code == 404
