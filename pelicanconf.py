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
# Routing trails start at one of these (see docs/编辑指南.md, 第十四节); rates, medians and rankings
# need at least JIANDU_MIN_SAMPLE cases, otherwise they read 样本不足 (第十六节).
JIANDU_ROUTING_ORIGINS = ["12345热线", "监督局"]
JIANDU_MIN_SAMPLE = 5

# The permanent public address: canonical links, page metadata and QR codes use it while SITEURL
# is empty (this preview); publishconf.py publishes at it unless JIANDU_SITEURL says otherwise.
JIANDU_PUBLIC_URL = "https://jiandu.example.gov.cn"

# Site identity required by 《政府网站发展指引》, shown in every footer (see README, "Site identity").
# `invoke publish` refuses while any of these is missing; the preview only warns.
# Demo values: invented names and numbers, not a real filing.
JIANDU_SPONSOR = "济南市行政执法监督局（示例）"
JIANDU_OPERATOR = "济南市行政执法监督局办公室（示例）"
JIANDU_CONTACT = {
    "phone": "0531-12345678",
    "email": "jiandu@example.gov.cn",
    "address": "济南市示例路 1 号",
}
JIANDU_SITE_CODE = "3701000099"
JIANDU_ICP = "鲁ICP备00000000号-1"
JIANDU_POLICE_RECORD = "鲁公网安备 37010000000000号"
JIANDU_CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id=0000000000000000"

# Guards (see README, "Guards"): service numbers are not personal data; external links must point
# to an allowlisted domain or one of its subdomains.
JIANDU_SERVICE_NUMBERS = ["12345", "12315", "12369", "12358", "12333", "12320", "12319", "12366",
                          "12348", "12310", "12388", "110", "119", "120", "122"]
JIANDU_LINK_ALLOWLIST = ["gov.cn", "jinan.gov.cn", "jnnews.tv", "e23.cn", "dzwww.com",
                         "jnnews.com.cn", "people.com.cn", "xinhuanet.com", "news.cn"]
