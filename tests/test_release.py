"""release/ is exactly what source/ generates now, and leaks nothing."""
import json
import shutil
from pathlib import Path

import pytest

from course.assignments import assignment_ids, generate_release, source_sha256
from course.config import ROOT

IDS = assignment_ids()
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "source", tmp / "source")
    shutil.copy(ROOT / "nbgrader_config.py", tmp)
    generate_release(IDS, root=tmp)
    return tmp / "release"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
            and p.suffix not in (".pt", ".log")}


@pytest.mark.slow
def test_release_is_up_to_date(regenerated):
    for aid in IDS:
        want, have = _files(regenerated / aid), _files(ROOT / "release" / aid)
        assert want.keys() == have.keys(), f"release/{aid} files differ: run `make release`"
        stale = [name for name in want if want[name] != have[name]]
        assert not stale, f"release/{aid} is stale ({stale}): run `make release` and commit it"
    assert sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir()) == IDS


@pytest.mark.parametrize("aid", IDS)
def test_release_records_the_source_it_came_from(aid):
    """Cheap staleness check: any edit of the source, hidden tests included, changes the release."""
    nb = json.loads((ROOT / "release" / aid / f"{aid}.ipynb").read_text())
    stamp = nb["metadata"].get("dlcourse", {}).get("source_sha256")
    assert stamp == source_sha256(ROOT / "source" / aid / f"{aid}.ipynb"), (
        f"release/{aid} was generated from another version of source/{aid}: run `make refresh` and commit")


def _solution_lines(aid: str) -> list[str]:
    """Distinctive lines from inside the solution and hidden-test regions of the source."""
    nb = json.loads((ROOT / "source" / aid / f"{aid}.ipynb").read_text())
    lines = []
    for cell in nb["cells"]:
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if any(m in line for m in MARKERS):
                inside = "BEGIN" in line
                continue
            if inside and len(line.strip()) > 25:
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("aid", IDS)
def test_release_has_no_solutions_or_hidden_tests(aid):
    text = (ROOT / "release" / aid / f"{aid}.ipynb").read_text()
    assert not [m for m in MARKERS if m in text]
    public = set()  # lines also present outside the hidden regions are allowed
    nb = json.loads((ROOT / "source" / aid / f"{aid}.ipynb").read_text())
    for cell in nb["cells"]:
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if any(m in line for m in MARKERS):
                inside = "BEGIN" in line
            elif not inside:
                public.add(line.strip())
    leaked = [line for line in _solution_lines(aid) if line not in public and line in text]
    assert not leaked, f"release/{aid} contains solution or hidden-test lines: {leaked[:5]}"
