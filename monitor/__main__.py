"""``python -m monitor`` and the ``defwatch`` console command: the command line."""

from __future__ import annotations

from typing import NoReturn

from monitor.collector import pause_for_start_up


def main() -> NoReturn:
    """Run ``monitor.cli.run``, with the collector paused already for the CLI's own imports."""
    pause_for_start_up()  # resumed by the command group once a command is about to run
    from monitor.cli import run

    run()


if __name__ == "__main__":
    main()
