"""The repository itself: no file carries a half-resolved merge."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_tracked_file_holds_merge_conflict_markers():
    result = subprocess.run(  # noqa: S603
        ["git", "grep", "-n", "-I", "-E", "^(<<<<<<<|>>>>>>>) ", "--", "."],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, f"conflict markers left:\n{result.stdout}"
