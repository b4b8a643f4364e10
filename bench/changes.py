"""Change-detection quality on the noise/edit corpus, crawled through the real crawler on loopback.

    python bench/changes.py
Prints, per variant, how many cases raised an alert and how many were handled correctly
(noise: no alert, no version; edit: one new version, classified as the expected kind).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.changes.harness import run_corpus, table


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        outcomes = run_corpus(Path(folder))
    print(table(outcomes))
    noise = [o for o in outcomes if o.case.expected_kind is None]
    edits = [o for o in outcomes if o.case.expected_kind is not None]
    print(f"\nnoise: {sum(o.alerted for o in noise)} alerts in {len(noise)} cases")
    print(
        f"edits: {sum(o.alerted for o in edits)}/{len(edits)} detected, {sum(o.correct for o in edits)} classified correctly"
    )


if __name__ == "__main__":
    main()
