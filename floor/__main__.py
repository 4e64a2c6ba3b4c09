"""`python -m floor` runs the `floor` command."""

from floor.cli import main

raise SystemExit(main())
