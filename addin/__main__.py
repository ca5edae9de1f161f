"""``python -m addin``: the backoffice command."""

import sys

from addin.cli import main

sys.exit(main())
