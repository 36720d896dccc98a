"""Pelican settings for publishing: the development settings plus the public address."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("JIANDU_SITEURL", "https://jiandu.example.gov.cn")
RELATIVE_URLS = False
