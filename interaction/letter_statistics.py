"""Letter statistics (I02). (being written)."""
