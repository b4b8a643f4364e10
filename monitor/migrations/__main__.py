"""``python -m monitor.migrations revision "message"``: write a revision for the models' changes."""

from __future__ import annotations

import sys

from monitor.migrations.authoring import NoSchemaChangeError, write_revision

USAGE = 'usage: python -m monitor.migrations revision "what changed"'


def main(argv: list[str]) -> int:
    """Run the command line; returns the exit code."""
    if len(argv) != 2 or argv[0] != "revision" or not argv[1].strip():
        sys.stderr.write(USAGE + "\n")
        return 2
    try:
        path = write_revision(argv[1].strip())
    except NoSchemaChangeError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.write(
        f"wrote {path}\nread it, set HEAD_REVISION = {path.name.split('_')[0]!r} in "
        "monitor/migrations/__init__.py, run the tests (tests/db), then commit it\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
