"""The site's identity, as the government-website rules require it in every footer.

《政府网站发展指引》 asks each page to name the sponsor (主办单位) and operator (承办单位), a
contact, the site identification code (网站标识码), the ICP filing number linked to the MIIT's
lookup page, and the public-security filing number linked to its lookup page. The values live in
settings (pelicanconf.py) and are validated like content: a malformed value is a problem at the
line where it is written. A missing value only warns in the preview; `invoke publish` refuses.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jiandu.core.problems import Problems
from jiandu.core.schema import Context, Custom, Invalid, Schema, Struct, Text, Url
from jiandu.core.source import Located

ICP_LOOKUP = "https://beian.miit.gov.cn/"
POLICE_LOOKUP = "https://beian.mps.gov.cn/#/query/webSearch?code="

# 6-digit administrative division code (or bm + 4 digits for State Council departments), then 4.
SITE_CODE_RE = re.compile(r"^(?:\d{6}|bm\d{4})\d{4}$")
ICP_RE = re.compile(r"^[\u4e00-\u9fff]ICP备\d{6,10}号(?:-\d{1,3})?$")
POLICE_RE = re.compile(r"^[\u4e00-\u9fff]公网安备\s?(\d{14})号$")
PHONE_RE = re.compile(r"^[\d()（）+\-－ ]{5,24}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def _matching(pattern: re.Pattern, example: str, what: str):
    def convert(value, ctx) -> str:
        text = Text.convert(Text(what), value, ctx, ())
        if not pattern.match(text):
            raise Invalid(f"格式无效：“{text}”。", f"应写成 {example} 这样的格式（{what}）。")
        return text
    return convert


CONTACT_SCHEMA = Schema([
    ("phone", Custom("电话", func=_matching(PHONE_RE, "0531-12345678", "号码和连字符"))),
    ("email", Custom("电子邮箱", func=_matching(EMAIL_RE, "jiandu@example.gov.cn", "电子邮箱"))),
    ("address", Text("通信地址")),
])

# (setting, label, field); all but the 党政机关网站 mark are required to publish.
IDENTITY_SCHEMA = Schema([
    ("JIANDU_SPONSOR", Text("主办单位")),
    ("JIANDU_OPERATOR", Text("承办单位")),
    ("JIANDU_CONTACT", Struct("联系方式", schema=CONTACT_SCHEMA)),
    ("JIANDU_SITE_CODE", Custom("网站标识码", func=_matching(
        SITE_CODE_RE, "3701000001", "10 位，前 6 位为行政区划代码"))),
    ("JIANDU_ICP", Custom("ICP 备案号", func=_matching(ICP_RE, "鲁ICP备12345678号-1", "ICP 备案号"))),
    ("JIANDU_POLICE_RECORD", Custom("公安机关备案号", func=_matching(
        POLICE_RE, "鲁公网安备 37010202000001号", "公网安备号，14 位数字"))),
    ("JIANDU_CONAC_URL", Url("党政机关网站标识的证书网址")),
])
REQUIRED = ("JIANDU_SPONSOR", "JIANDU_OPERATOR", "JIANDU_CONTACT", "JIANDU_SITE_CODE", "JIANDU_ICP",
            "JIANDU_POLICE_RECORD")
EXAMPLES = {
    "JIANDU_SPONSOR": '"济南市行政执法监督局"',
    "JIANDU_OPERATOR": '"济南市行政执法监督局办公室"',
    "JIANDU_CONTACT": '{"phone": "0531-12345678", "email": "jiandu@example.gov.cn"}',
    "JIANDU_SITE_CODE": '"3701000001"',
    "JIANDU_ICP": '"鲁ICP备12345678号-1"',
    "JIANDU_POLICE_RECORD": '"鲁公网安备 37010202000001号"',
}


IDENTITY_KEYS = tuple(IDENTITY_SCHEMA.names())


def attribute(key: str) -> str:
    """The Settings field of a setting: JIANDU_SITE_CODE -> site_code."""
    return key.removeprefix("JIANDU_").lower()


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SiteIdentity:
    sponsor: str | None = None
    operator: str | None = None
    contact: Contact | None = None
    site_code: str | None = None
    icp: str | None = None
    police_record: str | None = None
    conac_url: str | None = None

    icp_url = ICP_LOOKUP

    @property
    def police_url(self) -> str | None:
        match = POLICE_RE.match(self.police_record or "")
        return POLICE_LOOKUP + match.group(1) if match else None


def identity_of(settings) -> SiteIdentity:
    """The identity held by the typed settings."""
    return SiteIdentity(**{attribute(key): getattr(settings, attribute(key)) for key in IDENTITY_KEYS})


def validate_identity(pelican_settings: Mapping, lines: dict, problems: Problems) -> dict:
    """Settings fields of the identity, with each malformed value reported at its line."""
    data = {key: pelican_settings.get(key) for key in IDENTITY_KEYS}
    ctx = Context(CONF_NAME, Located(data, lines, 1), problems)
    values = ctx.validate(IDENTITY_SCHEMA, data)
    out = {}
    for key in IDENTITY_KEYS:
        value = values[key]
        if isinstance(value, dict):
            value = Contact(**{k: value[k] for k in CONTACT_SCHEMA.names()})
            value = value if any((value.phone, value.email, value.address)) else None
        out[attribute(key)] = value
    return out


def missing_identity(settings) -> Problems:
    """One problem per required identity setting left empty, at its line or the file's first."""
    problems = Problems()
    lines = setting_lines(settings.root)
    for key, fld in IDENTITY_SCHEMA.fields:
        if key in REQUIRED and not getattr(settings, attribute(key)):
            problems.add(CONF_NAME, lines.get((key,), 1), f"缺少网站标识设置 {key}（{fld.label}）。",
                         f"政府网站须在页脚公开此项；请在 {CONF_NAME} 中填写，"
                         f"例如 {key} = {EXAMPLES[key]}。")
    return problems


CONF_NAME = "pelicanconf.py"


def setting_lines(root: Path) -> dict[tuple, int]:
    """Line of each top-level assignment (and each key of a dict literal) in pelicanconf.py."""
    try:
        tree = ast.parse((Path(root) / CONF_NAME).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    lines: dict[tuple, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    lines[(target.id,)] = node.lineno
                    if isinstance(node.value, ast.Dict):
                        for key in node.value.keys:
                            if isinstance(key, ast.Constant):
                                lines[(target.id, key.value)] = key.lineno
    return lines
