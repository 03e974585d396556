"""``python -m gnapp`` runs the command line."""

import sys

from gnapp.cli import main

sys.exit(main())
