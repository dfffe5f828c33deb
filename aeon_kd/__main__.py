"""``python -m aeon_kd``: the ``aeon-kd`` command line."""

import sys

from aeon_kd.cli import main

sys.exit(main())
