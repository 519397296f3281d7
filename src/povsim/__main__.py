"""``python -m povsim`` runs the command line."""

import sys

from povsim.cli import main

sys.exit(main())
