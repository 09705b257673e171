"""Demo TV inquiry (电视问政) and live broadcast (网上直播) on the municipal portal: the city's
e-government report counts a TV-inquiry platform with netizen interaction and two live
broadcasts in the first half of 2014. One ended TV inquiry of 2014 has its departments on
stage, a live-text record, approved netizen messages (and one still waiting for a
moderator, which no public page shows) and the problems raised, in every state of their
rectification; one 网上直播 is announced for the week after the run.

The models belong to the interaction app and are looked up by name; departments are the
demo's organisations, found by name. Broadcasts are found by slug, so a second run
creates nothing.
"""

from datetime import date, datetime, timedelta

from django.apps import apps
from django.utils import timezone

TV_SLUG = "dswz-2014-06"
LIVE_SLUG = "wszb-czqh"

# (department, official present)
DEPARTMENTS = [
    ("郴州市住房和城乡建设局", "局长 黄振宇"),
    ("郴州市环境保护局", "局长 邓卫平"),
    ("郴州市交通运输局", "副局长 曹立军"),
    ("郴州市教育局", "副局长 何丽娟"),
]
ENTRIES = [
    (0, "主持人", "观众朋友、网友们大家好，欢迎收看《电视问政》第六期，今天的主题是城区民生热点问题。"),
    (8, "主持人", "短片反映：北湖区部分老旧小区雨污管网混接，雨天污水漫溢。请住建局回答。"),
    (11, "黄振宇", "问题属实，我们已将这几个小区列入今年的管网改造计划，三个月内完成。"),
    (26, "邓卫平", "对网友反映的夜间施工噪声，我们将开展专项执法检查，并公布举报电话。"),
    (40, "何丽娟", "城区学校周边交通拥堵问题，将与交警部门共同制定上下学时段疏导方案。"),
    (58, "主持人", "本期《电视问政》到此结束，节目中提出的问题将在网站上公开整改进展。"),
]
# (nickname, message, approved?, answered by, answer)
MESSAGES = [
    (
        "北湖居民",
        "我们小区的下水道年年堵，什么时候能改？",
        True,
        "黄振宇",
        "已列入今年改造计划，施工前会在小区公示。",
    ),
    (
        "郴江网友",
        "晚上十一点以后还有工地施工，向谁反映？",
        True,
        "邓卫平",
        "可拨打环保举报热线12369，我们24小时受理。",
    ),
    (
        "家长甲",
        "学校门口早上堵得厉害，能不能增设临时停车点？",
        True,
        "何丽娟",
        "正在与交警部门研究设置限时停车区。",
    ),
    ("待审核网友", "请公布某局长的家庭住址", False, "", ""),
]
# (problem, department, deadline, status, note, resolved on)
PROBLEMS = [
    (
        "北湖区老旧小区雨污管网混接，雨天污水漫溢",
        "郴州市住房和城乡建设局",
        date(2014, 9, 30),
        "resolved",
        "三个小区雨污分流改造已于9月完工，经回访居民满意。",
        date(2014, 9, 26),
    ),
    (
        "城区建筑工地夜间违规施工噪声扰民",
        "郴州市环境保护局",
        date(2014, 7, 31),
        "resolved",
        "开展夜间施工专项执法检查，查处违规工地5家，公布举报电话12369。",
        date(2014, 7, 20),
    ),
    (
        "城区中小学校周边上下学时段交通拥堵",
        "郴州市教育局",
        date(2014, 9, 1),
        "in_progress",
        "已在3所学校试行错峰放学和限时停车区，秋季学期推广至城区全部小学。",
        None,
    ),
    (
        "城乡公交线路班次少、末班车收班早",
        "郴州市交通运输局",
        date(2014, 12, 31),
        "pending",
        "",
        None,
    ),
    (
        "要求将私人小区内部道路纳入市政道路养护",
        "郴州市住房和城乡建设局",
        None,
        "declined",
        "小区内部道路属业主共有，由业主委托物业养护；可申请老旧小区改造专项资金补助。",
        None,
    ),
]


def _moment(year, month, day, hour, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def ensure_broadcasts(column, now=None):
    """The demo TV inquiry and live broadcast in `column` (an 在线访谈-type column); those that
    exist are left alone. Returns the number created."""
    if not apps.is_installed("interaction"):
        return 0
    BroadcastPage = apps.get_model("interaction", "BroadcastPage")
    Organisation = apps.get_model("cms", "Organisation")
    now = now or timezone.now()
    existing = set(BroadcastPage.objects.child_of(column).values_list("slug", flat=True))
    orgs = {org.name: org for org in Organisation.objects.filter(name__in={n for n, _ in DEPARTMENTS})}
    if len(orgs) < len(DEPARTMENTS):
        return 0  # the registers come first (DemoCluster.ensure_registers)
    created = 0
    if TV_SLUG not in existing:
        _tv_inquiry(column, orgs)
        created += 1
    if LIVE_SLUG not in existing:
        _live_broadcast(column, orgs, now)
        created += 1
    return created


def _tv_inquiry(column, orgs):
    BroadcastPage = apps.get_model("interaction", "BroadcastPage")
    Department = apps.get_model("interaction", "BroadcastDepartment")
    Rectification = apps.get_model("interaction", "RectificationItem")
    LiveEntry = apps.get_model("interaction", "LiveEntry")
    Question = apps.get_model("interaction", "Question")
    start = _moment(2014, 6, 26, 20)
    page = BroadcastPage(
        title="《电视问政》第六期：城区民生热点问题",
        slug=TV_SLUG,
        kind="tv",
        summary="市住建局、市环保局、市交通运输局、市教育局负责人走进演播室，现场回应市民和网友反映的城区民生热点问题，"
        "节目中提出的问题逐项交办、限期整改并公开进展。",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status="ended",
        accepts_questions=False,
        live=False,
    )
    for n, (name, official) in enumerate(DEPARTMENTS):
        page.departments.add(Department(organisation=orgs[name], official=official, sort_order=n))
    for n, (problem, name, deadline, status, note, resolved_on) in enumerate(PROBLEMS):
        page.rectifications.add(
            Rectification(
                problem=problem,
                organisation=orgs[name],
                deadline=deadline,
                status=status,
                progress_note=note,
                resolved_on=resolved_on,
                sort_order=n,
            )
        )
    column.add_child(instance=page)
    # Entries and messages first, then publish: the publish is what indexes the page.
    LiveEntry.objects.bulk_create(
        LiveEntry(interview=page, speaker=speaker, text=text, posted_at=start + timedelta(minutes=minutes))
        for minutes, speaker, text in ENTRIES
    )
    Question.objects.bulk_create(
        Question(
            interview=page,
            nickname=nickname,
            text=text,
            status="approved" if approved else "pending",
            answered_by=answered_by,
            answer=answer,
            submitted_at=start + timedelta(minutes=5 * n),
        )
        for n, (nickname, text, approved, answered_by, answer) in enumerate(MESSAGES)
    )
    page.save_revision().publish()


def _live_broadcast(column, orgs, now):
    BroadcastPage = apps.get_model("interaction", "BroadcastPage")
    Department = apps.get_model("interaction", "BroadcastDepartment")
    start = (now + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0)
    page = BroadcastPage(
        title="网上直播：郴州城区防汛抗旱工作新闻发布会",
        slug=LIVE_SLUG,
        kind="live",
        summary="市政府新闻办将举行城区防汛抗旱工作新闻发布会，本网全程图文直播，欢迎网友提前留言提问。",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status="preview",
        accepts_questions=True,
        live=False,
    )
    page.departments.add(Department(organisation=orgs["郴州市住房和城乡建设局"], official="副局长 罗建新"))
    column.add_child(instance=page)
    page.save_revision().publish()
