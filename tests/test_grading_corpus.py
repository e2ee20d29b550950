"""The bad-submission corpus: one batch of hostile or broken submissions, graded together.

Every case must end graded (with the score it deserves) or flagged with a clear
reason, while the rest of the batch is graded correctly and nothing is lost.
All cases start from the demo's correct 01_perceptron notebook (7 points:
perceptron 2, AND 1, NAND 1, OR 1, XOR 2) and run in ONE grading run with two
workers, in a temporary copy of the course.
"""
import json
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from test_grading import EXAMPLES, hidden_lines, make_course, read_grades, results

AID = "01_perceptron"
GOOD = EXAMPLES / "submitted" / "alice-correct" / AID / f"{AID}.ipynb"
STAMP = "2026-04-20 10:00:00.000000 UTC\n"


def good() -> nbformat.NotebookNode:
    return nbformat.read(str(GOOD), as_version=4)


def cell(nb, gid):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid)


def append(gid: str, code: str):
    """The correct notebook, with *code* run at the end of answer cell *gid*."""
    def build(folder: Path):
        nb = good()
        cell(nb, gid).source += "\n" + code
        write(folder, nb)
    return build


def write(folder: Path, nb, name: str = AID) -> None:
    nbformat.write(nb, str(folder / f"{name}.ipynb"))


def corrupt(folder: Path):
    text = GOOD.read_text()
    (folder / f"{AID}.ipynb").write_text(text[: len(text) // 3])


def not_a_notebook(folder: Path):
    (folder / f"{AID}.ipynb").write_text(json.dumps({"answer": 42}))


def deleted_test_cell(folder: Path):
    nb = good()
    nb.cells.remove(cell(nb, "test_and"))
    write(folder, nb)


def edited_test_cell(folder: Path):
    nb = good()
    cell(nb, "test_and").source = "pass  # the tests are fine, trust me"
    write(folder, nb)


def duplicated_test_cell(folder: Path):
    nb = good()
    i = nb.cells.index(cell(nb, "test_or"))
    copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[i])))
    copy["id"] = "duplicate-of-test-or"
    nb.cells.insert(i + 1, copy)
    write(folder, nb)


def deleted_metadata(folder: Path):
    nb = good()
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)
    write(folder, nb)


def infinite_loop(folder: Path):
    nb = good()
    cell(nb, "xor").source = "def XOR(x1, x2):\n    while True:\n        pass"
    write(folder, nb)


def missing(folder: Path):
    (folder / "notes.txt").write_text("I forgot the notebook")


def renamed(folder: Path):
    write(folder, good(), f"{AID} (1)")


def extra_files(folder: Path):
    write(folder, good())
    (folder / "helper.py").write_text("X = 1\n")
    (folder / "scratch.csv").write_text("a,b\n1,2\n")


def older_release(folder: Path):
    """An earlier version of the release: another answer id, an older visible test."""
    nb = good()
    cell(nb, "xor").metadata["nbgrader"]["grade_id"] = "xor_gate"
    cell(nb, "test_and").source = "assert AND(1, 1) == 1"
    nb.metadata["nbgrader"] = {"__altered": False, "release": "2025 spring"}
    write(folder, nb)


WRONG_AND = "def AND(x1, x2):\n    return 0"


def skipped_test_cell(folder: Path):
    """A wrong AND whose test cell is tagged so that nbclient skips it (an empty test cell scores full)."""
    nb = good()
    cell(nb, "and").source = WRONG_AND
    cell(nb, "test_and").metadata["tags"] = ["skip-execution", "raises-exception"]
    write(folder, nb)


def raw_test_cell(folder: Path):
    """A wrong AND whose test cell was turned into a raw cell."""
    nb = good()
    cell(nb, "and").source = WRONG_AND
    test = cell(nb, "test_and")
    test.cell_type = "raw"
    del test["outputs"], test["execution_count"]
    write(folder, nb)


def edited_points(folder: Path):
    nb = good()
    cell(nb, "test_and").metadata["nbgrader"]["points"] = 100
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    write(folder, nb)


FAKE_SCORE = """
def AND(x1, x2):
    import sys
    sys.displayhook(1)  # an execute_result before the test's error: nbgrader would read it as the score
    return 0
"""

SCRIPTS = """
from IPython.display import HTML, display
display(HTML("<script>alert('pwned-1')</script><img src=x onerror=alert('pwned-2')>"))
display({"text/html": "<b onmouseover=alert('pwned-3')>b</b>", "application/javascript": "alert('pwned-4')",
         "image/svg+xml": "<svg onload=alert('pwned-5')></svg>", "text/plain": "rich"}, raw=True)
"""


def script_in_output(folder: Path):
    """Scripts in outputs, in a Markdown cell and in a raw cell: none may run in the feedback page."""
    nb = good()
    cell(nb, "and").source += "\n" + SCRIPTS
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "My answer <script>alert('pwned-6')</script> <img src=x onerror=alert('pwned-7')> "
        "[see](javascript:alert('pwned-8')) $\\href{javascript:alert('pwned-9')}{x}$"))
    nb.cells.append(nbformat.v4.new_raw_cell("<script>alert('pwned-10')</script>"))
    write(folder, nb)


UPDATE_FLOOD = """
from IPython.display import display, update_display
handle = display('start', display_id=True)
for i in range(600):  # 6 MB of updates to one output: past every byte budget
    handle.update('y' * 10_000)
for i in range(1_200):  # more outputs than a cell keeps, under one id; one update rewrites them all
    display('', display_id='same')
update_display('z' * 1_000_000, display_id='same')
"""

EMPTY_FLOOD = """
for i in range(1_500):  # more outputs than a cell keeps (sized by count, not by time)
    display({}, raw=True)
    print('', end='')
"""


TRAP = """
import time
while True:  # catches the grader's interrupt and keeps going
    try:
        time.sleep(0.05)
    except KeyboardInterrupt:
        pass
"""

FORK_BOMB = """
import os
while True:
    os.fork()
"""


def snoop(paths: dict) -> str:
    """Answer-cell code that tries to read what it must not see, and reports."""
    return f"""
import glob, os
paths = {paths!r}
seen = {{}}
for name, path in paths.items():
    try:
        if os.path.isdir(path):
            seen[name] = 'LISTED ' + ','.join(sorted(os.listdir(path))[:5])
        else:
            with open(path, 'rb') as f:
                seen[name] = 'READ %d bytes' % len(f.read())
    except OSError as e:
        seen[name] = 'blocked: ' + type(e).__name__
own = open('{AID}.ipynb').read()
seen['own notebook has hidden tests'] = ('BEGIN ' + 'HIDDEN') in own or ('default_rng(' + '1)') in own
try:
    open(os.path.join(os.path.dirname(np.__file__), 'pwned.txt'), 'w')
    seen['write to site-packages'] = 'WROTE'
except OSError as e:
    seen['write to site-packages'] = 'blocked: ' + type(e).__name__
seen['other grading folders'] = glob.glob('/tmp/dlgrade-*/*/work/*') + glob.glob('/tmp/dlgrade-*/*/course')
print('SNOOP', sorted(seen.items()))
"""


def sockets(port: int) -> str:
    return f"""
import socket
found = {{}}
for name, addr in [('host loopback', ('127.0.0.1', {port})), ('internet', ('1.1.1.1', 80))]:
    try:
        socket.create_connection(addr, timeout=3).close()
        found[name] = 'CONNECTED'
    except OSError as e:
        found[name] = 'blocked: ' + type(e).__name__
print('SOCKETS', sorted(found.items()))
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from course.grader import grade_class

    tmp = tmp_path_factory.mktemp("corpus")
    course = make_course(tmp / "course", [AID])
    submitted = tmp / "submitted"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    snoop_paths = {
        "source notebook": str(course / "source" / AID / f"{AID}.ipynb"),
        "gradebook": str(course / "gradebook.db"),
        "another student's submission": str(submitted / "good" / AID / f"{AID}.ipynb"),
        "feedback folder": str(course / "feedback"),
        "course root": str(course),
        "repository": str(EXAMPLES.parent / "source"),
        "password file": "/etc/shadow",
    }
    cases = {
        "good": lambda f: write(f, good()),
        "corrupt-json": corrupt,
        "not-a-notebook": not_a_notebook,
        "deleted-test-cell": deleted_test_cell,
        "edited-test-cell": edited_test_cell,
        "duplicated-test-cell": duplicated_test_cell,
        "deleted-metadata": deleted_metadata,
        "infinite-loop": infinite_loop,
        "trap-interrupt": append("or", TRAP),
        "os-exit": append("nand", "import os\nos._exit(3)"),
        "sys-exit": append("and", "import sys\nsys.exit('bye')"),
        "fork-bomb": append("or", FORK_BOMB),
        "allocate-50GB": append("and", "big = np.ones(50 * 10**9 // 8)"),
        "megabytes-of-output": append("perceptron",  # 12 MB in a few writes: it tests truncation, not speed
                                      "for i in range(12):\n    print('spam' * 250_000, i, flush=True)"),
        "stderr-noise": append("and", "import sys, warnings\nprint('debugging', file=sys.stderr)\n"
                                      "warnings.warn('noisy answer cell')"),
        "missing-notebook": missing,
        "renamed-notebook": renamed,
        "extra-files": extra_files,
        "older-release": older_release,
        "snoop": append("and", snoop(snoop_paths)),
        "socket": append("and", sockets(listener.getsockname()[1])),
        "skip-execution-tag": skipped_test_cell,
        "raw-test-cell": raw_test_cell,
        "edited-points": edited_points,
        "execute-result-before-error": append("and", FAKE_SCORE),
        "script-in-output": script_in_output,
        "display-update-flood": append("and", UPDATE_FLOOD),
        "empty-output-flood": append("or", EMPTY_FLOOD),
        "symlink-to-source": append("and", "try:\n    print('LINK', open('answers.txt').read()[:80])\n"
                                           "except OSError as e:\n    print('LINK blocked', type(e).__name__)"),
    }
    for student, build in cases.items():
        folder = submitted / student / AID
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(STAMP)
        build(folder)
    (submitted / "symlink-to-source" / AID / "answers.txt").symlink_to(snoop_paths["source notebook"])
    code = grade_class(AID, submitted=submitted, jobs=2, root=course, cell_timeout=10, notebook_timeout=90)
    listener.close()
    assert code == 0
    return {"course": course, "cases": set(cases), "accepted": accepted}


def output_of(course: Path, student: str, gid: str) -> str:
    nb = nbformat.read(str(course / "autograded" / student / AID / f"{AID}.ipynb"), as_version=4)
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("ename", "") + ": "
                   + o.get("evalue", "") for o in cell(nb, gid).outputs)


# student -> (score, flagged (None: either), issue codes that must be present)
EXPECTED = {
    "good": (7, False, set()),
    "corrupt-json": (0, True, {"corrupt"}),
    "not-a-notebook": (0, True, {"corrupt"}),
    "deleted-test-cell": (7, True, {"deleted-cells"}),
    "edited-test-cell": (7, True, {"edited-locked"}),
    "duplicated-test-cell": (7, True, {"duplicated"}),
    "deleted-metadata": (7, True, {"metadata-restored"}),
    "infinite-loop": (5, True, {"cell-timeout"}),
    "trap-interrupt": (4, True, {"unresponsive"}),       # perceptron, AND, NAND ran; the rest did not
    "os-exit": (3, True, {"kernel-died"}),               # perceptron, AND ran
    "sys-exit": (7, False, set()),
    "allocate-50GB": (7, False, set()),                  # MemoryError in the answer cell; AND is defined
    "megabytes-of-output": (7, False, {"output-truncated"}),
    "stderr-noise": (7, False, set()),
    "missing-notebook": (0, True, {"missing"}),
    "renamed-notebook": (7, True, {"renamed"}),
    "extra-files": (7, True, {"extra-files", "code-files"}),  # helper.py is not given to the kernel
    "older-release": (7, True, {"old-release", "edited-locked"}),
    "snoop": (7, False, set()),
    "socket": (7, False, set()),
    "symlink-to-source": (7, True, {"symlinks"}),
    "skip-execution-tag": (4, True, {"edited-metadata"}),   # the test runs and fails (so does XOR's)
    "raw-test-cell": (4, True, {"edited-metadata"}),
    "edited-points": (7, True, {"edited-metadata", "kernelspec"}),
    "execute-result-before-error": (4, None, set()),  # never a score; the judge runs the test, or else
                                                      # GuardScores drops the result (score-output)
    "script-in-output": (7, False, set()),
    "display-update-flood": (7, False, {"output-truncated"}),
    "empty-output-flood": (7, False, {"output-truncated"}),
}


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
@pytest.mark.parametrize("student", sorted(EXPECTED) + ["fork-bomb"])
def test_case_ends_graded_or_flagged(batch, student):
    course = batch["course"]
    grades, res = read_grades(course), results(course)
    assert (student, AID) in grades, f"{student} is missing from grades.csv"
    r = res[(student, AID)]
    codes = {i["code"] for i in r["issues"]}
    if student == "fork-bomb":  # how far it gets depends on timing; it must end flagged or fully graded
        assert r["flagged"] or float(grades[(student, AID)]["score"]) == 7, r["issues"]
        return
    score, flagged, must = EXPECTED[student]
    assert float(grades[(student, AID)]["score"]) == score, (student, r["issues"], r.get("cells"))
    assert flagged is None or r["flagged"] == flagged, (student, r["issues"])
    assert must <= codes, (student, codes)
    for issue in r["issues"]:
        assert len(issue["message"]) > 20, issue  # a reason a person can act on


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_nothing_is_lost(batch):
    course = batch["course"]
    assert {s for s, _ in read_grades(course)} == batch["cases"]
    for student in batch["cases"]:
        assert (course / "feedback" / student / AID).is_dir(), student


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_sandbox_hides_everything_else(batch):
    course = batch["course"]
    out = output_of(course, "snoop", "and")
    assert "SNOOP" in out
    seen = dict(eval(out[out.index("SNOOP") + 6:].strip().splitlines()[0]))  # noqa: S307 - our own output
    for name in ("source notebook", "gradebook", "another student's submission", "feedback folder",
                 "course root", "repository", "password file"):
        assert seen[name].startswith("blocked"), (name, seen[name])
    assert seen["own notebook has hidden tests"] is False
    assert seen["write to site-packages"].startswith("blocked")
    assert seen["other grading folders"] == []
    assert "LINK blocked" in output_of(course, "symlink-to-source", "and")


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_sandbox_has_no_network(batch):
    out = output_of(batch["course"], "socket", "and")
    assert "SOCKETS" in out
    assert "CONNECTED" not in out
    assert not batch["accepted"], "a student kernel reached a socket on the host's loopback"


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_hidden_tests_stay_out_of_feedback(batch):
    course = batch["course"]
    from test_grading import html_text
    hidden = hidden_lines(course / "source" / AID / f"{AID}.ipynb")
    for html in course.glob(f"feedback/*/{AID}/*.html"):
        text = html_text(html)
        assert not [h for h in hidden if h in text], html


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_resource_limits_hold(batch):
    course = batch["course"]
    assert "MemoryError" in output_of(course, "allocate-50GB", "and")
    assert "output truncated by the grader" in output_of(course, "megabytes-of-output", "perceptron")
    out = output_of(course, "os-exit", "nand")
    assert "kernel stopped" in out and "exit code 3" in out
    assert "not run" in output_of(course, "os-exit", "test_xor")


def live_html(path: Path) -> list[str]:
    """What could run in a page: script bodies, event-handler attributes, javascript: links."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.in_script = tag == "script"
            if tag in ("iframe", "object", "embed", "base") or (tag == "meta" and "http-equiv" in dict(attrs)):
                found.append(f"<{tag}>")
            for name, value in attrs:
                link = (value or "").strip().lower()
                if name.startswith("on") or link.startswith(("javascript:", "data:text")):
                    found.append(f"<{tag} {name}={value}>")

        def handle_data(self, data):
            if getattr(self, "in_script", False) and "pwned" in data:
                found.append(f"<script>{data[:60]}")

        def handle_endtag(self, tag):
            self.in_script = False

    Parser().feed(path.read_text(encoding="utf-8"))
    return found


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_feedback_runs_nothing_a_student_wrote(batch):
    course = batch["course"]
    page = course / "feedback" / "script-in-output" / AID / f"{AID}.html"
    text = page.read_text(encoding="utf-8")
    assert "My answer" in text and "rich" in text  # shown, as text
    assert live_html(page) == []


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_output_floods_stay_small(batch):
    course = batch["course"]
    for student in ("display-update-flood", "empty-output-flood"):
        graded = course / "autograded" / student / AID / f"{AID}.ipynb"
        assert graded.stat().st_size < 3_000_000, (student, graded.stat().st_size)
        nb = nbformat.read(str(graded), as_version=4)
        assert max(len(c.get("outputs", [])) for c in nb.cells) <= 1002


@pytest.mark.slow
@pytest.mark.xdist_group("grading-corpus")
def test_restored_metadata_says_what_changed(batch):
    res = results(batch["course"])
    message = " ".join(i["message"] for i in res[("edited-points", AID)]["issues"])
    assert "test_and: points 1 (was 100)" in message
    message = " ".join(i["message"] for i in res[("skip-execution-tag", AID)]["issues"])
    assert "tag skip-execution removed" in message
