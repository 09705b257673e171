"""The interview builder the interview, search and WAP tests share: a published interview
with its guests in a column."""

import datetime as dt

from interaction.interviews import Interview, InterviewGuest, Status

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
