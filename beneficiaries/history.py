"""The edit history of a beneficiary and of a visit: who changed what, when (``core.history``).

Personal fields are named but their values are not shown: the history page must not become a
way around masking."""

from core.history import Entry
from core.history import history_entries as record_history

from .models import Beneficiary, Visit
from .rules import BENEFICIARY_FIELDS
from .services import REVEALABLE

# The register's fields (rules.BENEFICIARY_FIELDS; categories have their own history rows) and
# whether the person is on it.
TRACKED = [name.removesuffix("_id") for name in BENEFICIARY_FIELDS if name != "categories"] + [
    "active",
    "deactivated_on",
    "deactivation_reason",
]


def history_entries(beneficiary: Beneficiary) -> list[Entry]:
    """Newest first, from three queries (history rows, towns, organizations) whatever the
    number of changes."""
    return record_history(beneficiary, fields=TRACKED, hidden=REVEALABLE)


def visit_history_entries(visit: Visit) -> list[Entry]:
    """Newest first: a visit's recording, corrections and withdrawal, with what changed."""
    return record_history(visit)
