"""Build: rendering, the pipeline, progress, the Pelican generator and the manifest."""
