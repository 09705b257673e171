"""Broadcasts in the admin. (being written)."""
