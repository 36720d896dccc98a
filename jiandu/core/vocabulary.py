"""The domain's words: record kinds, department levels and statuses, each defined once.

Each is a string enum whose value is what staff write in content (`已办结`, `区县`, `column`), so
validation maps front matter onto members and exports write the same words. A member also
carries what the site needs: its Chinese `label`, the `slug` that spells it in URLs, and the
`modifier` of its CSS class (`jd-tag--done`).
"""

from __future__ import annotations

from enum import StrEnum


def _term(cls: type, value: str, label: str, slug: str, modifier: str) -> Term:
    term = str.__new__(cls, value)
    term._value_ = value
    term.label, term.slug, term.modifier = label, slug, modifier
    return term


class Term(StrEnum):
    label: str
    slug: str
    modifier: str

    def __new__(cls, value: str, slug: str, modifier: str = ""):
        return _term(cls, value, value, slug, modifier or slug)

    @classmethod
    def choices(cls) -> str:
        """The values as staff read them in a hint: `已受理、办理中 或 已办结`."""
        values = [str(t) for t in cls.stated()]
        return "、".join(values[:-1]) + " 或 " + values[-1]

    @classmethod
    def stated(cls) -> tuple:
        """The members staff may write in content."""
        return tuple(cls)


class Kind(Term):
    """What a record is: a televised inquiry session or an edition of the newspaper column."""

    short: str

    def __new__(cls, value: str, label: str, short: str):
        term = _term(cls, value, label, value, value)
        term.short = short
        return term

    INQUIRY = "inquiry", "电视问政", "问政"
    COLUMN = "column", "民生无小事、件件有人管", "专栏"


class Level(Term):
    """Where a department sits; a district's own departments and its streets name it as parent."""

    CITY = "市直部门", "city"
    DISTRICT = "区县", "district"
    DISTRICT_DEPARTMENT = "区县部门", "district-department"
    TOWN = "镇街", "town"

    @property
    def needs_parent(self) -> bool:
        return self in (Level.DISTRICT_DEPARTMENT, Level.TOWN)


class EntryStatus(Term):
    """How far the department has got with a column entry's problem."""

    ACCEPTED = "已受理", "accepted", "pending"
    IN_HAND = "办理中", "in-hand", "progress"
    CLOSED = "已办结", "closed", "done"


class CommitmentStatus(Term):
    """A commitment's status. OVERDUE is never written: it is derived from the due date."""

    KEPT = "已兑现", "kept", "done"
    IN_PROGRESS = "推进中", "in-progress", "progress"
    NOT_STARTED = "未启动", "not-started", "pending"
    OVERDUE = "逾期", "overdue", "overdue"

    @classmethod
    def stated(cls) -> tuple:
        return tuple(s for s in cls if s is not cls.OVERDUE)


class RoutingAction(Term):
    """How one hop of a column entry's routing trail moves the case (content/routing.py)."""

    ASSIGN = "交办", "assign"
    TRANSFER = "转办", "transfer"
    RETURN = "退回", "return"
    CLAIM = "认领", "claim"
    SUPERVISE = "督办", "supervise"
    CLOSE = "办结", "close"

    @property
    def hands_over(self) -> bool:
        """The case changes hands (three of these make a bounced case)."""
        return self in (RoutingAction.ASSIGN, RoutingAction.TRANSFER, RoutingAction.RETURN,
                        RoutingAction.CLAIM)

    @property
    def lets_go(self) -> bool:
        """The sending department no longer holds the case."""
        return self in (RoutingAction.TRANSFER, RoutingAction.RETURN, RoutingAction.CLOSE)


class SourceType(Term):
    """Where a record or a segment was reported."""

    NEWSPAPER = "报纸", "newspaper"
    TV = "电视", "tv"
    WEB = "网络", "web"
    HOTLINE = "热线", "hotline"


def edition(year: int, number: int) -> str:
    """How an edition is named: 2016年第45期."""
    return f"{year}年第{number}期"
