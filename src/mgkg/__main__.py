"""``python -m mgkg`` runs the command line."""

import sys

from mgkg.cli import main

sys.exit(main())
