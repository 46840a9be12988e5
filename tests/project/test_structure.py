"""The code's shape (STYLE.md): no module past 500 lines, no import cycle inside an app,
and no test module importing another test module (what two of them share lives in
tests/helpers/ or a conftest.py)."""

import ast
import os
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500

# Folders that are not the project's own modules: tools, installed packages, run state.
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "var", "__pycache__", "migrations"}
# Data rather than code: the demo's stories are text.
DATA_MODULES = {"demo/stories.py"}


def is_python_script(path):
    """An executable without the .py suffix that Python runs (bin/cluster)."""
    with path.open("rb") as file:
        first = file.readline()
    return first.startswith(b"#!") and b"python" in first


def project_modules():
    """Every Python module of the project, as a path relative to the repository root."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(folder, name)
            if name.endswith(".py") or (Path(folder) == ROOT / "bin" and is_python_script(path)):
                relative = path.relative_to(ROOT).as_posix()
                if relative not in DATA_MODULES:
                    yield relative


def line_count(relative):
    return len((ROOT / relative).read_text().splitlines())


def test_no_module_is_over_500_lines():
    long = {path: line_count(path) for path in project_modules() if line_count(path) > MAX_LINES}
    assert not long, (
        f"over {MAX_LINES} lines, split along their seams: {dict(sorted(long.items()))}"
    )


def imported_test_modules(source, package):
    """The test modules (tests/**/test_*.py) that a module of `package` with `source` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [
            name
            for name in names
            if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
        ]
    return found


def imports_of(relative):
    package = relative.removesuffix(".py").replace("/", ".").rsplit(".", 1)[0]
    return imported_test_modules((ROOT / relative).read_text(), package)


def test_no_test_module_imports_another_test_module():
    offenders = {
        path: imported
        for path in project_modules()
        if path.startswith("tests/")
        if (imported := imports_of(path))
    }
    assert not offenders, (
        "shared test code goes to tests/helpers/ (fixtures to a conftest.py): "
        f"{dict(sorted(offenders.items()))}"
    )


def test_the_checks_see_every_module_and_every_kind_of_test_import():
    """The checks above can fail: they see the modules and the imports they look for."""
    modules = set(project_modules())
    assert {"core/pgcluster.py", "bin/cluster", "tests/project/test_structure.py"} <= modules
    assert not any("/migrations/" in path or path.startswith(".venv/") for path in modules)
    source = (
        "import tests.project.test_settings\n"
        "from tests.project.test_backups import rows\n"
        "from . import test_page_cache, conftest\n"
        "from .test_replica import SiteServer\n"
        "from ..articles import test_workflow\n"
        "from tests.helpers.waiting import wait_until\n"
        "from django.test import Client\n"
    )
    assert imported_test_modules(source, "tests.project") == [
        "tests.project.test_settings",
        "tests.project.test_backups",
        "tests.project.test_page_cache",
        "tests.project.test_replica",
        "tests.articles.test_workflow",
    ]


def cycles_inside_apps():
    """Pairs of modules of one app that import each other, directly or through other
    modules of that app, counting imports made inside functions (grimp sees those too)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    apps = config["tool"]["importlinter"]["root_packages"]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*apps, include_external_packages=False)
    found = set()
    for app in apps:
        modules = {m for m in graph.modules if m == app or m.startswith(app + ".")}
        for module in modules:
            for imported in graph.find_modules_directly_imported_by(module) & modules:
                back = graph.find_shortest_chain(importer=imported, imported=module)
                if imported != module and back and set(back) <= modules:
                    found.add(tuple(sorted((module, imported))))
    return sorted(found)


def test_no_app_has_an_import_cycle_inside_it():
    assert cycles_inside_apps() == []
