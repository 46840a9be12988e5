"""The site's one date style, for the admin too ("7 December 2026", "7 December 2026,
14:05", 24-hour times), in place of Django's en-GB defaults ("7 Dec 2026, 2:05 p.m.").
Reader pages write their dates with the same formats (core/templatetags/times.py).
Only display formats: what the admin's date and time inputs accept is Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
