"""Jiandu: a Pelican plugin that publishes a supervision bureau's accountability record.

This module only wires Pelican's signals to the stages that live in their own modules.
"""

from pathlib import Path

from pelican import signals
from pelican.log import console

from jiandu.build import summary
from jiandu.build.generator import JianduGenerator
from jiandu.build.manifest import write_manifest
from jiandu.core.problems import ContentError
from jiandu.core.settings import jiandu_settings
from jiandu.editions.permalinks import address_problems

# Steps run in this order once every page, asset and the search bundle is written. Each is a
# function (output: Path, settings: Settings) -> None. The manifest lists every file written.
FINALIZE_STEPS: list = [write_manifest]


def _generators(pelican):
    return JianduGenerator


def _check_addresses(generators):
    """After reading, before writing: refuse what `invoke check` refuses about addresses."""
    for generator in generators:
        if isinstance(generator, JianduGenerator) and generator.read:
            site, idx = generator.read
            pipeline = generator.pipeline  # plans the pages once, here and for writing them
            problems = address_problems(site, pipeline.settings.root, idx, pipeline.plan(site, idx))
            if problems:
                raise ContentError(problems)


def _finalized(pelican):
    settings = jiandu_settings(pelican.settings)
    output = Path(pelican.output_path)
    for step in FINALIZE_STEPS:
        step(output, settings)
    done = summary.take(output)
    if done:
        summary.say(done.line(summary.count_files(output)))
        # Pelican's own closing line follows and counts "0 articles": Jiandu's line replaces it.
        console.quiet = True


def register():
    signals.get_generators.connect(_generators)
    signals.all_generators_finalized.connect(_check_addresses)
    signals.finalized.connect(_finalized)
