"""Letter statistics in the admin. (being written)."""
