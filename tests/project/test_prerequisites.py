"""A fresh machine: every `make` target describes itself, and one that needs a system
program checks for it first, stopping with one line that names the Debian package rather
than a traceback (bin/require, the one list .ci/run uses too)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REQUIRE = str(ROOT / "bin" / "require")
MAKE = shutil.which("make") or "make"
SUDO = "" if os.geteuid() == 0 else "sudo "


def make(*args, **env):
    # -o: never rebuild the virtual environment from a test.
    return subprocess.run(
        [MAKE, "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def phony_targets():
    text = (ROOT / "Makefile").read_text()
    declared = re.search(r"^\.PHONY:(.*?)(?<!\\)$", text, re.MULTILINE | re.DOTALL).group(1)
    return declared.replace("\\", " ").split()


def test_make_help_names_every_target_with_one_line():
    result = make("help")
    assert result.returncode == 0, result.stderr
    described = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^  make (\S+)\s+(\S.*)$", result.stdout, re.MULTILINE)
    }
    targets = phony_targets()
    assert {"run", "test", "cluster", "bench", "bench-pages", "bench-cluster"} <= set(targets)
    for target in targets:
        assert described.get(target), f"make help does not describe {target}"
    assert "bin/require --list" in result.stdout


def test_a_target_missing_a_program_stops_with_one_line_naming_the_package():
    result = make("cluster", REQUIRE_INSTALL="0", PG_BIN_DIR="/nonexistent/bin")
    assert result.returncode != 0
    message = f"make cluster needs PostgreSQL server: {SUDO}apt-get install postgresql-15"
    assert result.stderr.splitlines()[0] == message
    assert "Traceback" not in result.stderr + result.stdout
    assert "bin/cluster up" not in result.stdout  # stopped before starting anything


def test_the_list_names_a_package_for_every_program_of_every_checked_target():
    result = subprocess.run(
        [REQUIRE, "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    rows = [line.split("|") for line in result.stdout.splitlines()]
    assert all(len(row) == 3 and all(row) for row in rows), rows
    needs = {(target, program): package for target, program, package in rows}
    assert needs[("cluster", "nginx")] == "nginx-light"
    assert needs[("cluster", "Varnish")] == "varnish"
    assert needs[("cluster", "Varnish's xkey module")] == "varnish-modules"
    assert needs[("test", "Chromium")] == "chromium fonts-dejavu-core"
    assert needs[("bench-pages", "wrk")] == "wrk"
    makefile = (ROOT / "Makefile").read_text()
    for target in {target for target, _ in needs} - {"venv", "install"}:
        assert f"@bin/require {target}\n" in makefile, target
    # One list: CI installs through it, not through a list of its own.
    ci = (ROOT / ".ci/run").read_text()
    assert "bin/require install test cluster" in ci
    assert "apt-get install" not in ci


def test_nothing_missing_means_silence():
    result = subprocess.run(
        [REQUIRE, "test", "cluster"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "REQUIRE_INSTALL": "0"},
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_bin_cluster_run_directly_checks_too():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "cluster"), "up"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "REQUIRE_INSTALL": "0", "PG_BIN_DIR": "/nonexistent/bin"},
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"make cluster needs PostgreSQL server: {SUDO}apt-get install postgresql-15"
    ]
