"""Demo online interviews (在线访谈, I05) on the municipal portal: the six the city's
e-government report counts for the first half of 2014 (its 嘉宾访谈室 hosted county and
department leaders), on the topics the report names. One is announced (预告), one is on
air (直播中) and the rest are archived (已结束) with their transcripts; each has guests,
live text and answered questions, and there are questions still waiting for a moderator,
which no public page may show.

The interview model belongs to the interaction app, which stands on cms; cms never
imports it, so the models are looked up by name (and nothing is built without the app).
Interviews are found by slug, so a second run creates nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.utils import timezone

PREVIEW, LIVE, ENDED = "preview", "live", "ended"
APPROVED, PENDING = "approved", "pending"


@dataclass
class InterviewPlan:
    slug: str
    title: str
    summary: str
    guests: list  # (name, title)
    status: str
    # Ended interviews: when they were held. Live and announced ones are placed around
    # the time of the run, so the demo always has one on air and one coming.
    held: tuple | None = None
    entries: list = field(default_factory=list)  # (minutes after the start, speaker, text)
    # (nickname, question, status, answered by, answer)
    questions: list = field(default_factory=list)
    transcript: list = field(default_factory=list)  # paragraphs


INTERVIEW_PLANS = [
    InterviewPlan(
        "dzjc-2014",
        "深入推进网上政府服务和电子监察工作",
        "市监察局、市电子政务信息中心负责人做客嘉宾访谈室，介绍《郴州市网上政府服务和电子监察发展规划（2014-2020年）》"
        "和将公共服务事项纳入行政审批和电子监察系统办理的进展。",
        [("王建华", "市监察局副局长"), ("刘志强", "市电子政务信息中心主任")],
        ENDED,
        held=(2014, 3, 20),
        entries=[
            (0, "主持人", "各位网友大家好，欢迎来到市政府门户网站嘉宾访谈室。"),
            (3, "王建华", "电子监察系统对行政审批事项的办理时限实行全程监督，超时自动亮灯预警。"),
            (12, "刘志强", "发展规划已完成专家评审，到2020年基本建成覆盖市县两级的网上政府服务体系。"),
            (25, "主持人", "感谢两位嘉宾，本期访谈到此结束。"),
        ],
        questions=[
            (
                "郴江网友",
                "网上办事的进度在哪里可以查到？",
                APPROVED,
                "刘志强",
                "登录市政府门户网站“办事服务”栏目，输入受理编号即可查询办理进度和承诺时限。",
            ),
            (
                "北湖居民",
                "公共服务部门也纳入电子监察吗？",
                APPROVED,
                "王建华",
                "是的，水电气等公共服务部门的服务事项今年起逐步纳入电子监察系统办理。",
            ),
        ],
        transcript=[
            "主持人：各位网友大家好，今天我们邀请到市监察局副局长王建华、市电子政务信息中心主任刘志强。",
            "王建华：电子监察系统对全市行政审批事项实行实时监察、预警纠错和绩效评估。",
            "刘志强：我们将依托电子政务外网，把网上审批延伸到县市区和乡镇。",
        ],
    ),
    InterviewPlan(
        "ssdj-2014",
        "郴州市商事登记制度改革",
        "市工商局负责人解读商事登记制度改革：注册资本认缴制、先照后证和商事登记信息管理平台建设。",
        [("陈国平", "市工商局局长")],
        ENDED,
        held=(2014, 4, 17),
        entries=[
            (0, "主持人", "今天的话题是商事登记制度改革。"),
            (5, "陈国平", "改革后注册资本由实缴改为认缴，企业年检改为年度报告公示。"),
            (18, "陈国平", "商事登记信息管理平台项目已进入公开招投标，建成后可网上申请登记。"),
        ],
        questions=[
            (
                "创业青年",
                "开办公司还需要验资报告吗？",
                APPROVED,
                "陈国平",
                "除法律另有规定的行业外，不再需要验资报告，注册资本实行认缴登记。",
            ),
        ],
        transcript=[
            "陈国平：商事登记制度改革的核心是“宽进严管”，降低市场准入门槛。",
            "陈国平：企业信息将通过商事登记信息管理平台向社会公示，接受公众监督。",
        ],
    ),
    InterviewPlan(
        "wscs-2014",
        "郴州创建国家卫生城市",
        "市卫生局、市城市管理和行政执法局负责人介绍创建国家卫生城市工作的进展，回应市民关心的环境卫生问题。",
        [("欧阳晓峰", "市卫生局局长"), ("李卫东", "市城市管理和行政执法局副局长")],
        ENDED,
        held=(2014, 5, 22),
        entries=[
            (0, "主持人", "创建国家卫生城市与每位市民息息相关。"),
            (6, "欧阳晓峰", "我们对照标准开展了农贸市场、背街小巷和城乡结合部的集中整治。"),
            (20, "李卫东", "城区新增果皮箱和垃圾中转站，实行道路保洁全天候作业。"),
        ],
        questions=[
            (
                "五岭广场晨练者",
                "农贸市场改造什么时候完成？",
                APPROVED,
                "欧阳晓峰",
                "城区农贸市场提质改造计划年内全部完成，改造期间设临时疏导点。",
            ),
            (
                "苏仙区网友",
                "背街小巷的垃圾多久清运一次？",
                APPROVED,
                "李卫东",
                "城区生活垃圾实行日产日清，背街小巷每天至少清运两次。",
            ),
        ],
        transcript=[
            "欧阳晓峰：创建国家卫生城市是全市的一件大事，需要全体市民共同参与。",
            "李卫东：我们建立了网格化管理机制，市容环境问题发现后两小时内处置。",
        ],
    ),
    InterviewPlan(
        "yjsgk-2014",
        "部门预决算和“三公”经费公开",
        "市财政局负责人解读《关于进一步做好市本级部门预决算公开和“三公”经费公开工作的通知》：55个部门在市政府门户网站"
        "公开了本年度预决算和“三公”经费。",
        [("张立新", "市财政局局长")],
        ENDED,
        held=(2014, 6, 18),
        entries=[
            (0, "主持人", "今年市本级55个部门全部公开了部门预算和“三公”经费预算。"),
            (4, "张立新", "公开内容包括九张标准报表和“三公”经费增减变化原因说明。"),
            (15, "张立新", "“三公”经费总额比上年下降，主要是严格控制公务接待和公务用车支出。"),
        ],
        questions=[
            (
                "关注财政的网友",
                "在哪里能查到各部门的“三公”经费？",
                APPROVED,
                "张立新",
                "在市政府门户网站“信息公开—财政预决算—部门预决算公开”栏目，可按年度和部门查看并下载数据。",
            ),
            (
                "匿名网友",
                "公务用车购置费为什么单独列出？",
                APPROVED,
                "张立新",
                "按规定，公务用车购置费和运行维护费分别公开，便于社会监督。",
            ),
        ],
        transcript=[
            "张立新：部门预决算公开是建设阳光财政的重要举措。",
            "张立新：明年我们将进一步细化公开到项级科目。",
        ],
    ),
    InterviewPlan(
        "dzzwww-2014",
        "电子政务外网和视频专网建设",
        "市电子政务信息中心负责人介绍电子政务外网、视频会议系统和视频专网的建设与保障情况，与网友在线交流。",
        [("刘志强", "市电子政务信息中心主任"), ("周敏", "市电子政务信息中心网络科科长")],
        LIVE,
        entries=[
            (0, "主持人", "各位网友，本期访谈正在直播，欢迎提问。"),
            (4, "刘志强", "上半年市政府视频会议系统保障了52次视频会议，全部正常召开。"),
            (9, "周敏", "电子政务外网已连通214家入网单位，公文传输系统运行稳定。"),
        ],
        questions=[
            (
                "资兴网友",
                "乡镇能接入视频专网吗？",
                APPROVED,
                "周敏",
                "今年将把视频专网延伸到全部乡镇，实现市县乡三级视频会商。",
            ),
        ],
    ),
    InterviewPlan(
        "slcs-2014",
        "郴州市创建国家森林城市",
        "市林业局负责人将做客嘉宾访谈室，介绍创建国家森林城市的目标任务和全民义务植树安排，欢迎网友提前提问。",
        [("谭建军", "市林业局局长")],
        PREVIEW,
    ),
]

# Questions waiting for a moderator: never on a public page, in the index or the API.
PENDING_QUESTIONS = {
    "yjsgk-2014": [("未审核网友", "请公布某局长的手机号码和家庭住址")],
    "dzzwww-2014": [("待审核网友", "视频专网的机房设在哪栋楼？")],
    "slcs-2014": [("植树爱好者", "今年义务植树的地点在哪里？")],
}


def _moment(year, month, day, hour=9, minute=30):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def _schedule(plan, now):
    """(start, end) of an interview: its date for an archived one; for the live one, half
    an hour ago; for the announced one, a week from now."""
    if plan.status == ENDED:
        start = _moment(*plan.held)
    elif plan.status == LIVE:
        start = now - timedelta(minutes=30)
    else:
        start = (now + timedelta(days=7)).replace(hour=9, minute=30, second=0, microsecond=0)
    return start, start + timedelta(hours=1, minutes=30)


def ensure_interviews(column, now=None):
    """The demo interviews in `column` (the portal's 在线访谈 column); those that exist are
    left alone. Returns the number created."""
    if not apps.is_installed("interaction"):
        return 0
    Interview = apps.get_model("interaction", "Interview")
    Guest = apps.get_model("interaction", "InterviewGuest")
    LiveEntry = apps.get_model("interaction", "LiveEntry")
    Question = apps.get_model("interaction", "Question")
    now = now or timezone.now()
    existing = set(Interview.objects.child_of(column).values_list("slug", flat=True))
    created = 0
    for plan in INTERVIEW_PLANS:
        if plan.slug in existing:
            continue
        start, end = _schedule(plan, now)
        page = Interview(
            title=plan.title,
            slug=plan.slug,
            summary=plan.summary,
            starts_at=start,
            ends_at=end,
            status=plan.status,
            transcript="".join(f"<p>{p}</p>" for p in plan.transcript),
            live=False,
        )
        for name, title in plan.guests:
            page.guests.add(Guest(name=name, title=title))
        column.add_child(instance=page)
        # Entries and questions first, then publish: the publish is what indexes the page
        # (bulk_create sends no signal that would re-index it).
        LiveEntry.objects.bulk_create(
            LiveEntry(
                interview=page, speaker=speaker, text=text, posted_at=start + timedelta(minutes=minutes)
            )
            for minutes, speaker, text in plan.entries
        )
        questions = [
            Question(
                interview=page,
                nickname=nickname,
                text=text,
                status=status,
                answered_by=answered_by,
                answer=answer,
                submitted_at=start - timedelta(hours=2),
            )
            for nickname, text, status, answered_by, answer in plan.questions
        ]
        questions += [
            Question(interview=page, nickname=nickname, text=text, submitted_at=start - timedelta(hours=1))
            for nickname, text in PENDING_QUESTIONS.get(plan.slug, ())
        ]
        Question.objects.bulk_create(questions)
        page.save_revision().publish()
        created += 1
    return created
