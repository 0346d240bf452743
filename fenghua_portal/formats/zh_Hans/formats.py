"""The portal's one date format wherever a template shows a date without naming a format (the
same as ``core.formatting`` and the ``portal_format`` filters): 2026-11-30, 2026-11-30 14:05."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
TIME_FORMAT = "H:i"
