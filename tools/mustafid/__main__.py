import sys

from mustafid.cli.main import main

sys.exit(main())
