"""App push: notifications about newly published items, sent through the outbox's `app`
channel by a push provider chosen by dotted path (settings.PUSH_PROVIDER)."""
