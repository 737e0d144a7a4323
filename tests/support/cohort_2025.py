"""The real 2025 cohort's dates: six Mondays from 2 June (BST), follow-ups to 8 December (GMT).

The issue's acceptance figures are stated for these dates, so tests that check instants across
the clock change use this one list.
"""

COHORT_2025_DATES = (
    "2025-06-02",
    "2025-06-09",
    "2025-06-16",
    "2025-06-23",
    "2025-06-30",
    "2025-07-07",
    "2025-09-01",
    "2025-10-06",
    "2025-11-03",
    "2025-12-08",
)
