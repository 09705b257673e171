"""Demo consultations (意见征集) and surveys (网上调查, I04) in the portal's 征集调查 column:
an open consultation on a draft with a few approved comments (and one waiting for a
moderator, which no public page may show), a closed one with its feedback notice, an open
survey, and a closed survey with its results (responses generated from a fixed seed) and
its feedback.

The models belong to the interaction app, which stands on cms; they are looked up by name.
Pages are found by slug, so a second run creates nothing.
"""

import random
from datetime import date, datetime, timedelta

from django.apps import apps
from django.utils import timezone

APPROVED = "approved"

OPEN_DRAFT = [
    (
        "第一条",
        "为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，促进依法行政，"
        "根据《中华人民共和国政府信息公开条例》，结合本市实际，制定本规定。",
    ),
    ("第二条", "本规定适用于本市各级行政机关以及法律、法规授权的具有管理公共事务职能的组织。"),
    (
        "第三条",
        "市人民政府办公室是本市政府信息公开工作的主管部门；市电子政务信息中心负责政府门户网站的"
        "建设和运行维护，为政府信息公开提供技术保障。",
    ),
    ("第四条", "行政机关应当主动公开部门预算、决算和“三公”经费，公开内容应当细化到款级科目。"),
    ("第五条", "属于主动公开范围的政府信息，应当自该信息形成或者变更之日起20个工作日内予以公开。"),
    (
        "第六条",
        "公民、法人或者其他组织可以通过政府门户网站、信函或者当面申请等方式申请获取政府信息。"
        "行政机关收到申请，能够当场答复的，应当当场予以答复；不能当场答复的，应当自收到申请之日起15个工作日内予以答复。",
    ),
    ("第七条", "行政机关应当通过市长信箱、在线访谈、意见征集等方式回应社会关切，并公开办理和采纳情况。"),
    ("第八条", "本规定自发布之日起施行。"),
]
OPEN_COMMENTS = [
    ("p4", "林城市民", "建议明确“三公”经费公开的时间，例如每年预算批复后20日内。"),
    ("p5", "", "20个工作日的期限很好，建议在网站上公示每条信息的形成日期。"),
    ("p6", "郴州网友", "希望网上申请能查询办理进度。"),
    ("", "热心读者", "规定整体很好，建议增加对不按时公开的问责条款。"),
]
PENDING_COMMENT = ("p2", "匿名", "这条意见尚未审核，不应在网站上显示。")

CLOSED_DRAFT = [
    ("第一条", "为了规范本市电子政务项目建设管理，避免重复建设，提高财政资金使用效益，制定本办法。"),
    ("第二条", "市本级财政性资金安排的电子政务项目的立项、建设、验收和运行维护，适用本办法。"),
    ("第三条", "市电子政务信息中心负责电子政务项目的技术审核，市财政局负责项目资金的审核和监督。"),
    ("第四条", "新建项目应当依托电子政务外网和政务云计算中心建设，原则上不再单独建设机房。"),
    ("第五条", "项目建成后应当在3个月内组织验收，未经验收的项目不得投入正式运行。"),
    ("第六条", "本办法自2014年8月1日起施行。"),
]
CLOSED_COMMENTS = [
    ("p4", "信息化从业者", "建议对确需单独建设机房的情形作出说明，并设置审批程序。"),
    ("p5", "郴州网友", "验收期限建议改为试运行结束后3个月内。"),
    ("", "林城市民", "建议项目建成后向社会公开建设内容和投资情况。"),
]
CLOSED_FEEDBACK = (
    "<p>2014年5月5日至6月5日，市电子政务信息中心就《郴州市电子政务项目建设管理办法（征求意见稿）》"
    "公开征求社会意见，共收到意见建议23条，经整理归纳为3个方面。</p>"
    "<p><b>已采纳：</b>验收期限改为“试运行结束后3个月内”（第五条）；对确需单独建设机房的情形，"
    "增加“报市电子政务信息中心审核同意”的程序（第四条）。</p>"
    "<p><b>未采纳及理由：</b>关于公开项目投资情况的建议，已由市财政部门在部门预决算公开中统一公开，"
    "本办法不再重复规定。</p>"
)

SURVEY_QUESTIONS_OPEN = [
    (
        "您最关注政府网站的哪些栏目？",
        "multiple",
        True,
        "政务动态\n政策文件\n办事服务\n互动交流\n信息公开目录",
    ),
    ("您主要通过什么设备访问政府网站？", "single", True, "电脑\n手机\n平板电脑"),
    ("您对政府网站还有什么建议？", "text", False, ""),
]
SURVEY_QUESTIONS_CLOSED = [
    ("您对市政府门户网站改版前的总体评价是？", "single", True, "满意\n比较满意\n一般\n不满意"),
    (
        "您希望改版后重点加强哪些方面？",
        "multiple",
        True,
        "信息更新速度\n站内搜索\n网上办事\n移动端访问\n无障碍浏览",
    ),
    ("您是否使用过市长信箱？", "single", False, "使用过\n没有使用过"),
    ("其他意见和建议", "text", False, ""),
]
CLOSED_SURVEY_FEEDBACK = (
    "<p>本次网上调查共收到有效问卷{total}份。根据调查结果，门户网站改版将重点加强站内搜索和移动端访问，"
    "并按照无障碍浏览要求改造页面。</p><p>改版后的网站已于2014年7月上线试运行，欢迎继续提出意见建议。</p>"
)
# The closed survey's responses (generated, so the results look like a real survey's).
CLOSED_RESPONSES = 236
CLOSED_WEIGHTS = [[38, 35, 20, 7], [30, 62, 41, 55, 18], [40, 60]]
FREE_TEXT = ["希望搜索能更准确。", "手机上浏览字体太小。", "", "", ""]


def _moment(y, m, d, hour=9):
    return timezone.make_aware(datetime(y, m, d, hour, 0))


def _organisation(name):
    Organisation = apps.get_model("cms", "Organisation")
    return Organisation.objects.filter(name=name).first() or Organisation.objects.order_by("pk").first()


def _consultation(column, slug, title, summary, organisation, opens_at, closes_at, draft, comments, **fields):
    Page = apps.get_model("interaction", "ConsultationPage")
    Section = apps.get_model("interaction", "ConsultationSection")
    Comment = apps.get_model("interaction", "ConsultationComment")
    page = Page(title=title, slug=slug, summary=summary, organisation=organisation, opens_at=opens_at,
                closes_at=closes_at, live=False, **fields)  # fmt: skip
    for heading, text in draft:
        page.sections.add(Section(heading=heading, text=text))
    column.add_child(instance=page)  # its clean() gives the articles their anchors p1, p2, ...
    Comment.objects.bulk_create(
        Comment(
            page=page,
            anchor=anchor,
            nickname=nickname,
            text=text,
            status=status,
            submitted_at=opens_at + timedelta(days=i + 1),
        )  # fmt: skip
        for i, (anchor, nickname, text, status) in enumerate(comments)
    )
    page.save_revision().publish()
    return page


def _survey(column, slug, title, summary, organisation, opens_at, closes_at, questions, **fields):
    Page = apps.get_model("interaction", "SurveyPage")
    Question = apps.get_model("interaction", "SurveyQuestion")
    page = Page(title=title, slug=slug, summary=summary, organisation=organisation, opens_at=opens_at,
                closes_at=closes_at, live=False, **fields)  # fmt: skip
    for text, kind, required, options in questions:
        page.questions.add(Question(text=text, kind=kind, required=required, options=options))
    column.add_child(instance=page)
    return page


def _responses(page, count, seed, opens_at, days):
    """`count` generated responses to `page`'s questions, the choices drawn by weights."""
    Response = apps.get_model("interaction", "SurveyResponse")
    rng = random.Random(seed)
    questions = list(page.questions.all())
    rows = []
    for n in range(count):
        answers = {}
        for i, question in enumerate(questions):
            options = question.option_list()
            key = str(question.pk)
            if question.kind == "text":
                text = rng.choice(FREE_TEXT)
                if text:
                    answers[key] = text
                continue
            weights = CLOSED_WEIGHTS[i] if i < len(CLOSED_WEIGHTS) else [1] * len(options)
            weights = (weights + [1] * len(options))[: len(options)]
            if question.kind == "single":
                if question.required or rng.random() < 0.8:
                    answers[key] = rng.choices(range(len(options)), weights)[0]
            else:
                chosen = sorted(
                    {rng.choices(range(len(options)), weights)[0] for _ in range(rng.randint(1, 3))}
                )
                answers[key] = chosen
        moment = opens_at + timedelta(minutes=rng.randint(0, days * 24 * 60))
        rows.append(Response(page=page, answers=answers, token=f"demo-{seed}-{n}", submitted_at=moment))
    Response.objects.bulk_create(rows)


def ensure_consultations(column, now=None):
    """The demo consultations and surveys in `column` (the portal's 征集调查 column); those
    that exist are left alone. Returns the number created."""
    if not apps.is_installed("interaction"):
        return 0
    now = now or timezone.now()
    existing = set(column.get_children().values_list("slug", flat=True))
    office = _organisation("郴州市人民政府办公室")
    centre = _organisation("郴州市电子政务信息中心")
    created = 0
    if "xxgkgd-zqyj" not in existing:
        comments = [(a, nick, text, APPROVED) for a, nick, text in OPEN_COMMENTS]
        comments.append((*PENDING_COMMENT, "pending"))
        _consultation(
            column, "xxgkgd-zqyj", "《郴州市政府信息公开规定（征求意见稿）》公开征求意见",
            "为进一步做好政府信息公开工作，市人民政府办公室起草了《郴州市政府信息公开规定（征求意见稿）》，"
            "现向社会公开征求意见，欢迎对全文或逐条提出意见建议。",
            office, now - timedelta(days=10), now + timedelta(days=20), OPEN_DRAFT, comments,
        )  # fmt: skip
        created += 1
    if "dzzwxm-zqyj" not in existing:
        _consultation(
            column, "dzzwxm-zqyj", "《郴州市电子政务项目建设管理办法（征求意见稿）》公开征求意见",
            "市电子政务信息中心起草了《郴州市电子政务项目建设管理办法（征求意见稿）》，现公开征求社会意见。",
            centre, _moment(2014, 5, 5), _moment(2014, 6, 5, 18),
            CLOSED_DRAFT, [(a, nick, text, APPROVED) for a, nick, text in CLOSED_COMMENTS],
            feedback=CLOSED_FEEDBACK, feedback_published_at=date(2014, 6, 20),
        )  # fmt: skip
        created += 1
    if "wzlm-dc" not in existing:
        page = _survey(
            column, "wzlm-dc", "网上调查：您最关注政府网站的哪些栏目",
            "为了更好地提供政府信息和服务，市电子政务信息中心开展本次网上调查，调查结果将在调查结束后公布。",
            centre, now - timedelta(days=5), now + timedelta(days=25), SURVEY_QUESTIONS_OPEN,
        )  # fmt: skip
        _responses(page, 37, 7, now - timedelta(days=5), 5)
        page.save_revision().publish()
        created += 1
    if "gbsj-dc" not in existing:
        page = _survey(
            column, "gbsj-dc", "关于市政府门户网站优化改版升级的网上调查",
            "市政府门户网站计划优化改版升级，现就网站改版征求网民意见。",
            centre, _moment(2014, 4, 1), _moment(2014, 4, 30, 18), SURVEY_QUESTIONS_CLOSED,
        )  # fmt: skip
        _responses(page, CLOSED_RESPONSES, 2014, _moment(2014, 4, 1), 29)
        page.feedback = CLOSED_SURVEY_FEEDBACK.format(total=CLOSED_RESPONSES)
        page.feedback_published_at = date(2014, 5, 15)
        page.save_revision().publish()
        created += 1
    return created
