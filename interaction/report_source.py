"""The 互动交流 figures of a site's annual website report (政府网站工作年度报表, M23): the
monitor's report (monitoring.annual_report) asks for them through the dotted path in
settings.MONITOR_REPORT_SOURCES, so the monitor never imports this app.

`annual_figures(site, year)` returns a dict of three groups, each a dict of figures (a
number, or None where the platform keeps no record):

- "letters" (留言办理), over the site's mailboxes, from the per-day statistics table of
  letter_statistics (a letter counts in the year it arrived, as the statistics page counts
  it): received (收到, i.e. submitted − duplicates − declined), replied (办结: the reply
  was sent), average_days (平均办理时间, working days from arrival to reply, one decimal),
  published (公开答复: live published-letter pages whose reply is dated in the year);
- "consultations" (征集调查), over the live consultations and surveys that opened in the
  year: count (期数), opinions (收到意见: every comment on those consultations, moderated or
  not, plus every survey response), results_published (公布调查结果: consultations with a
  feedback notice, surveys with a feedback notice or closed, whose results then show);
- "interviews" (在线访谈), over the live online interviews (not 电视问政 broadcasts) that
  started in the year: count (期数), questions (网民留言: every question asked, moderated or
  not), answered (答复: questions with an answer).
"""

import datetime

from django.utils import timezone

from . import letter_statistics as stats
from .consultations import ConsultationComment, Phase, participation_models
from .interviews import Interview, Question
from .mailbox import LetterPage, MailboxPage
from .surveys import SurveyResponse


def _year_bounds(year):
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime(year, 1, 1), zone)
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1), zone)


def letter_figures(site, year):
    root = site.root_page
    mailbox_ids = list(MailboxPage.objects.descendant_of(root).values_list("pk", flat=True))
    if not mailbox_ids:
        return {"received": None, "replied": None, "average_days": None, "published": None, "mailboxes": 0}
    total = stats.compute(mailbox_ids, stats.Period.of_span(year, "year")).total
    start, end = _year_bounds(year)
    published = (
        LetterPage.objects.live()
        .descendant_of(root)
        .filter(replied_at__gte=start, replied_at__lt=end)
        .count()
    )
    return {
        "received": total.received,
        "replied": total.replied,
        "average_days": total.average_days,
        "published": published,
        "mailboxes": len(mailbox_ids),
    }


def consultation_figures(site, year):
    start, end = _year_bounds(year)
    count = opinions = results = 0
    for model in participation_models():
        pages = list(
            model.objects.live()
            .descendant_of(site.root_page)
            .filter(opens_at__gte=start, opens_at__lt=end)
            .only("opens_at", "closes_at", "feedback")
        )
        count += len(pages)
        ids = [page.pk for page in pages]
        if model.participation_kind == "surveys":
            opinions += SurveyResponse.objects.filter(page_id__in=ids).count()
            results += sum(1 for page in pages if page.has_feedback or page.phase() == Phase.CLOSED)
        else:
            opinions += ConsultationComment.objects.filter(page_id__in=ids).count()
            results += sum(1 for page in pages if page.has_feedback)
    return {"count": count, "opinions": opinions, "results_published": results}


def interview_figures(site, year):
    start, end = _year_bounds(year)
    interviews = (
        Interview.objects.live()
        .exact_type(Interview)
        .descendant_of(site.root_page)
        .filter(starts_at__gte=start, starts_at__lt=end)
    )
    ids = list(interviews.values_list("pk", flat=True))
    questions = Question.objects.filter(interview_id__in=ids)
    return {
        "count": len(ids),
        "questions": questions.count(),
        "answered": questions.exclude(answer="").count(),
    }


def annual_figures(site, year):
    """The site's 互动交流 figures of `year` (see the module's docstring)."""
    return {
        "letters": letter_figures(site, year),
        "consultations": consultation_figures(site, year),
        "interviews": interview_figures(site, year),
    }
