"""Jiandu: a Pelican plugin that publishes a supervision bureau's accountability record."""

from pelican import signals

from .generator import JianduGenerator


def _generators(pelican):
    return JianduGenerator


def register():
    signals.get_generators.connect(_generators)
