"""Core: problems, front-matter source, schema types, settings, vocabulary, routes, workers."""
