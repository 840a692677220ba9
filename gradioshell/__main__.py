"""Allow ``python -m gradioshell``."""

from gradioshell.main import main

raise SystemExit(main())
