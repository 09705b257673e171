"""The broadcast builders the broadcast tests share: a published TV inquiry with its
departments on stage and problems raised, in an interview column."""

import datetime as dt

from interaction.broadcasts import BroadcastDepartment, BroadcastPage, RectificationItem
from interaction.interviews import InterviewGuest, Status
from tests.interaction.builders import START

# A minimal MP4 and a minimal WebM: enough of the header for the content to be sniffed.
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 256
WEBM_BYTES = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08" + (
    b"\x42\x82\x84webm" + b"\x00" * 256
)


def make_broadcast(
    column,
    departments,
    problems=(),
    title="《电视问政》第六期：城区民生热点问题",
    status=Status.ENDED,
    starts_at=START,
    **fields,
):
    """A published broadcast; `departments` are (organisation, official), `problems` are
    (problem, organisation, deadline) as raised on the show (progress is updated later)."""
    fields.setdefault("ends_at", starts_at + dt.timedelta(hours=1))
    fields.setdefault("summary", "四个部门负责人走进演播室，现场回应城区民生热点问题。")
    page = BroadcastPage(title=title, status=status, starts_at=starts_at, **fields)
    page.guests.add(InterviewGuest(name="王芳", title="主持人"))
    for organisation, official in departments:
        page.departments.add(BroadcastDepartment(organisation=organisation, official=official))
    for problem, organisation, deadline in problems:
        page.rectifications.add(
            RectificationItem(problem=problem, organisation=organisation, deadline=deadline)
        )
    column.add_child(instance=page)
    page.save_revision().publish()
    return page
