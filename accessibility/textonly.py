"""纯文本 (text-only) rendering: a page's HTML with every image replaced by its text
alternative and embedded media by a link, so nothing on the page needs sight of a picture.
Applied by the mode middleware to any public page, including page types added later."""

from bs4 import BeautifulSoup
from django.utils.translation import gettext


def to_text_only(html):
    soup = BeautifulSoup(html, "html.parser")
    # In the active language: the site's, which the middleware activated.
    template = gettext("[Image: %(alt)s]")
    for img in soup.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if not alt:  # decorative: nothing to say
            img.decompose()
            continue
        span = soup.new_tag("span", attrs={"class": "img-alt"})
        span.string = template % {"alt": alt}
        img.replace_with(span)
    for media in soup.find_all(["video", "audio", "iframe", "object", "embed"]):
        src = media.get("src")
        if not src and media.find("source") is not None:
            src = media.find("source").get("src")
        title = media.get("title") or media.get("aria-label") or src or ""
        if src:
            link = soup.new_tag("a", href=src)
            link.string = title
            media.replace_with(link)
        else:
            media.decompose()
    for picture in soup.find_all("picture"):
        picture.unwrap()
    for source in soup.find_all("source"):
        source.decompose()
    return str(soup)
