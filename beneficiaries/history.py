"""The edit history of a beneficiary: who changed what, when (``core.history``).

Personal fields are named but their values are not shown: the history page must not become a
way around masking."""

from core.history import Entry
from core.history import history_entries as record_history

from .models import Beneficiary
from .services import REVEALABLE

# The fields a person's history shows, in the order of the form.
TRACKED = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "phone",
    "town",
    "village",
    "address",
    "key_care",
    "visit_cadence",
    "key_care_since",
    "organization",
    "consent_date",
    "consent_method",
    "guardian_name",
    "guardian_consent_date",
    "active",
    "deactivated_on",
    "deactivation_reason",
]


def history_entries(beneficiary: Beneficiary) -> list[Entry]:
    """Newest first, from three queries (history rows, towns, organizations) whatever the
    number of changes."""
    return record_history(beneficiary, fields=TRACKED, hidden=REVEALABLE)
