"""The demo 市长信箱 on the municipal portal (/hdjl/zxts/): a mailbox answered for by the
General Office, the handling units the letters are passed to, and a thousand generated
letters of the first half of 2014 whose statistics reproduce the city's e-government
report: 967 letters received, 906 replied, a reply rate of 93.69 %. Beside them, letters
declined (不予受理) and duplicates merged into earlier ones are counted on their own, as
interaction/letter_statistics.py defines; the 61 letters not yet replied are the latest
ones, still being handled.

Everything is drawn from one seeded generator, so every load gives the same letters;
they are written with bulk_create (the statistics' day table is then rebuilt once), and
about twenty replied letters whose writers agreed are published as letter pages. A
mailbox that already has letters is left alone, so a second load changes nothing.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cms.pages import UpdateFrequency
from cms.slugs import short_slug
from cms.workdays import add_working_days, is_working_day
from interaction.handling import mask_name
from interaction.letter_statistics import rebuild
from interaction.mailbox import Category, Letter, LetterPage, LetterStatus, MailboxPage

SEED = 20140101
FIRST_DAY, LAST_DAY = dt.date(2014, 1, 1), dt.date(2014, 6, 30)
RECEIVED, REPLIED = 967, 906  # the report's figures: 906 ÷ 967 = 93.69 %
REJECTED, DUPLICATES = 38, 23
PUBLISHED = 20
REPLY_DAYS = 15
QUERY_PASSWORD = "demo-letter-2014"  # noqa: S105 - the demo letters' shared query password
S = LetterStatus

# (category, title with {place}, the letter's text, handling unit key of demo/plan.py)
TOPICS = [
    (Category.COMPLAINT, "{place}夜间施工噪音扰民", "{place}附近工地晚上十点后仍在施工，噪音很大，影响居民休息，请有关部门查处。", "fgw"),
    (Category.SUGGESTION, "建议在{place}增设公交站点", "{place}一带居民较多，最近的公交站步行要二十分钟，建议增设站点或调整线路。", "fgw"),
    (Category.CONSULTATION, "咨询{place}学校的入学划片范围", "孩子今年秋季上小学，家住{place}，想了解对口学校和报名需要准备的材料。", "jyj"),
    (Category.COMPLAINT, "{place}校外培训机构收费过高", "{place}一家校外培训机构一次性收取一年费用，且不开发票，请教育部门核查。", "jyj"),
    (Category.HELP, "{place}困难家庭申请低保求助", "我家住{place}，丈夫重病，家庭收入很低，想申请最低生活保障，不知道如何办理。", "mzj"),
    (Category.CONSULTATION, "咨询{place}婚姻登记的办理时间", "请问{place}婚姻登记处周末是否办公，需要预约吗？", "mzj"),
    (Category.COMPLAINT, "{place}路口乱停车严重", "{place}路口早晚高峰经常有车辆乱停乱放，造成拥堵，希望加强管理。", "gaj"),
    (Category.CONSULTATION, "咨询在{place}办理居住证的流程", "我在{place}租房居住，想办理居住证，请问需要哪些材料、多久能办好。", "gaj"),
    (Category.SUGGESTION, "建议公开{place}道路改造资金使用情况", "{place}道路改造工程投入较大，建议公开资金使用和工程进度，接受群众监督。", "czj"),
    (Category.CONSULTATION, "咨询{place}小微企业补贴的申报条件", "我在{place}开了一家小微企业，想了解今年有哪些补贴政策以及申报条件。", "czj"),
    (Category.SUGGESTION, "建议网上行政审批系统提高访问速度", "在{place}办理网上审批时系统访问缓慢，经常提交失败，建议尽快优化。", None),
    (Category.OTHER, "对{place}政务服务窗口的表扬", "前几天在{place}政务服务窗口办事，工作人员耐心细致，特此表扬。", None),
]  # fmt: skip
PLACES = [
    "北湖区国庆南路", "北湖区人民西路", "苏仙区五岭大道", "苏仙区白露塘镇", "郴州大道", "青年大道",
    "燕泉路", "飞虹路", "南湖新城", "下湄桥", "资兴市东江湾", "桂阳县城关镇", "宜章县玉溪镇",
    "永兴县便江镇", "嘉禾县珠泉镇", "临武县舜峰镇", "汝城县卢阳镇", "桂东县沤江镇", "安仁县永乐江镇",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭罗曹邓谢唐"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
]
REPLY = (
    "您好！您反映的“{title}”收悉。经{unit}调查核实，{finding}"
    "感谢您对我市工作的关心和支持，如有疑问可拨打0735-12345咨询。"
)
FINDINGS = [
    "相关情况属实，已责成责任单位限期整改，并将加强日常巡查。",
    "现将有关政策答复如下：符合条件的可携带相关材料到窗口办理，也可在网上办事大厅申请。",
    "已与相关单位协调，将在下一步工作中统筹考虑您的建议。",
    "您反映的问题已于近日处理完毕，欢迎继续监督。",
]


def _moment(day, hour, minute):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _arrival_days(rng, count):
    """`count` arrival days over the half-year, working days three times as likely."""
    days = [FIRST_DAY + dt.timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    weights = [3 if is_working_day(day) else 1 for day in days]
    return sorted(rng.choices(days, weights, k=count))


def _reply_working_days(rng):
    """Most replies within the 15 working days, about one in fifteen later."""
    if rng.random() < 0.065:
        return rng.randint(REPLY_DAYS + 1, REPLY_DAYS + 12)
    return rng.choices(range(2, REPLY_DAYS + 1), weights=[max(1, 12 - abs(n - 7)) for n in range(2, 16)])[0]


def generate_letters(mailbox, units, office):
    """The demo letters of `mailbox` (unsaved, in arrival order). `units` maps the keys of
    TOPICS to handling units; `office` names the replying office for the others."""
    rng = random.Random(SEED)
    total = RECEIVED + REJECTED + DUPLICATES
    password = make_password(QUERY_PASSWORD)
    # Which arrivals are declined or duplicates: spread over the half-year.
    kinds = [S.REJECTED] * REJECTED + [S.DUPLICATE] * DUPLICATES + [None] * RECEIVED
    rng.shuffle(kinds)
    valid_seen, letters = 0, []
    for n, (day, kind) in enumerate(zip(_arrival_days(rng, total), kinds, strict=True)):
        category, title, text, unit_key = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        submitted = _moment(day, rng.randint(7, 22), rng.randint(0, 59))
        letter = Letter(
            mailbox=mailbox,
            tracking_code=f"CZ2014{n + 1:05d}",
            password_hash=password,
            category=category,
            title=title.format(place=place)[:100],
            content=text.format(place=place),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            consent_publish=rng.random() < 0.6,
            submitted_at=submitted,
            accept_due=add_working_days(day, mailbox.accept_days),
            reply_due=add_working_days(day, mailbox.reply_days),
        )
        if kind == S.REJECTED:
            letter.status = S.REJECTED
            letter.rejection_reason = "来信内容不属于本信箱受理范围，请向有关部门反映。"
        elif kind == S.DUPLICATE:
            letter.status = S.DUPLICATE
        else:
            valid_seen += 1
            # The last letters of June are still being handled: 967 − 906 of them.
            replied = valid_seen <= REPLIED
            unit = units.get(unit_key) if rng.random() < 0.88 else None
            accepted = add_working_days(day, 1)
            letter.status = S.REPLIED if replied else rng.choice([S.ASSIGNED, S.REVIEWING])
            letter.accepted_at = _moment(accepted, 9, rng.randint(0, 59))
            letter.handling_unit = unit
            letter.assigned_at = letter.accepted_at if unit else None
            if replied:
                reply_day = add_working_days(day, _reply_working_days(rng))
                letter.replied_at = _moment(reply_day, rng.randint(9, 17), rng.randint(0, 59))
                letter.reply_unit = unit.name if unit else office
                letter.reply = REPLY.format(
                    title=letter.title, unit=letter.reply_unit, finding=rng.choice(FINDINGS)
                )
                if rng.random() < 0.45:
                    letter.satisfaction = rng.choices((3, 2, 1), weights=(70, 22, 8))[0]
                    letter.evaluated_at = letter.replied_at + dt.timedelta(days=rng.randint(1, 10))
        letters.append(letter)
    # A duplicate is the same writer's same letter again: a copy of an earlier valid one.
    last_valid = None
    for letter in letters:
        if letter.status == S.DUPLICATE and last_valid is not None:
            letter._original = last_valid
            for name in ("category", "title", "content", "name"):
                setattr(letter, name, getattr(last_valid, name))
        elif letter.status not in (S.REJECTED, S.DUPLICATE):
            last_valid = letter
    return letters


# Letters of the last days before the demo's "now", in every state of handling: what a
# handler meets on the dashboard (due soon, overdue) and what the reminders are about.
# (working days before now, status, unit key or None, working days taken to reply)
RECENT = [
    (0, S.RECEIVED, None, None),
    (1, S.RECEIVED, None, None),
    (3, S.ACCEPTED, None, None),
    (6, S.ASSIGNED, "gaj", None),
    (12, S.ASSIGNED, "jyj", None),
    (14, S.REVIEWING, "mzj", None),
    (17, S.ASSIGNED, "czj", None),
    (9, S.REPLIED, "fgw", 6),
]


def _working_days_before(day, count):
    while count:
        day -= dt.timedelta(days=1)
        count -= is_working_day(day)
    return day


def recent_letters(mailbox, units, office, now):
    """The RECENT letters (unsaved), relative to `now`, with deadlines from the calendar."""
    rng = random.Random(f"{SEED}-recent")
    today = timezone.localdate(now)
    password = make_password(QUERY_PASSWORD)
    letters = []
    for n, (back, status, unit_key, reply_after) in enumerate(RECENT, 1):
        category, title, text, _ = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        day = _working_days_before(today, back)
        letter = Letter(
            mailbox=mailbox,
            tracking_code=f"CZ{today:%Y}R{n:04d}",
            password_hash=password,
            category=category,
            title=title.format(place=place)[:100],
            content=text.format(place=place),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            consent_publish=True,
            submitted_at=_moment(day, 9 + n, 10),
            status=status,
            accept_due=add_working_days(day, mailbox.accept_days),
            reply_due=add_working_days(day, mailbox.reply_days),
        )
        if status != S.RECEIVED:
            letter.accepted_at = _moment(add_working_days(day, 1), 9, 30)
        unit = units.get(unit_key)
        if unit is not None:
            letter.handling_unit, letter.assigned_at = unit, letter.accepted_at
        if status == S.REVIEWING:
            letter.reply = REPLY.format(title=letter.title, unit=unit.name, finding=FINDINGS[0])
            letter.reply_unit = unit.name
        if reply_after is not None:
            letter.replied_at = _moment(add_working_days(day, reply_after), 15, 0)
            letter.reply_unit = unit.name if unit else office
            letter.reply = REPLY.format(title=letter.title, unit=letter.reply_unit, finding=FINDINGS[1])
        letters.append(letter)
    return letters


@transaction.atomic
def ensure_mailbox(column, organisations, now=None):
    """The 市长信箱 under `column` (the portal's 互动交流), with its letters; `organisations`
    maps demo/plan.py's keys to Organisation rows. With `now`, letters of the last days in
    every state of handling join the first half of 2014's. Returns the number of letters
    created."""
    mailbox = MailboxPage.objects.child_of(column).filter(slug="zxts").first()
    if mailbox is None:
        if column.get_children().filter(slug="zxts").exists():
            return 0  # an older demo's ordinary column holds the slug: leave it
        mailbox = MailboxPage(
            title="市长信箱",
            slug="zxts",
            organisation=organisations["szfb"],
            description="郴州市市长信箱：来信、查询和来信办理情况统计",
            keywords="市长信箱,咨询投诉",
            introduction="市长信箱由郴州市人民政府办公室负责受理，来信按规定转有关单位办理并在规定时限内答复。"
            "来信统计按收到来信的日期计算，每日更新。",
            reply_days=REPLY_DAYS,
            # Its freshness is the letters' handling (the monitor's M10/M11), not a
            # publishing rhythm: published replies are a selection.
            update_frequency=UpdateFrequency.NONE,
            show_in_menus=True,
            live=False,
        )
        column.add_child(instance=mailbox)
        mailbox.save_revision(clean=False).publish()
    if Letter.objects.filter(mailbox=mailbox).exists():
        return 0
    units = {key: organisations[key] for key in ("fgw", "jyj", "gaj", "mzj", "czj") if key in organisations}
    letters = generate_letters(mailbox, units, organisations["szfb"].name)
    if now is not None:
        letters += recent_letters(mailbox, units, organisations["szfb"].name, now)
    Letter.objects.bulk_create(letters, batch_size=500)
    duplicates = [letter for letter in letters if getattr(letter, "_original", None)]
    for letter in duplicates:
        letter.duplicate_of = letter._original
    Letter.objects.bulk_update(duplicates, ["duplicate_of"], batch_size=500)
    _publish_some(mailbox, letters)
    rebuild([mailbox.pk])
    return len(letters)


def _publish_some(mailbox, letters):
    """About twenty replied letters whose writers agreed, spread over the half-year."""
    candidates = [x for x in letters if x.status == S.REPLIED and x.consent_publish]
    step = max(1, len(candidates) // PUBLISHED)
    chosen = candidates[::step][:PUBLISHED]
    for letter in chosen:
        page = LetterPage(
            title=letter.title,
            slug=short_slug(mailbox),  # never the tracking code: it opens the case file
            category=letter.category,
            question=letter.content,
            writer=mask_name(letter.name),
            received_at=letter.submitted_at,
            replied_at=letter.replied_at,
            reply_unit=letter.reply_unit,
            reply=letter.reply,
            live=False,
        )
        mailbox.add_child(instance=page)
        page.save_revision(clean=False).publish()
        letter.page = page
    Letter.objects.bulk_update(chosen, ["page"])
