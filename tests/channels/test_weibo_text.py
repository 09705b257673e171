"""Weibo's way of counting a post (channels/weibo/text.py), the post composed from an item,
and the key that finds it on the timeline. The stand-in counts with its own code, written
the way Weibo's web client counts, and both must agree."""

import pytest

from channels.weibo.text import TextTooLong, clean, compose, fit, half_units, text_key, weibo_length
from demo.weibo_standin import weibo_count

URL = "http://www.czs.gov.cn/zwgk/zwdt/gzdt/content_123456.html"


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("郴州", 2),
        ("abcd", 2),  # ASCII counts half
        ("abc", 2),  # rounded up
        ("２０２６", 4),  # full-width digits are whole characters
        ("郴州 2026", 5),  # 2 + (1 + 4) / 2 = 4.5 → 5
        ("🌧", 2),  # beyond the Basic Multilingual Plane: two characters
        (URL, 10),  # any link of up to 140 characters: 10
        ("http://t.cn/A6abcdE", 10),
        ("详见" + URL, 12),
        ("http://x.cn/" + "a" * 200, 46),  # 212 characters: (212 - 120) / 2
    ],
)
def test_length_as_weibo_counts_it(text, length):
    assert weibo_length(text) == length
    assert weibo_count(text) == length  # the stand-in's own count agrees


def test_a_long_link_counts_its_length_less_120_half_characters():
    link = "https://www.czs.gov.cn/" + "x" * 157  # 180 characters
    assert half_units(link) == 180 - 120
    assert half_units("http://x.cn/" + "a" * 128) == 20  # exactly 140: still 10 characters


def test_the_post_is_title_summary_and_link():
    text = compose("市政府召开常务会议", "研究部署防汛工作。", URL, limit=140)
    assert text == f"【市政府召开常务会议】研究部署防汛工作。 {URL}"
    assert weibo_length(text) == 11 + 9 + 1 + 10  # the space before the link is half


def test_a_long_summary_is_cut_to_fit_with_an_ellipsis():
    summary = "各地各部门要" + "进一步推进政府网站集约化建设" * 20
    text = compose("全市政务公开工作会议召开", summary, URL, limit=140)
    assert weibo_length(text) == 140
    assert text.endswith(f"… {URL}") and text.startswith("【全市政务公开工作会议召开】各地各部门要")
    assert weibo_count(text) <= 140  # what the stand-in (Weibo) accepts


def test_mixed_text_fits_to_the_half_character():
    text = compose("2026年郴州市政府网站工作年度报表", "Chenzhou " * 60, URL, limit=140)
    assert half_units(text) in (279, 280)  # an ASCII summary fills the last half-character too
    assert weibo_length(text) == 140


def test_without_room_for_a_summary_the_post_is_title_and_link():
    title = "郴" * 128  # 【】 and 128 characters, half a space, the link: 140.5 → 141
    with pytest.raises(TextTooLong):
        compose(title, "摘要", URL, limit=140)
    title = "郴" * 127
    assert compose(title, "摘要内容", URL, limit=140) == f"【{title}】 {URL}"


def test_a_title_too_long_for_its_link_says_how_much_to_cut():
    title = "关于" + "进一步加强政府网站集约化建设" * 10  # 142 characters
    with pytest.raises(TextTooLong) as refused:
        compose(title, "", URL, limit=140)
    assert refused.value.length == 142 + 2 + 1 + 10 - 0  # 【】, the half space rounded up, the link
    assert "请将标题至少缩短 15 字" in str(refused.value) and "链接按 10 字计" in str(refused.value)


def test_topic_marks_outside_links_become_full_width():
    assert clean("#郴州发布# 见 http://a.cn/x#top") == "＃郴州发布＃ 见 http://a.cn/x#top"
    assert clean("  两会\n 召开 ") == "两会 召开"


def test_fit_leaves_out_what_cannot_fit():
    assert fit("摘要", 4) == "摘要"
    assert fit("摘要内容", 4) == "摘…"
    assert fit("摘要内容", 2) == ""


def test_the_key_finds_a_post_whose_link_weibo_shortened():
    sent = f"【市政府召开常务会议】研究部署防汛工作。 {URL}"
    shown = "【市政府召开常务会议】研究部署防汛工作。 http://t.cn/A6x9QwEr"
    assert text_key(shown) == text_key(sent)
    assert text_key(shown.replace("防汛", "抗旱")) != text_key(sent)
