"""What the demo cluster contains: its sites, columns, organisations and articles.

Everything here is data computed from the seed report and a fixed random seed, so every
run plans exactly the same content; demo/cluster.py turns the plan into pages.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from cms.disclosure import Validity
from cms.pages import Channel, ColumnType, UpdateFrequency

from .content import load_seed

RANDOM_SEED = 20140703  # the date of the seed report
ALL_CHANNELS = [Channel.WEB, Channel.WAP, Channel.WECHAT, Channel.APP]
WEB_WAP = [Channel.WEB, Channel.WAP]


@dataclass
class SiteSpec:
    key: str
    hostname: str
    name: str
    code: str
    host_organisation: str
    host_organisation_en: str
    kind: str
    theme: str
    locale: str = "zh-hans"
    is_default: bool = False


SITES = [
    SiteSpec(
        "www",
        "www.czs.localhost",
        "郴州市人民政府",
        "4310000001",
        "郴州市人民政府办公室",
        "General Office of Chenzhou Municipal People's Government",
        "portal",
        "#b5121b",
        is_default=True,
    ),
    SiteSpec(
        "en",
        "en.czs.localhost",
        "Chenzhou Municipal People's Government",
        "4310000002",
        "郴州市人民政府办公室",
        "General Office of Chenzhou Municipal People's Government",
        "english",
        "#1f4e8c",
        locale="en",
    ),
    SiteSpec(
        "bhq",
        "bhq.czs.localhost",
        "北湖区人民政府",
        "4310020001",
        "北湖区人民政府办公室",
        "General Office of Beihu District People's Government",
        "county",
        "#0b6e4f",
    ),
    SiteSpec(
        "zxs",
        "zxs.czs.localhost",
        "资兴市人民政府",
        "4310810001",
        "资兴市人民政府办公室",
        "General Office of Zixing Municipal People's Government",
        "county",
        "#2f6f9f",
    ),
    SiteSpec(
        "dzzw",
        "dzzw.czs.localhost",
        "郴州市电子政务信息中心",
        "bm43100001",
        "郴州市电子政务信息中心",
        "Chenzhou E-Government Information Center",
        "department",
        "#6a3d9a",
    ),
]
SITE_BY_KEY = {spec.key: spec for spec in SITES}

# The filing numbers each site shows in its footer: ICP备案号, 公安机关备案号 and the link of
# its 党政机关网站标识 (conac.cn). Well-formed but made up, as the demo's hostnames are.
FILINGS = {
    "www": ("湘ICP备05001234号-1", "湘公网安备 43100202000101号", "8A2F3C11D6E04B7A9C51E0F2B3D4A501"),
    "en": ("湘ICP备05001234号-2", "湘公网安备 43100202000102号", "8A2F3C11D6E04B7A9C51E0F2B3D4A502"),
    "bhq": ("湘ICP备05002345号-1", "湘公网安备 43100202000201号", "8A2F3C11D6E04B7A9C51E0F2B3D4A503"),
    "zxs": ("湘ICP备05003456号-1", "湘公网安备 43108102000301号", "8A2F3C11D6E04B7A9C51E0F2B3D4A504"),
    "dzzw": ("湘ICP备05001234号-3", "湘公网安备 43100202000103号", "8A2F3C11D6E04B7A9C51E0F2B3D4A505"),
}


# The home pages' welcome: what the site is and what visitors find on it, in the site's
# own voice (not the seed report's, which is the e-government centre's account of itself).
WWW_WELCOME = (
    "郴州市人民政府门户网站是市人民政府在互联网上发布政务信息、提供在线服务、与公众互动交流的"
    "官方网站。市民和企业可以在这里了解全市政务动态和通知公告，查阅政策文件及其解读，通过政府"
    "信息公开目录查找各部门公开的信息和财政预决算，在办事服务栏目查询办事指南，并通过市长信箱、"
    "在线访谈和征集调查参与政民互动。"
)


def welcome(site_key):
    """The welcome of a county or department site's home page."""
    spec = SITE_BY_KEY[site_key]
    if spec.kind == "department":
        return (
            f"{spec.name}网站介绍本单位的机构职能和负责人信息，发布工作动态、通知公告和工作总结，"
            "方便公众了解和监督本单位工作。"
        )
    return (
        f"{spec.name}门户网站发布{COUNTY_NAMES[site_key]}政务动态、通知公告和政策文件，公开政府信息，"
        "提供办事服务指南，是公众了解本地政务、办理相关事项的官方渠道。"
    )


def filing_fields(site_key):
    """The site profile's 备案 fields of a demo site."""
    icp, police, conac_id = FILINGS[site_key]
    return {
        "icp_number": icp,
        "police_number": police,
        "conac_url": f"https://bszs.conac.cn/sitename?method=show&id={conac_id}",
    }


COUNTY_NAMES = {"bhq": "北湖区", "zxs": "资兴市"}


def credit_code(division, n):
    """A well-formed 统一社会信用代码 for a demo organisation (GB 32100 alphabet)."""
    return f"11{division}0061720{n:02d}X"


# (key, Chinese name, English name, division, serial, parent key)
ORGANISATIONS = [
    ("szf", "郴州市人民政府", "Chenzhou Municipal People's Government", "431000", 1, None),
    (
        "szfb",
        "郴州市人民政府办公室",
        "General Office of Chenzhou Municipal People's Government",
        "431000",
        2,
        "szf",
    ),
    ("dzzw", "郴州市电子政务信息中心", "Chenzhou E-Government Information Center", "431000", 3, "szfb"),
    ("fgw", "郴州市发展和改革委员会", "Chenzhou Development and Reform Commission", "431000", 4, "szf"),
    ("jyj", "郴州市教育局", "Chenzhou Education Bureau", "431000", 5, "szf"),
    ("gaj", "郴州市公安局", "Chenzhou Public Security Bureau", "431000", 6, "szf"),
    ("mzj", "郴州市民政局", "Chenzhou Civil Affairs Bureau", "431000", 7, "szf"),
    ("czj", "郴州市财政局", "Chenzhou Finance Bureau", "431000", 8, "szf"),
    (
        "rsj",
        "郴州市人力资源和社会保障局",
        "Chenzhou Human Resources and Social Security Bureau",
        "431000",
        9,
        "szf",
    ),
    (
        "zjj",
        "郴州市住房和城乡建设局",
        "Chenzhou Housing and Urban-Rural Development Bureau",
        "431000",
        10,
        "szf",
    ),
    ("jtj", "郴州市交通运输局", "Chenzhou Transport Bureau", "431000", 11, "szf"),
    ("wsj", "郴州市卫生局", "Chenzhou Health Bureau", "431000", 12, "szf"),
    ("hbj", "郴州市环境保护局", "Chenzhou Environmental Protection Bureau", "431000", 13, "szf"),
    ("gsj", "郴州市工商行政管理局", "Chenzhou Administration for Industry and Commerce", "431000", 14, "szf"),
    (
        "zjjd",
        "郴州市质量技术监督局",
        "Chenzhou Quality and Technical Supervision Bureau",
        "431000",
        15,
        "szf",
    ),
    ("dsj", "郴州市地方税务局", "Chenzhou Local Taxation Bureau", "431000", 16, "szf"),
    (
        "cgj",
        "郴州市城市管理和行政执法局",
        "Chenzhou Urban Management and Law Enforcement Bureau",
        "431000",
        17,
        "szf",
    ),
    ("jcj", "郴州市监察局", "Chenzhou Supervision Bureau", "431000", 18, "szf"),
    ("kab", "郴州市人民政府口岸办公室", "Chenzhou Port Office", "431000", 19, "szfb"),
    ("fzb", "郴州市人民政府法制办公室", "Chenzhou Legal Affairs Office", "431000", 20, "szfb"),
    ("bhq", "北湖区人民政府", "Beihu District People's Government", "431002", 1, None),
    (
        "bhqb",
        "北湖区人民政府办公室",
        "General Office of Beihu District People's Government",
        "431002",
        2,
        "bhq",
    ),
    ("zxs", "资兴市人民政府", "Zixing Municipal People's Government", "431081", 1, None),
    (
        "zxsb",
        "资兴市人民政府办公室",
        "General Office of Zixing Municipal People's Government",
        "431081",
        2,
        "zxs",
    ),
]
BUDGET_DEPARTMENTS = [
    "fgw", "jyj", "gaj", "mzj", "czj", "rsj", "zjj", "jtj", "wsj", "hbj", "gsj", "zjjd", "dsj", "cgj", "jcj",
]  # fmt: skip

# 主题分类 of the disclosure catalogue (the State Council's subject list), with codes.
CATEGORIES = [
    ("01", "综合政务"),
    ("02", "国民经济管理、国有资产监管"),
    ("03", "财政、金融、审计"),
    ("04", "国土资源、能源"),
    ("05", "农业、林业、水利"),
    ("06", "工业、交通"),
    ("07", "商贸、海关、旅游"),
    ("08", "市场监管、安全生产监管"),
    ("09", "城乡建设、环境保护"),
    ("10", "科技、教育"),
    ("11", "文化、卫生、体育"),
    ("12", "公安、安全、司法"),
    ("13", "劳动、人事、监察"),
    ("14", "民政、扶贫、救灾"),
    ("15", "对外事务"),
    ("16", "政府机构"),
]
GENERAL, ECONOMY, FINANCE = "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计"
MARKET, TRADE, BUILDING = "市场监管、安全生产监管", "商贸、海关、旅游", "城乡建设、环境保护"
SCIENCE, CULTURE, SECURITY = "科技、教育", "文化、卫生、体育", "公安、安全、司法"
LABOUR, GOVERNMENT = "劳动、人事、监察", "政府机构"

# Subjects of the report: (title phrase, words that find its sentences, category). The
# first five carry the terms the portal's search must find.
TOPICS = [
    ("网上政府服务和电子监察工作", ["电子监察"], LABOUR),
    ("市长信箱办理工作", ["市长信箱"], GENERAL),
    ("部门预决算和三公经费公开工作", ["三公", "预决算"], FINANCE),
    ("视频会议保障工作", ["视频会议"], GENERAL),
    ("智能天网工程建设", ["智能天网"], SECURITY),
    ("网上行政审批系统应用", ["行政审批"], GENERAL),
    ("网上行政处罚系统应用", ["行政处罚"], SECURITY),
    ("商事登记信息管理平台建设", ["商事登记"], MARKET),
    ("电子口岸综合管理平台建设", ["口岸"], TRADE),
    ("视频监控专网建设", ["视频监控"], SECURITY),
    ("市城区涉税信息共享系统建设", ["涉税"], FINANCE),
    ("人大代表建议政协提案网上办理", ["政协提案"], GENERAL),
    ("网上政务服务电子签章系统建设", ["电子签章"], SCIENCE),
    ("公文传输系统运行维护", ["公文传输"], GENERAL),
    ("政府信息公开工作", ["信息公开"], GENERAL),
    ("网上公共服务平台建设", ["公共服务平台", "民生服务"], GENERAL),
    ("政府网站群运维监测", ["运维监测", "网站群"], SCIENCE),
    ("市政府中心机房安全管理", ["中心机房", "机房"], SECURITY),
    ("政府网站信息安全检查", ["信息安全"], SECURITY),
    ("党的群众路线教育实践活动", ["群众路线"], LABOUR),
    ("“好作风建设年”活动", ["好作风建设年"], LABOUR),
    ("电子政务外网二期建设", ["外网"], SCIENCE),
    ("电子政务内网提质改造", ["内网"], SCIENCE),
    ("政民互动交流", ["政民互动", "在线访谈", "微博"], GENERAL),
    ("电视问政网络直播", ["电视问政", "网上直播"], GENERAL),
    ("政务小超市提升完善", ["政务小超市"], GENERAL),
    ("数字城管和智能交通视频资源整合", ["数字城管", "智能交通"], BUILDING),
    ("电子政务项目建设管理", ["项目建设", "电子政务项目"], ECONOMY),
    ("电子政务云计算中心前期工作", ["云计算"], SCIENCE),
    ("网站无障碍浏览和移动应用", ["无障碍", "App", "APP"], CULTURE),
    ("数字证书应用优化", ["数字证书"], SCIENCE),
    ("机关作风建设", ["作风建设", "四风"], LABOUR),
]

NEWS_TITLES = [
    "{org}推进{topic}",
    "{org}召开{topic}专题会议",
    "{org}{topic}取得阶段性成果",
    "{org}研究部署{topic}",
    "{org}开展{topic}业务培训",
    "{org}加强{topic}统筹协调",
    "{org}督导{topic}落实情况",
    "{org}全力做好{topic}",
]

# Headlines stating the report's own figures: (column slug, title, words of its sentences).
FACT_ARTICLES = [
    ("gzdt", "市政府门户网站上半年发布信息27423条 同比增长10.5%", ["27423"]),
    ("gzdt", "英文门户网站上半年发布各类信息354条", ["英文门户"]),
    ("gzdt", "市长信箱上半年收到信件967封 回复率达93.69%", ["市长信箱"]),
    ("gzdt", "市政府门户网站公开55个部门预决算和三公经费", ["三公"]),
    ("gzdt", "市政府视频会议系统上半年保障52次视频会议", ["视频会议"]),
    ("gzdt", "公文传输系统保障214家入网单位645个文件正常收发", ["公文传输"]),
    ("gzdt", "人大代表建议政协提案网上办理系统上线运行", ["人大建议", "政协提案"]),
    ("gzdt", "《郴州市中心城区电子防控系统二期（智能天网）技术方案》通过省级专家评审", ["智能天网"]),
    ("gzdt", "《郴州市网上政府服务和电子监察发展规划（2014-2020年）》完成专家评审", ["发展规划"]),
    ("gzdt", "政务微博上半年发布信息2039条", ["微博"]),
    ("gzdt", "对11个县市区政府门户网站开展信息安全现场检查", ["信息安全现场检查"]),
    ("gzdt", "市城区涉税信息共享系统（二期）上线试运行", ["涉税信息"]),
    ("gzdt", "郴州市商事登记信息管理平台项目进入公开招投标", ["商事登记"]),
    ("gzdt", "郴州市政府网站群运维监测平台建成", ["运维监测"]),
    ("zxft", "市政府门户网站嘉宾访谈室上半年开展在线访谈6期", ["在线访谈"]),
    ("zjdc", "上半年开展专题网上调查和意见建议征集活动12次", ["网上调查"]),
    ("hygq", "电视问政网络直播和网民互动平台搭建完成", ["电视问政"]),
    ("bsfw", "网上公共服务平台涵盖13个民生服务领域", ["13个民生"]),
    ("bsfw", "“中国郴州”移动App提供办事查询服务", ["App"]),
]

# Department news of www: (organisation key, short name, subject, words of its sentences).
DEPARTMENT_NEWS = [
    ("gsj", "市工商局", "商事登记信息管理平台建设", ["商事登记"]),
    ("gaj", "市公安局", "智能天网工程建设", ["智能天网"]),
    ("kab", "市口岸办", "电子口岸综合管理平台建设", ["口岸"]),
    ("dsj", "市地税局", "涉税信息共享系统应用", ["涉税"]),
    ("jcj", "市监察局", "行政处罚电子监察规则调整", ["电子监察规则", "电子监察"]),
    ("fzb", "市政府法制办", "行政处罚事项清理上报", ["法制办", "行政处罚"]),
    ("zjjd", "市质监局", "网上行政审批应用培训", ["市质监局"]),
    ("zjj", "市住建局", "网上行政审批业务指导", ["市住建局"]),
    ("cgj", "市城管局", "数字城管视频监控资源整合", ["数字城管"]),
    ("rsj", "市人社局", "公共服务事项纳入行政审批和电子监察系统", ["人社"]),
    ("jtj", "市交通运输局", "智能交通二期建设", ["智能交通"]),
    ("czj", "市财政局", "部门预决算和三公经费公开", ["三公"]),
]

NOTICES = [
    ("关于对市本级电子政务网络建设租赁情况进行摸底调查的通知", ["摸底调查"]),
    ("关于开展县市区政府门户网站信息安全现场检查的通知", ["信息安全现场检查"]),
    ("关于做好政务服务事项数据信息汇总上报工作的通知", ["汇总上报"]),
    ("关于开展市政府高清视频会议系统应用操作培训的通知", ["高清视频会议"]),
    ("关于将公共服务事项纳入行政审批和电子监察系统办理的通知", ["公共服务事项纳入"]),
    ("关于做好市本级行政处罚事项清理上报工作的通知", ["清理上报"]),
    ("关于进一步加强市政府中心机房安全管理的通知", ["中心机房"]),
    ("关于启动电子政务外网二期建设的通知", ["外网"]),
    ("关于做好数字证书功能优化工作的通知", ["数字证书"]),
    ("关于市政府门户网站优化改版升级的公告", ["改版升级"]),
    ("关于严格规范“市长信箱”办理规程的通知", ["市长信箱"]),
    ("关于开展“说说心里话、上门听意见”活动的通知", ["说说心里话"]),
    ("关于开展超标配备公车等5个专项整治工作的通知", ["专项整治"]),
]

# Policy documents (政策文件): (title, 发文字号, words, category, validity).
POLICIES = [
    ("郴州市人民政府办公室关于印发郴州市2014年深入推进网上政府服务和电子监察工作等3个实施方案的通知",
     "郴政办函〔2014〕82号", ["82号", "电子监察平台"], LABOUR, Validity.VALID),
    ("郴州市网上政府服务和电子监察发展规划（2014-2020年）", "郴政发〔2014〕15号", ["发展规划"], LABOUR,
     Validity.VALID),
    ("关于进一步做好市本级部门预决算公开和“三公”经费公开工作的通知", "郴办发〔2014〕6号", ["三公"], FINANCE,
     Validity.VALID),
    ("郴州市商事登记信息管理平台技术方案", "郴政办函〔2014〕45号", ["商事登记"], MARKET, Validity.VALID),
    ("郴州市中心城区电子防控系统二期（智能天网）技术方案", "郴政办函〔2014〕67号", ["智能天网"], SECURITY,
     Validity.VALID),
    ("郴州市中心城区视频监控专网租赁技术方案", "郴政办函〔2014〕71号", ["视频监控专网"], SECURITY,
     Validity.AMENDED),
    ("郴州市网上政务服务电子签章系统技术方案", "郴政办函〔2014〕90号", ["电子签章"], SCIENCE, Validity.VALID),
    ("郴州市电子政务项目建设管理办法", "郴政办发〔2014〕21号", ["项目建设管理办法"], ECONOMY, Validity.VALID),
    ("郴州市人民政府中心机房安全管理办法", "郴政办发〔2012〕9号", ["安全管理办法"], SECURITY, Validity.AMENDED),
    ("郴州市人民政府中心机房值班管理制度", "郴政办发〔2012〕10号", ["值班管理制度"], SECURITY, Validity.EXPIRED),
    ("郴州市公共服务事项纳入行政审批和电子监察系统办理工作实施方案", "郴政办函〔2014〕83号",
     ["公共服务事项纳入"], GENERAL, Validity.VALID),
    ("郴州市2014年深入推进网上行政处罚和电子监察工作实施方案", "郴政办函〔2014〕84号", ["行政处罚和电子监察"],
     SECURITY, Validity.VALID),
    ("郴州市电子政务外网二期建设实施方案", "郴政办函〔2014〕102号", ["外网"], SCIENCE, Validity.VALID),
    ("郴州市电子政务内网提质改造工作方案", "郴政办函〔2014〕108号", ["内网"], SCIENCE, Validity.VALID),
    ("郴州市政府网站群建设管理和绩效考核办法（试行）", "郴政办发〔2013〕30号", ["绩效考核"], GENERAL,
     Validity.REPEALED),
    ("郴州市市长信箱办理规程", "郴政办发〔2014〕33号", ["市长信箱"], GENERAL, Validity.VALID),
    ("郴州市电子政务网络与信息安全应急预案", "郴政办函〔2014〕115号", ["应急响应", "应急预案"], SECURITY,
     Validity.VALID),
    ("郴州市政务信息资源共享管理办法", "郴政办发〔2014〕40号", ["资源共享", "共享互用"], ECONOMY, Validity.VALID),
]  # fmt: skip

INTERPRETATIONS = [
    ("一图读懂《郴州市网上政府服务和电子监察发展规划（2014-2020年）》", ["发展规划", "电子监察"]),
    ("《郴州市商事登记信息管理平台技术方案》解读", ["商事登记"]),
    ("解读：将公共服务事项纳入行政审批和电子监察系统办理", ["公共服务事项纳入", "公共服务部门"]),
    ("《关于进一步做好市本级部门预决算公开和“三公”经费公开工作的通知》解读", ["三公"]),
    ("解读：市城区涉税信息共享系统（二期）", ["涉税"]),
    ("解读：网上政务服务电子签章系统", ["电子签章"]),
]

INTERVIEWS = [
    ("在线访谈：深入推进网上政府服务和电子监察工作", ["电子监察"]),
    ("在线访谈：商事登记制度改革", ["商事登记"]),
    ("在线访谈：郴州创建国家卫生城市", ["专题栏目"]),
    ("在线访谈：电子政务外网和视频专网建设", ["外网", "视频专网"]),
    ("在线访谈：政府信息公开与政民互动", ["信息公开", "政民互动"]),
]
SURVEYS = [
    ("关于市政府门户网站优化改版升级的意见征集", ["改版升级"]),
    ("《郴州市电子政务项目建设管理办法》公开征求意见", ["项目建设管理办法"]),
    ("网上调查：您最关注政府网站的哪些栏目", ["最关注"]),
    ("市民建议征集：政府网站服务功能", ["市民建议征集"]),
]
RESPONSES = [
    ("关于政务服务事项“体外循环”问题的回应", ["体外循环"]),
    ("关于数字证书登录不流畅问题的回应", ["证书登陆不流畅", "数字证书"]),
    ("关于网上政务服务事项办件量的回应", ["排名靠后"]),
    ("关于电子监察系统红黄牌警告的回应", ["红黄牌"]),
    ("关于市长信箱来信回复率的回应", ["市长信箱"]),
]
MAILBOX = [
    ("市长信箱2014年上半年来信办理情况通报", ["市长信箱"]),
    ("2014年第一季度市长信箱来信办理情况", ["市长信箱"]),
    ("2014年第二季度市长信箱来信办理情况", ["市长信箱"]),
    ("市长信箱来信办理规程", ["市长信箱"]),
    ("关于网上行政审批系统访问缓慢的咨询及答复", ["访问缓慢"]),
    ("关于企业开办网上办理的咨询及答复", ["企业开办"]),
]
SERVICES = [
    ("网上行政审批办事指南", ["网上受理"]),
    ("企业开办和资质维护网上办理", ["企业开办"]),
    ("场景式服务：8个主题", ["场景式服务"]),
    ("信息无障碍浏览服务", ["无障碍"]),
    ("政务服务事项收费标准和办理时限查询", ["收费标准"]),
    ("重点公共服务部门政务服务事项网上办理", ["公共服务部门"]),
]

# 数据发布: (title, table rows with a header row, chart caption in ASCII, chart values, words).
DATA_RELEASES = [
    ("2014年上半年市长信箱来信办理情况统计", [["项目", "数量"], ["收到信件（封）", "967"],
     ["回复处理（封）", "906"], ["回复率", "93.69%"]], "Mayor's Mailbox H1 2014", [967, 906], ["市长信箱"]),
    ("2014年上半年人大代表建议网上办理情况统计", [["项目", "件数"], ["录入", "315"], ["已办理", "278"],
     ["正在办理", "36"], ["未立案", "1"]], "NPC deputies' suggestions", [315, 278, 36, 1], ["人大建议"]),
    ("2014年上半年政协提案网上办理情况统计", [["项目", "件数"], ["录入", "334"], ["已办理", "31"],
     ["正在办理", "273"], ["未立案", "30"]], "CPPCC proposals", [334, 31, 273, 30], ["政协提案"]),
    ("2014年上半年政府门户网站信息发布情况统计", [["项目", "数量"], ["门户网站发布信息（条）", "27423"],
     ["英文门户网站发布信息（条）", "354"], ["政务微博发布信息（条）", "2039"]], "Portal items H1 2014",
     [27423, 354, 2039], ["27423", "微博"]),
    ("2014年上半年政府会议保障服务情况统计", [["项目", "次数"], ["视频会议", "52"], ["非视频会议", "188"],
     ["公文传输系统故障处理", "43"]], "Meetings served", [52, 188, 43], ["视频会议", "公文传输系统故障"]),
    ("2014年上半年政民互动情况统计", [["项目", "数量"], ["网上调查和意见征集（次）", "12"],
     ["网上直播（项）", "2"], ["在线访谈（期）", "6"]], "Online interaction", [12, 2, 6], ["在线访谈"]),
]  # fmt: skip

NINE_TABLES = [
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
    "一般公共预算财政拨款“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款支出决算表",
]

COUNTY_TOPICS = [
    ("电子政务外网向乡镇（街道）延伸", ["乡镇（街道）"], SCIENCE),
    ("网上政府服务和电子监察工作", ["电子监察"], LABOUR),
    ("行政审批部门、事项、流程覆盖入网", ["100%覆盖"], GENERAL),
    ("政务小超市提升完善", ["政务小超市"], GENERAL),
    ("政府门户网站信息安全整改", ["信息安全"], SECURITY),
    ("党的群众路线教育实践活动", ["群众路线"], LABOUR),
    ("公共服务事项纳入行政审批和电子监察系统", ["公共服务事项纳入"], GENERAL),
    ("政务服务事项信息公开", ["收费标准"], GENERAL),
    ("视频会议系统应用", ["视频会议"], GENERAL),
    ("市长信箱转办件办理", ["市长信箱"], GENERAL),
]


@dataclass
class ArticlePlan:
    key: str
    title: str
    sentences: list
    lead: str = ""
    day: int = 1  # day of 2014
    minute: int = 540  # minute of the day
    recent_days: int | None = None  # published this many days before the load instead
    organisation: str | None = None
    category: str | None = None
    doc_number: str = ""
    written_at: date | None = None
    validity: str = ""
    keywords: str = ""
    source: str = ""
    author: str = ""
    cover: bool = False
    body_image: bool = False
    chart: tuple | None = None  # (ASCII caption, values)
    table: list | None = None
    attachment: tuple | None = None  # (file name, title, text)
    syndicate_to: list = field(default_factory=list)  # [(site key, column slug)]


@dataclass
class ColumnPlan:
    slug: str
    title: str
    column_type: str
    frequency: str
    channels: list
    menu: bool = False
    description: str = ""
    keywords: str = ""
    children: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    # A column page type of its own ("app_label.ModelName"), else an ordinary column.
    model: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Planner:
    """Builds the article plans of one site from the seed, deterministically."""

    def __init__(self, site_key):
        self.site_key = site_key
        self.seed = load_seed()
        self.rng = random.Random(f"{RANDOM_SEED}-{site_key}")
        self.count = 0

    def body(self, terms, limit=4):
        """Seed sentences about `terms`: a random but stable run of up to `limit` of them."""
        found = self.seed.sentences_with(*terms)
        if not found:
            raise ValueError(f"seed has no sentence with {terms}")
        if len(found) <= limit:
            return found
        picked = sorted(self.rng.sample(range(len(found)), limit))
        return [found[i] for i in picked]

    def article(self, column, title, terms, **fields):
        self.count += 1
        fields.setdefault("day", self.rng.randint(2, 362))
        fields.setdefault("minute", self.rng.randint(8 * 60, 18 * 60))
        fields.setdefault("keywords", "、".join(t for t in terms if len(t) > 1)[:200])
        return ArticlePlan(
            key=f"{column}-{self.count:03d}", title=title, sentences=self.body(terms), **fields
        )


def _mark_recent(columns, rng):
    """The newest item of every column with an update-frequency rule is from the last ten
    days, so the demo's freshness monitors start green."""
    for plan in columns:
        for column in plan.walk():
            if column.frequency != UpdateFrequency.NONE and column.articles:
                column.articles[-1].recent_days = rng.randint(0, 9)


def plan_www():
    p = Planner("www")
    gzdt = []
    for _, title, terms in [f for f in FACT_ARTICLES if f[0] == "gzdt"]:
        gzdt.append(p.article("gzdt", title, terms, organisation="dzzw", source="郴州市电子政务信息中心",
                              category=GENERAL, cover=len(gzdt) % 3 == 0))  # fmt: skip
    templates = NEWS_TITLES[:]
    for i in range(26):
        topic, terms, category = TOPICS[i % len(TOPICS)]
        org = ["市电子政务信息中心", "市政府办", "我市"][i % 3]
        title = templates[(i * 3 + i // len(TOPICS)) % len(templates)].format(org=org, topic=topic)
        gzdt.append(p.article("gzdt", title, terms, organisation="szfb", category=category,
                              source="郴州市人民政府办公室", cover=i % 4 == 0, body_image=i % 6 == 1))  # fmt: skip

    bmdt = []
    for org_key, short, subject, terms in DEPARTMENT_NEWS:
        bmdt.append(p.article("bmdt", f"{short}推进{subject}", terms, organisation=org_key,
                              source=dict((o[0], o[1]) for o in ORGANISATIONS)[org_key]))  # fmt: skip
    xqdt = [
        p.article(
            "xqdt", "县市区加快电子政务外网向乡镇（街道）拓展延伸", ["乡镇（街道）"], organisation="szfb"
        ),
        p.article("xqdt", "县市区行政审批部门、事项、流程100%覆盖入网", ["100%覆盖"], organisation="szfb"),
        p.article(
            "xqdt", "11个县市区政府门户网站完成信息安全现场检查", ["信息安全现场检查"], organisation="szfb"
        ),
    ]
    tzgg = [
        p.article("tzgg", title, terms, organisation="szfb", category=GENERAL) for title, terms in NOTICES
    ]
    zcwj = []
    for i, (title, number, terms, category, validity) in enumerate(POLICIES):
        day = p.rng.randint(10, 340)
        year = int(number.split("〔")[1][:4])
        written = date.fromordinal(date(year, 1, 1).toordinal() + day - 5)
        org = "dzzw" if "郴电政" in number else ("szf" if "郴政发" in number else "szfb")
        zcwj.append(p.article("zcwj", title, terms, organisation=org, category=category, doc_number=number,
                              written_at=written, validity=validity, day=day,
                              attachment=(f"zcwj-{i + 1:02d}.txt", f"{title}（文本）", None) if i % 4 == 0 else None))  # fmt: skip
    zcjd = [
        p.article("zcjd", title, terms, organisation="szfb", category=GENERAL, cover=i == 0)
        for i, (title, terms) in enumerate(INTERPRETATIONS)
    ]
    facts = {slug: [f for f in FACT_ARTICLES if f[0] == slug] for slug in ("zxft", "zjdc", "hygq", "bsfw")}

    def with_facts(slug, items, **fields):
        return [p.article(slug, t, terms, **fields) for _, t, terms in facts.get(slug, [])] + [
            p.article(slug, t, terms, **fields) for t, terms in items
        ]

    guide = [
        p.article("xxgkzn", "郴州市人民政府信息公开指南", ["信息公开"], organisation="szfb", category=GENERAL,
                  lead="为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
                  "需要获得本机关政府信息公开服务的公民、法人或者其他组织，建议阅读本指南。")
    ]  # fmt: skip
    jgzn = [
        p.article("jgzn", "郴州市人民政府办公室主要职能", ["市政府办", "市政府"], organisation="szfb",
                  category=GOVERNMENT),
        p.article("jgzn", "郴州市电子政务信息中心主要职能", ["电子政务系统", "门户网站"], organisation="dzzw",
                  category=GOVERNMENT),
        p.article("jgzn", "市政府各工作部门机构职能目录", ["市直部门"], organisation="szfb", category=GOVERNMENT),
    ]  # fmt: skip
    ldxx = [
        p.article("ldxx", "市电子政务信息中心领导班子分工", ["领导干部", "责任领导"], organisation="dzzw",
                  category=GOVERNMENT,
                  lead="主任主持中心全面工作；副主任分别分管电子政务项目建设、政府门户网站建设管理和系统运维安全工作。"),
        p.article("ldxx", "市政府办领导班子工作分工", ["领导干部", "作风建设"], organisation="szfb", category=GOVERNMENT),
    ]  # fmt: skip
    ghjh = [
        p.article("ghjh", "郴州市网上政府服务和电子监察发展规划（2014-2020年）", ["发展规划"], organisation="szf",
                  category=LABOUR),
        p.article("ghjh", "2014年下半年电子政务工作安排", ["下半年", "启动", "继续"], organisation="dzzw",
                  category=GENERAL),
        p.article("ghjh", "电子政务外网二期建设计划", ["外网"], organisation="dzzw", category=SCIENCE),
        p.article("ghjh", "电子政务云计算中心和政务信息资源共享平台建设计划", ["云计算"], organisation="dzzw",
                  category=SCIENCE),
    ]  # fmt: skip
    rsxx = [
        p.article("rsxx", "郴州市电子政务信息中心2014年公开招聘专业技术人员公告", ["专业技术人员"],
                  organisation="dzzw", category=LABOUR),
        p.article("rsxx", "关于加强电子政务工作队伍建设的意见", ["工作队伍"], organisation="szfb", category=LABOUR),
        p.article("rsxx", "市电子政务信息中心岗位职责和工作纪律", ["岗位职责"], organisation="dzzw", category=LABOUR),
    ]  # fmt: skip
    org_names = {o[0]: o[1] for o in ORGANISATIONS}
    czyjs = []
    for i, key in enumerate(BUDGET_DEPARTMENTS):
        name = org_names[key]
        czyjs.append(
            p.article("czyjs", f"{name}2014年部门预算和“三公”经费预算公开", ["三公", "预决算"], organisation=key,
                      category=FINANCE, day=p.rng.randint(60, 110),
                      lead=f"根据市委、市政府要求，现将{name}2014年部门预算和三公经费预算公开如下。"
                      "部门预算包括收入支出总表、收入总表、支出总表等；三公经费包括因公出国（境）费、"
                      "公务用车购置及运行维护费和公务接待费。",
                      attachment=(f"budget-{key}-2014.csv", f"{name}2014年部门预决算公开表目录", "nine")
                      if i % 3 == 0 else None)
        )  # fmt: skip
    sjfb = [
        p.article("sjfb", title, terms, organisation="dzzw", category=GENERAL, table=rows,
                  chart=(caption, values), day=p.rng.randint(185, 200))
        for title, rows, caption, values, terms in DATA_RELEASES
    ]  # fmt: skip
    sjkf = [
        p.article("sjkf", "政府门户网站信息发布统计数据（2014年上半年）", ["27423"], organisation="dzzw",
                  category=GENERAL, attachment=("portal-items-2014h1.csv", "政府门户网站信息发布统计", "portal")),
        p.article("sjkf", "人大建议和政协提案网上办理统计数据（2014年上半年）", ["政协提案"], organisation="dzzw",
                  category=GENERAL, attachment=("proposals-2014h1.csv", "人大建议和政协提案办理统计", "proposals")),
    ]  # fmt: skip
    xxgknb = [
        p.article("xxgknb", "郴州市2014年上半年政府信息公开工作情况", ["信息公开", "27423"], organisation="szfb",
                  category=GENERAL, day=190),
        p.article("xxgknb", "郴州市人民政府2013年政府信息公开工作年度报告", ["信息公开", "预决算"],
                  organisation="szfb", category=GENERAL, day=80),
    ]  # fmt: skip
    ysqgk = [
        p.article("ysqgk", "政府信息依法申请公开办理流程", ["信息公开"], organisation="szfb", category=GENERAL,
                  lead="公民、法人或者其他组织可以通过网上申请、信函申请或者当面申请等方式，向本机关申请获取政府信息。"),
        p.article("ysqgk", "郴州市人民政府信息公开申请表", ["信息公开"], organisation="szfb", category=GENERAL,
                  attachment=("ysqgk-form.txt", "政府信息公开申请表", "form")),
    ]  # fmt: skip
    gk = [
        p.article("gk", "郴州概况", ["县市区"], organisation="szf", category=GENERAL, cover=True,
                  lead="郴州市位于湖南省东南部，地处南岭山脉与罗霄山脉交错地带，辖11个县市区，素有“林中之城”之称。"),
        p.article("gk", "郴州市政府网站群简介", ["网站群"], organisation="dzzw", category=GENERAL),
        p.article("gk", "郴州市电子政务发展概况", ["电子政务"], organisation="dzzw", category=SCIENCE),
    ]  # fmt: skip
    bsfw = with_facts("bsfw", SERVICES, organisation="szfb", category=GENERAL)
    # Planned (the keys of the items after them stay) but not built: 市长信箱 is a mailbox
    # with its letters and their statistics (demo/mailbox.py), not a column of reports.
    for t, terms in MAILBOX:
        p.article("zxts", t, terms, organisation="szfb", category=GENERAL)
    # Planned (the keys of the items after them stay) but not built: the 征集调查 column's
    # items are the consultations and surveys themselves (demo/consultations.py).
    with_facts("zjdc", SURVEYS, organisation="szfb", category=GENERAL)
    zjdc = []
    # Planned (the keys of the items after them stay what earlier loads gave them) but not
    # built: the 在线访谈 column's items are the interviews themselves (demo/interviews.py),
    # and articles about the same interviews made it show the topics twice.
    with_facts("zxft", INTERVIEWS, organisation="szfb", category=GENERAL)
    zxft = []
    hygq = with_facts("hygq", RESPONSES, organisation="szfb", category=GENERAL)
    # Planned last so that the keys of the items above stay what earlier loads gave them.
    gzdt.append(
        p.article("gzdt", "市政府门户网站围绕创建国家卫生城市、创建国家森林城市等热点设立专题栏目", ["专题栏目"],
                  organisation="dzzw", category=GENERAL, source="郴州市电子政务信息中心")
    )  # fmt: skip

    C, F = ColumnType, UpdateFrequency
    columns = [
        ColumnPlan("zwdt", "政务动态", C.NEWS, F.NEWS, ALL_CHANNELS, menu=True, description="郴州市政务工作动态",
                   keywords="政务动态,工作动态", children=[
                       ColumnPlan("gzdt", "工作动态", C.NEWS, F.NEWS, ALL_CHANNELS, articles=gzdt),
                       ColumnPlan("bmdt", "部门动态", C.NEWS, F.NEWS, WEB_WAP, articles=bmdt),
                       ColumnPlan("xqdt", "县区动态", C.NEWS, F.NEWS, WEB_WAP, articles=xqdt),
                   ]),
        ColumnPlan("tzgg", "通知公告", C.NOTICE, F.NOTICE, ALL_CHANNELS, menu=True, articles=tzgg),
        ColumnPlan("zcwj", "政策文件", C.POLICY, F.NOTICE, WEB_WAP, menu=True, articles=zcwj,
                   description="市政府及办公室文件"),
        ColumnPlan("zcjd", "政策解读", C.INTERPRETATION, F.NOTICE, ALL_CHANNELS, menu=True, articles=zcjd),
        ColumnPlan("xxgk", "政府信息公开", C.CATALOGUE, F.NONE, [Channel.WEB], menu=True, children=[
            ColumnPlan("xxgkzn", "信息公开指南", C.GUIDE, F.NONE, [Channel.WEB], articles=guide),
            ColumnPlan("xxgkml", "信息公开目录", C.CATALOGUE, F.NONE, [Channel.WEB], children=[
                ColumnPlan("jgzn", "机构职能", C.FUNCTIONS, F.NONE, [Channel.WEB], articles=jgzn),
                ColumnPlan("ldxx", "负责人信息", C.LEADERS, F.NONE, [Channel.WEB], articles=ldxx),
                ColumnPlan("ghjh", "规划计划", C.PLANNING, F.PLANNING, [Channel.WEB], articles=ghjh),
                ColumnPlan("rsxx", "人事信息", C.PERSONNEL, F.PLANNING, WEB_WAP, articles=rsxx),
                ColumnPlan("czyjs", "财政预决算", C.BUDGET, F.PLANNING, [Channel.WEB], articles=czyjs,
                           description="市本级部门预决算和“三公”经费公开"),
                ColumnPlan("sjfb", "数据发布", C.DATA_RELEASE, F.NOTICE, WEB_WAP, articles=sjfb),
                ColumnPlan("sjkf", "数据开放", C.OPEN_DATA, F.NONE, [Channel.WEB], articles=sjkf),
            ]),
            ColumnPlan("xxgknb", "信息公开年报", C.ANNUAL_REPORT, F.PLANNING, [Channel.WEB], articles=xxgknb),
            ColumnPlan("ysqgk", "依法申请公开", C.APPLY, F.NONE, [Channel.WEB], articles=ysqgk),
        ]),
        ColumnPlan("bsfw", "办事服务", C.SERVICES, F.NONE, ALL_CHANNELS, menu=True, articles=bsfw),
        ColumnPlan("hdjl", "互动交流", C.CONSULT, F.NONE, ALL_CHANNELS, menu=True, model="interaction.InteractionHubPage", children=[
            ColumnPlan("zjdc", "征集调查", C.SURVEY, F.NONE, WEB_WAP, articles=zjdc),
            ColumnPlan("zxft", "在线访谈", C.INTERVIEW, F.NONE, WEB_WAP, articles=zxft),
            ColumnPlan("dswz", "电视问政", C.INTERVIEW, F.NONE, WEB_WAP),
        ]),
        ColumnPlan("hygq", "回应关切", C.RESPONSE, F.NEWS, ALL_CHANNELS, menu=True, articles=hygq),
        ColumnPlan("zjcz", "走进郴州", C.OVERVIEW, F.NONE, ALL_CHANNELS, menu=True, articles=gk),
    ]  # fmt: skip
    _mark_recent(columns, p.rng)
    return columns


def plan_county(site_key):
    county = COUNTY_NAMES[site_key]
    office = f"{site_key}b"
    p = Planner(site_key)
    news = []
    for i in range(10):
        topic, terms, category = COUNTY_TOPICS[i]
        title = NEWS_TITLES[(i * 5) % len(NEWS_TITLES)].format(org=county, topic=topic)
        lead = f"按照全市统一的工作部署和时间节点要求，{county}扎实推进{topic}。"
        news.append(p.article("zwdt", title, terms, organisation=site_key, category=category, lead=lead,
                              source=f"{county}人民政府办公室", cover=i % 4 == 0,
                              syndicate_to=[("www", "xqdt")] if i % 3 == 0 else []))  # fmt: skip
    notices = [
        p.article("tzgg", f"{county}人民政府办公室{title}", terms, organisation=office, category=GENERAL)
        for title, terms in NOTICES[1:5]
    ]
    number_prefix = {"bhq": "北政办发", "zxs": "资政办发"}[site_key]
    policies = []
    for i, (title, terms) in enumerate(
        [
            ("人民政府办公室关于加快电子政务外网向乡镇（街道）延伸的实施意见", ["乡镇（街道）"]),
            ("人民政府办公室关于深入推进网上政府服务和电子监察工作的实施方案", ["电子监察"]),
            ("政务小超市提升完善工作方案", ["政务小超市"]),
        ]
    ):
        day = p.rng.randint(30, 330)
        policies.append(
            p.article("zcwj", f"{county}{title}", terms, organisation=site_key, category=GENERAL,
                      doc_number=f"{number_prefix}〔2014〕{12 + i * 7}号", written_at=date.fromordinal(
                          date(2014, 1, 1).toordinal() + day - 4), day=day,
                      validity=[Validity.VALID, Validity.VALID, Validity.AMENDED][i])
        )  # fmt: skip
    guide = [p.article("xxgkzn", f"{county}人民政府信息公开指南", ["信息公开"], organisation=office)]
    functions = [p.article("jgzn", f"{county}人民政府办公室主要职能", ["政务服务"], organisation=office)]
    services = [
        p.article("bsfw", f"{county}{title}", terms, organisation=office) for title, terms in SERVICES[:2]
    ]
    C, F = ColumnType, UpdateFrequency
    columns = [
        ColumnPlan("zwdt", "政务动态", C.NEWS, F.NEWS, ALL_CHANNELS, menu=True, articles=news),
        ColumnPlan("tzgg", "通知公告", C.NOTICE, F.NOTICE, WEB_WAP, menu=True, articles=notices),
        ColumnPlan("zcwj", "政策文件", C.POLICY, F.NOTICE, [Channel.WEB], menu=True, articles=policies),
        ColumnPlan("xxgk", "政府信息公开", C.CATALOGUE, F.NONE, [Channel.WEB], menu=True, children=[
            ColumnPlan("xxgkzn", "信息公开指南", C.GUIDE, F.NONE, [Channel.WEB], articles=guide),
            ColumnPlan("jgzn", "机构职能", C.FUNCTIONS, F.NONE, [Channel.WEB], articles=functions),
        ]),
        ColumnPlan("bsfw", "办事服务", C.SERVICES, F.NONE, WEB_WAP, menu=True, articles=services),
    ]  # fmt: skip
    _mark_recent(columns, p.rng)
    return columns


def plan_department():
    p = Planner("dzzw")
    seed = p.seed
    news = []
    for i, (topic, terms, category) in enumerate(TOPICS[:16]):
        title = NEWS_TITLES[(i * 7) % len(NEWS_TITLES)].format(org="市电子政务信息中心", topic=topic)
        news.append(p.article("zxdt", title, terms, organisation="dzzw", category=category,
                              source="郴州市电子政务信息中心", cover=i % 5 == 0,
                              syndicate_to=[("www", "bmdt")] if i % 3 == 0 else []))  # fmt: skip
    notices = [p.article("tzgg", title, terms, organisation="dzzw") for title, terms in NOTICES[5:9]]
    # The report itself, whole and by section.
    summary = p.article("gzzj", f"{seed.organisation}{seed.title}", ["上半年"], organisation="dzzw", day=184,
                        category=GENERAL, author=seed.organisation)  # fmt: skip
    summary.sentences = [seed.intro] + [s for section in seed.sections for s in section.sentences]
    reports = [summary]
    for i, section in enumerate(seed.sections):
        if i % 2:
            continue
        plan = p.article("gzzj", f"{section.part}：{section.heading}", ["上半年"], organisation="dzzw",
                         day=184, category=GENERAL)  # fmt: skip
        plan.sentences = section.sentences
        reports.append(plan)
    functions = [p.article("jgzn", "中心主要职能", ["电子政务系统", "门户网站"], organisation="dzzw")]
    leaders = [
        p.article("ldxx", "中心领导班子分工", ["领导干部"], organisation="dzzw",
                  lead="主任主持中心全面工作；副主任分别分管电子政务项目建设、政府门户网站建设管理和系统运维安全工作。")
    ]  # fmt: skip
    C, F = ColumnType, UpdateFrequency
    columns = [
        ColumnPlan("zxdt", "中心动态", C.NEWS, F.NEWS, ALL_CHANNELS, menu=True, articles=news),
        ColumnPlan("tzgg", "通知公告", C.NOTICE, F.NOTICE, WEB_WAP, menu=True, articles=notices),
        ColumnPlan("gzzj", "工作总结", C.PLANNING, F.PLANNING, [Channel.WEB], menu=True, articles=reports),
        ColumnPlan("jgzn", "机构职能", C.FUNCTIONS, F.NONE, [Channel.WEB], menu=True, articles=functions),
        ColumnPlan("ldxx", "负责人信息", C.LEADERS, F.NONE, [Channel.WEB], menu=True, articles=leaders),
    ]
    _mark_recent(columns, p.rng)
    return columns


def plan_chinese_sites():
    """{site key: [ColumnPlan]} for every Chinese site, in build order (www first: the
    others syndicate into its columns)."""
    return {
        "www": plan_www(),
        "bhq": plan_county("bhq"),
        "zxs": plan_county("zxs"),
        "dzzw": plan_department(),
    }


# Topic pages (专题) of www: (slug, title, summary, words of its sentences, feed column,
# ASCII caption, word in the titles of its related articles).
TOPIC_PAGES = [
    ("2014lh", "2014郴州两会", "市人大代表建议、政协委员提案网上办理与两会报道。", ["政协提案", "人大建议"], "gzdt",
     "Chenzhou Two Sessions 2014", "政协提案"),
    ("cjwscs", "创建国家卫生城市", "郴州创建国家卫生城市专栏：动态、通知与公众参与。", ["专题栏目", "热点问题"],
     "tzgg", "National Sanitary City", "卫生城市"),
    ("cjslcs", "创建国家森林城市", "郴州市创建国家森林城市工作专题。", ["专题栏目", "森林城市"], "gzdt",
     "National Forest City", "森林城市"),
    ("sjdjgg", "商事登记制度改革", "郴州市商事登记制度改革与商事登记信息管理平台建设。", ["商事登记"], "zcwj",
     "Business Registration Reform", "商事登记"),
]  # fmt: skip
