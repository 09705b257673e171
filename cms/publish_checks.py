"""Content rules that other apps add to publishing (accessibility/ registers its checks here
when it starts). cms/ runs them where content is approved for publication other than by the
editor's publish button, which those apps guard with their own Wagtail hooks: a review
step's approval (cms.workflow). cms/ never imports the apps that register."""

_checks = []


def register(check):
    """`check(page)` returns the reasons (in Chinese, one string each) why the page's
    content may not be published; an empty list when it may."""
    _checks.append(check)
    return check


def refusals(page):
    return [str(reason) for check in _checks for reason in check(page)]
