"""The work queues of the home page: what is waiting for a person, each as a count with a link
to the list filtered to exactly those rows.  An app offers its items as ``WorkItem``s (the home
page collects them per role; ``referrals.queries.home_items(user)`` returns a list of them), so
the page knows no app's rules."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkRow:
    """One example of an item's rows (the oldest report, the person most overdue)."""

    text: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class WorkItem:
    """``key`` names the item for tests and styling (``overdue``, ``reports_returned``);
    ``count`` is the number of rows behind ``url``; ``tone`` "attention" when something waits
    for the person, "calm" when it is a figure to know."""

    key: str
    label: str
    count: int
    url: str
    note: str = ""
    tone: str = "attention"
    rows: tuple[WorkRow, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return self.count == 0
