"""The notice type's app-API serializer and WAP view (named by NoticePage by dotted path)."""

from django.shortcuts import render

from channels.api.serializers import PAGE_FIELDS, ItemSerializer, iso
from cms.pages import stream_text

from .models import NoticePage


class NoticeSerializer(ItemSerializer):
    model = NoticePage
    list_fields = (*PAGE_FIELDS, "summary", "deadline")

    def to_representation(self, page):
        data = super().to_representation(page)
        data["deadline"] = iso(page.deadline)
        return data

    def detail_data(self, page, root_url):
        return {"body": stream_text(page.body)}


def notice_wap_view(request, wap, page):
    return render(request, "itemtype/notice_wap.html", wap.context(page, deadline=page.deadline))
