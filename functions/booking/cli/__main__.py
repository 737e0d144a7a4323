"""``python -m booking.cli``: the ``course-booking`` console script."""

import sys

from booking.cli import main

sys.exit(main())
