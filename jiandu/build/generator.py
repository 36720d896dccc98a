"""The Pelican generator: runs the Jiandu pipeline inside a Pelican build."""

from __future__ import annotations

from pathlib import Path

from jiandu.build import summary
from jiandu.build.pipeline import Pipeline
from jiandu.build.progress import console_progress
from jiandu.core.settings import jiandu_settings


class JianduGenerator:
    """Returned from Pelican's `get_generators` signal; Pelican calls the two stages in order."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.output = Path(output_path)
        self.pipeline = Pipeline(jiandu_settings(settings), Path(theme), self.output,
                                 progress=console_progress())
        self.read = None

    def generate_context(self) -> None:
        # Raises ContentError with every problem before anything is written.
        self.read = self.pipeline.read()

    def generate_output(self, writer) -> None:
        paths = self.pipeline.write_all(*self.read)
        summary.remember(self.output, summary.summarize(self.read[0], paths))
