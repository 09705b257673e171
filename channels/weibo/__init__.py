"""The government microblog (政务微博) channel: posts a published item to its site's Weibo
account through the Weibo open API (statuses/share) and deletes the post on unpublish
(statuses/destroy). Its own Django app (`portal_weibo`, apps.py) with the account and post
records (models.py), the one API client (client.py), Weibo's way of counting text
(text.py), the picture rules (images.py), the posting flow (publish.py), the publishing
rule that tells editors what Weibo would refuse (rules.py), the adapter (adapter.py) and
the monitor's freshness source (freshness.py). See docs/weibo.md."""
