"""Jiandu: a Pelican plugin that publishes a supervision bureau's accountability record.

This module only wires Pelican's signals to the stages that live in their own modules.
"""

from pathlib import Path

from pelican import signals

from jiandu.build.generator import JianduGenerator
from jiandu.build.manifest import write_manifest
from jiandu.core.problems import ContentError
from jiandu.editions.permalinks import address_problems
from jiandu.site.search import build_search_index

# Steps run in this order once every page and asset is written. Each is a function
# (output: Path, pelican_settings: dict) -> None. The manifest stays last: it lists every file
# the steps before it wrote, the search index included.
FINALIZE_STEPS: list = [build_search_index, write_manifest]


def _generators(pelican):
    return JianduGenerator


def _check_addresses(generators):
    """After reading, before writing: refuse what `invoke check` refuses about addresses."""
    for generator in generators:
        if isinstance(generator, JianduGenerator) and generator.read:
            site, idx = generator.read
            problems = address_problems(site, Path(generator.pipeline.settings["JIANDU_ROOT"]), idx)
            if problems:
                raise ContentError(problems)


def _finalized(pelican):
    for step in FINALIZE_STEPS:
        step(Path(pelican.output_path), pelican.settings)


def register():
    signals.get_generators.connect(_generators)
    signals.all_generators_finalized.connect(_check_addresses)
    signals.finalized.connect(_finalized)
