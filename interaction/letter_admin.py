"""Handling letters in the admin. (being written)."""
