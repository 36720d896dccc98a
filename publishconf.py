"""Pelican settings for publishing: the development settings plus the public address."""

import os
import runpy

# The pelicanconf.py beside this file, read afresh: an import would reuse whichever pelicanconf
# module the process imported first (another project's, in a process that builds two).
_DEVELOPMENT = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pelicanconf.py"))
globals().update({name: value for name, value in _DEVELOPMENT.items() if name.isupper()})

SITEURL = os.environ.get("JIANDU_SITEURL", _DEVELOPMENT["JIANDU_PUBLIC_URL"])
RELATIVE_URLS = False

# Deployment target of `invoke publish` (see README, "Publishing"): a local folder, `rsync:/path`
# or `[user@]host:/path`. Set JIANDU_DEPLOY_TARGET in the environment on the publishing machine.
JIANDU_DEPLOY_TARGET = os.environ.get("JIANDU_DEPLOY_TARGET") or None
JIANDU_KEEP_RELEASES = 5
