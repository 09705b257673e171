"""The mailbox's public pages: the index, writing a letter, looking it up. (being written)."""
