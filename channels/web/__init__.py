"""The web channel: the sites' own pages, kept fresh in the frontend cache (adapter.py)."""
