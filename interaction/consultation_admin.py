"""Consultations and surveys in the admin. (being written)."""
