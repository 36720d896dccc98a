"""Editions: permanent URLs, archive packages and deployment verification."""
