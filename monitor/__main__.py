"""``python -m monitor`` runs the defwatch command line."""

from __future__ import annotations

from monitor.cli import run

run()
