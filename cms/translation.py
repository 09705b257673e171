"""django-modeltranslation registrations: organisation names in Chinese and English."""

from modeltranslation.translator import TranslationOptions, register

from .snippets import Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("zh-hans",)
