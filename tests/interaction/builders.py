"""The interview builders the interview, search, WAP and API tests share: a published
interview with its guests in a column, and its live text."""

import datetime as dt

from interaction.interviews import Interview, InterviewGuest, LiveEntry, Status

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2014, 6, 18, 9, 30, tzinfo=SHANGHAI)


def make_interview(
    column,
    title="市财政局局长谈部门预决算公开",
    status=Status.LIVE,
    guests=(("李明", "市财政局局长"),),
    summary="市财政局局长做客嘉宾访谈室，解读部门预决算和“三公”经费公开。",
    starts_at=START,
    **fields,
):
    fields.setdefault("ends_at", starts_at + dt.timedelta(hours=1, minutes=30))
    page = Interview(title=title, summary=summary, starts_at=starts_at, status=status, **fields)
    for name, role in guests:
        page.guests.add(InterviewGuest(name=name, title=role))
    column.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_live_entries(interview, start=START):
    """Three live entries, the third entered last with a time between the other two: a
    page or feed must order them by time, not by entry."""
    return [
        LiveEntry.objects.create(
            interview=interview, speaker="主持人", text="各位网友大家好。", posted_at=start
        ),
        LiveEntry.objects.create(
            interview=interview,
            speaker="李明",
            text="今年55个部门全部公开预算。",
            posted_at=start + dt.timedelta(minutes=5),
        ),
        LiveEntry.objects.create(
            interview=interview,
            speaker="主持人",
            text="首先请局长介绍。",
            posted_at=start + dt.timedelta(minutes=1),
        ),
    ]
