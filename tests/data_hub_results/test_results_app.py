"""`results` is an app of its own (issue 11): it owns its templates, template filters and the
`export_results` command; the data quality app plugs its export into the results' downloads
(quality depends on results, never the reverse: an import-linter contract)."""

from django.apps import apps
from django.core.management import get_commands
from django.template.backends.django import get_installed_libraries
from django.template.loader import get_template

from data_hub.quality.exports import QUALITY_EXPORT
from data_hub.results import exports


def test_results_owns_its_templates_filters_and_command():
    config = apps.get_app_config("results")
    assert config.name == "data_hub.results"
    assert get_commands()["export_results"] == "data_hub.results"
    assert get_installed_libraries()["data_results"] == (
        "data_hub.results.templatetags.data_results"
    )
    for name in (
        "results/explorer.html",
        "results/disparities.html",
        "results/_nav.html",
        "results/_extract_picker.html",
        "results/_provenance.html",
    ):
        assert get_template(name).origin.name.startswith(config.path)


def test_quality_registers_its_own_export():
    assert exports.EXPORTS["quality"] is QUALITY_EXPORT
    assert {"results", "summary"} <= set(exports.EXPORTS)
