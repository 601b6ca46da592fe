"""The guide's warnings have one type, ``guide``, and subtypes a project can list in suppress_warnings."""

import re

import pytest
from sphinx.util.console import strip_escape_sequences

from conftest import ROOT
from guidebook.warning_types import WARNING_TYPE, GuideWarning


@pytest.mark.sphinx("dummy", testroot="safety")
def test_a_guide_warning_fails_the_build_by_default(app, warning):
    app.build()
    assert "index.md:3: ERROR: HTML is not allowed in the chapters" in strip_escape_sequences(
        warning.getvalue()
    )


@pytest.mark.sphinx(
    "dummy", testroot="safety", confoverrides={"suppress_warnings": [GuideWarning.RAW.suppressed_by]}
)
def test_a_project_can_suppress_one_kind(app, warning):
    app.build()
    assert GuideWarning.RAW.suppressed_by == "guide.raw"
    assert "HTML is not allowed" not in warning.getvalue()


def test_every_warning_of_the_extension_has_the_type_and_a_listed_subtype():
    calls = []
    for path in sorted((ROOT / "guidebook").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert 'type="guide"' not in text, f"{path.name}: use WARNING_TYPE and GuideWarning"
        calls += re.findall(r"type=WARNING_TYPE,\s*subtype=GuideWarning\.([A-Z_]+)", text)
    assert WARNING_TYPE == "guide"
    assert sorted(set(calls)) == sorted(
        member.name for member in GuideWarning
    )  # each subtype used, none unlisted
