"""Pelican settings for publishing: the development settings plus the public address."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("JIANDU_SITEURL", JIANDU_PUBLIC_URL)  # noqa: F405
RELATIVE_URLS = False

# Deployment target of `invoke publish` (see README, "Publishing"): a local folder, `rsync:/path`
# or `[user@]host:/path`. Set JIANDU_DEPLOY_TARGET in the environment on the publishing machine.
JIANDU_DEPLOY_TARGET = os.environ.get("JIANDU_DEPLOY_TARGET") or None
JIANDU_KEEP_RELEASES = 5
