"""No search channel, on purpose.

The public search index is kept current by search/signals.py, which enqueues an index
update on every page_published and a removal on every page_unpublished, move and delete.
An outbox channel for search would index every publish a second time, so CHANNEL_ADAPTERS
has no "search" key. This module exists so that the decision is found where an adapter
would be looked for; see docs/channels.md.
"""
