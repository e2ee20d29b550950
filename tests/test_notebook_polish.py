"""What a learner meets first: every notebook opens with its objectives and estimated time,
runs the environment report in its locked setup cell, and the table of contents is current.

Fast (no kernel): it reads the notebooks' JSON.
"""
import ast
import re
import types

import nbformat
import pytest

from course import contents
from course.assignments import assignment_ids
from course.config import ROOT

IDS = assignment_ids()


def _source(aid):
    return nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.mark.parametrize("aid", IDS)
def test_opens_with_title_objectives_and_estimated_time(aid):
    first = _source(aid).cells[0]
    assert first.cell_type == "markdown", f"{aid} must open with a markdown cell (title, time, objectives)"
    text = first.source
    assert re.search(r"^# ", text, re.M), f"{aid}: the first cell has no '# title'"
    assert re.search(r"objectives", text, re.I), f"{aid}: the first cell does not state its Objectives"
    time = contents.estimated_time(text)
    assert time and re.search(r"\d", time), \
        f"{aid}: the first cell needs '**Estimated time:** <minutes or hours>', found {time!r}"


def _calls_report(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name == "report":
                return True
    return False


@pytest.mark.parametrize("aid", IDS)
def test_locked_setup_cell_reports_the_environment(aid):
    setup = [c for c in _source(aid).cells if _meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1, f"{aid} needs exactly one cell with grade_id 'setup'"
    cell = setup[0]
    assert cell.cell_type == "code" and _meta(cell).get("locked"), \
        f"{aid}: the setup cell must be a locked code cell"
    assert "course.env" in cell.source and _calls_report(cell.source), \
        f"{aid}: the setup cell must call course.env's report() (versions, CPU/GPU, data)"


def test_environment_report_says_versions_device_and_data(capsys):
    from course.env import report
    report()
    out = capsys.readouterr().out
    for what in ("Python", "CPU core", "NumPy", "data mirror:", "cache:", "grading mode:"):
        assert what in out, f"report() does not print {what!r}:\n{out}"


def test_environment_report_names_the_gpu():
    from course.env import _device
    cuda = types.SimpleNamespace(
        is_available=lambda: True, device_count=lambda: 1, get_device_name=lambda i: "NVIDIA H100",
        get_device_properties=lambda i: types.SimpleNamespace(total_memory=80 * 2**30))
    gpu = types.SimpleNamespace(cuda=cuda, version=types.SimpleNamespace(cuda="13.0"),
                                backends=types.SimpleNamespace())
    assert "NVIDIA H100" in _device(gpu) and "80 GiB" in _device(gpu)
    cpu = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False),
                                backends=types.SimpleNamespace())
    assert "CPU" in _device(cpu)


# ---------------------------------------------------------------- table of contents

def test_estimated_time_parsing():
    assert contents.estimated_time("**Estimated time:** 45 minutes · **Seed:** 003") == "45 minutes"
    assert contents.to_minutes("45 minutes") == 45
    assert contents.to_minutes("2 hours") == 120
    assert contents.to_minutes("about 1.5 h") == 90
    assert contents.to_minutes("a while") is None


def test_table_links_every_assignment():
    section = contents.table()
    for aid in IDS:
        assert f"](release/{aid}/{aid}.ipynb)" in section, f"the table of contents does not link {aid}"


@pytest.mark.parametrize("doc", ["docs/lab.md", "README.md"])
def test_contents_section_is_up_to_date(doc):
    path = ROOT / doc
    if not path.is_file() or contents.START not in path.read_text():
        pytest.skip(f"{doc} has no contents section")
    text = path.read_text()
    want = contents.replace_section(text, contents.table(link_prefix=contents.link_prefix_for(path)))
    assert text == want, f"{doc}'s table of contents is stale: run `python -m course.contents --write {doc}`"
