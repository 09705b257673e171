"""Wagtail's floor for the dynamic-path benchmark (bench/dynamic.py): a bare page type with a
rich-text body and a minimal template, installed by that benchmark's settings only."""
