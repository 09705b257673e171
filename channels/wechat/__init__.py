"""The WeChat Official Account channel: API client (client.py), rich text → WeChat HTML
(html.py), the publishing flow (publish.py), account and upload records (models.py) and an
HTTP stand-in for the WeChat API (standin.py). See docs/wechat.md."""
