"""Pelican settings for the Jiandu demo site (development build)."""

import os

ROOT = os.path.dirname(os.path.abspath(__file__))

SITENAME = "监督 · 行政执法公开监督记录"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
THEME = "theme"
PLUGINS = ["jiandu"]

# Jiandu reads content/ itself; Pelican's own article and page machinery stays idle.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
DELETE_OUTPUT_DIRECTORY = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Jiandu settings (see README, "Settings").
JIANDU_ROOT = ROOT
JIANDU_AS_OF = None  # None: the date of the last git commit that touched content/
JIANDU_PROGRAM = "电视问政"
JIANDU_PAGE_SIZE = 50
JIANDU_LATEST = 5
# Routing trails start at one of these (see docs/编辑指南.md, 第十二节); rates, medians and rankings
# need at least JIANDU_MIN_SAMPLE cases, otherwise they read 样本不足 (第十四节).
JIANDU_ROUTING_ORIGINS = ["12345热线", "监督局"]
JIANDU_MIN_SAMPLE = 5

# Guards (see README, "Guards"): service numbers are not personal data; external links must point
# to an allowlisted domain or one of its subdomains.
JIANDU_SERVICE_NUMBERS = ["12345", "12315", "12369", "12358", "12333", "12320", "12319", "12366",
                          "12348", "12310", "12388", "110", "119", "120", "122"]
JIANDU_LINK_ALLOWLIST = ["gov.cn", "jinan.gov.cn", "jnnews.tv", "e23.cn", "dzwww.com",
                         "jnnews.com.cn", "people.com.cn", "xinhuanet.com", "news.cn"]
