"""Content-model rules that are not tied to one page view: organisations, column
channels and update frequency."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.models import ColumnPage, Organisation
from cms.pages import UpdateFrequency
from cms.snippets import validate_credit_code


@pytest.mark.parametrize("code", ["11431000006172845X", "91431000MA4L1234XY"])
def test_valid_credit_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", ["", "1143100000617284", "11431000006172845I", "11431000006172845x"])
def test_invalid_credit_codes_rejected_in_chinese(code):
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        validate_credit_code(code)


@pytest.mark.django_db
def test_organisation_name_is_translated():
    org = Organisation.objects.create(
        name_zh_hans="郴州市财政局", name_en="Chenzhou Finance Bureau", credit_code="11431000006172845X"
    )
    with translation.override("en"):
        assert Organisation.objects.get(pk=org.pk).name == "Chenzhou Finance Bureau"
    with translation.override("zh-hans"):
        assert Organisation.objects.get(pk=org.pk).name == "郴州市财政局"


@pytest.mark.django_db
def test_organisation_rejects_pattern_without_serial():
    org = Organisation(name="某局", credit_code="11431000006172845X", index_pattern="{code}/{year}")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "{seq}" in exc.value.message_dict["index_pattern"][0]


@pytest.mark.parametrize(
    "frequency, days",
    [
        (UpdateFrequency.NEWS, 14),
        (UpdateFrequency.NOTICE, 182),
        (UpdateFrequency.PLANNING, 365),
        (UpdateFrequency.NONE, None),
    ],
)
def test_column_update_days(frequency, days):
    assert ColumnPage(update_frequency=frequency).update_days == days


@pytest.mark.django_db
def test_index_pattern_that_cannot_fit_the_column_is_rejected():
    org = Organisation(
        name="某局", credit_code="11431000006172845X", index_pattern="{code}/{year}-{seq:060d}"
    )
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "超过上限64个字符" in exc.value.message_dict["index_pattern"][0]
