"""Content: the typed model, the registry, validation of the content tree, guards, sanitizing."""
