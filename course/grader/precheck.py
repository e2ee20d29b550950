"""Looking at a submission before nbgrader does, and repairing what would stop it.

nbgrader loses a whole submission for several kinds of damage: a notebook that is
not valid JSON, nbgrader metadata that no longer validates, a cell id it does not
know, a deleted test cell whose neighbour was deleted too.  Each notebook of a
submission is compared with the student version in ``release/`` and

* graded as it is when nothing is wrong;
* repaired where the repair is unambiguous (metadata put back on cells whose source
  still matches the release, deleted locked/test cells put back, unknown ids and
  broken metadata removed, the release's cell types, nbgrader metadata and tags put
  back, the release's kernel, a renamed notebook graded under its real name), with an
  issue that says so;
* or not graded (corrupt, missing) with an issue that says why.

Issues have a level: ``error`` (not graded), ``warning`` (graded; an instructor
should look), ``info``.  A submission with an error or warning is *flagged*.
"""
from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader.nbgraderformat import MetadataValidator, ValidationError

ERROR, WARNING, INFO = "error", "warning", "info"
IGNORED = {".ipynb_checkpoints", "__pycache__", "timestamp.txt", ".DS_Store"}
MAX_NOTEBOOK_BYTES = 100_000_000


@dataclass
class Issue:
    level: str
    code: str
    message: str
    notebook: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def submitted_files(folder: Path, skip=IGNORED) -> list[Path]:
    """Regular files of a submission, sorted.  Symbolic links are never followed: a link to
    ``source/`` or to another student's work must not be copied into the sandbox."""
    out = []
    for top, dirs, files in os.walk(folder):
        rel = Path(top).relative_to(folder).parts
        if set(rel) & skip:
            continue
        dirs[:] = [d for d in dirs if d not in skip and not os.path.islink(os.path.join(top, d))]
        out += [Path(top) / f for f in files if f not in skip and not os.path.islink(os.path.join(top, f))
                and os.path.isfile(os.path.join(top, f))]
    return sorted(out)


def links_in(folder: Path) -> list[str]:
    return sorted(str(Path(top, name).relative_to(folder)) for top, dirs, files in os.walk(folder)
                  for name in dirs + files if os.path.islink(os.path.join(top, name)))


def nbmeta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _first_line(source: str) -> str:
    return next((ln.strip() for ln in source.splitlines() if ln.strip()), "")


@dataclass
class ReleaseCell:
    grade_id: str
    cell_type: str
    source: str
    locked: bool        # locked or a test cell: nbgrader puts its source back
    grade: bool
    solution: bool
    metadata: dict      # the cell's full metadata in the release

    @property
    def kind(self) -> str:
        if self.solution:
            return "answer"
        return "test" if self.grade else "locked"


def release_cells(path: Path) -> list[ReleaseCell]:
    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for cell in nb.cells:
        meta = nbmeta(cell)
        if meta.get("grade_id"):
            cells.append(ReleaseCell(meta["grade_id"], cell.cell_type, cell.source,
                                     bool(meta.get("locked") or (meta.get("grade") and not meta.get("solution"))),
                                     bool(meta.get("grade")), bool(meta.get("solution")),
                                     copy.deepcopy(dict(cell.metadata))))
    return cells


def find_notebooks(submission: Path, expected: list[str]) -> tuple[dict[str, Path], list[Issue]]:
    """Map each expected notebook name to a file in the submission (renamed ones too)."""
    found: dict[str, Path] = {}
    issues: list[Issue] = []
    present = [p for p in submitted_files(submission) if p.suffix == ".ipynb"] if submission.is_dir() else []
    for name in expected:
        exact = submission / f"{name}.ipynb"
        if exact in present:
            found[name] = exact
    unmatched = [p for p in present if p not in found.values()]
    for name in expected:
        if name in found:
            continue
        # "01_perceptron (1).ipynb", "01_perceptron-Copy1.ipynb", "Copy of 01_perceptron.ipynb", ...
        similar = [p for p in unmatched if name.lower() in p.stem.lower()] or \
                  (unmatched if len(unmatched) == 1 and len(expected) == 1 else [])
        if similar:
            pick = similar[0]
            found[name] = pick
            unmatched.remove(pick)
            issues.append(Issue(WARNING, "renamed", f"no {name}.ipynb; graded "
                                f"'{pick.relative_to(submission)}' in its place", name))
        else:
            issues.append(Issue(ERROR, "missing", f"{name}.ipynb is missing from the submission; "
                                "it scores 0", name))
    return found, issues


def extra_files(submission: Path, used: list[Path], allowed: set[str]) -> list[Issue]:
    extra = sorted(str(p.relative_to(submission)) for p in submitted_files(submission)
                   if p not in used and str(p.relative_to(submission)) not in allowed)
    if not extra:
        return []
    shown = ", ".join(extra[:8]) + (f" and {len(extra) - 8} more" if len(extra) > 8 else "")
    return [Issue(INFO, "extra-files", f"files that are not part of the assignment: {shown}")]


def read_notebook(path: Path, name: str) -> tuple[nbformat.NotebookNode | None, list[Issue]]:
    """Parse and schema-check a notebook; None (with an error issue) when it cannot be graded."""
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return None, [Issue(ERROR, "too-large", f"{path.name} is {size / 1e6:.0f} MB, more than a notebook "
                            f"can reasonably be ({MAX_NOTEBOOK_BYTES / 1e6:.0f} MB); not graded", name)]
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
    except UnicodeDecodeError as exc:
        return None, [Issue(ERROR, "corrupt", f"{path.name} is not text ({exc.reason}); not graded", name)]
    except json.JSONDecodeError as exc:
        return None, [Issue(ERROR, "corrupt", f"{path.name} is not valid JSON (line {exc.lineno}, "
                            f"column {exc.colno}: {exc.msg}); not graded", name)]
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, [Issue(ERROR, "corrupt", f"{path.name} is JSON but not a notebook; not graded", name)]
    issues: list[Issue] = []
    try:
        nb = nbformat.reads(text, as_version=4)
        for cell in nb.cells:  # outputs are cleared before grading anyway
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several kinds
        return None, [Issue(ERROR, "corrupt", f"{path.name} is not a valid notebook "
                            f"({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); not graded", name)]
    return nb, issues


def repair(nb: nbformat.NotebookNode, release: list[ReleaseCell], name: str) -> list[Issue]:
    """Bring the notebook's nbgrader structure in line with the release, in place."""
    issues: list[Issue] = []
    validator = MetadataValidator()
    by_id = {rc.grade_id: rc for rc in release}

    # 1. metadata that does not validate, or ids the release does not know: drop it
    broken, unknown = [], []
    for cell in nb.cells:
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        try:
            validator.upgrade_cell_metadata(cell)
            validator.validate_cell(cell)
        except Exception:  # noqa: BLE001 - ValidationError, SchemaTooOld/New, KeyError
            broken.append(nbmeta(cell).get("grade_id", "?"))
            del cell.metadata["nbgrader"]
            continue
        gid = nbmeta(cell).get("grade_id")
        if gid and gid not in by_id:
            unknown.append(gid)
            del cell.metadata["nbgrader"]
    if broken:
        issues.append(Issue(WARNING, "bad-metadata", f"nbgrader metadata that does not validate was "
                            f"removed from cells {', '.join(broken)}", name))
    if unknown:
        issues.append(Issue(WARNING, "old-release", f"cells with ids that the current release does not "
                            f"have ({', '.join(unknown)}): a notebook from an older release? They run as "
                            "plain cells", name))

    # 2. duplicated ids: the last copy keeps its metadata, as nbgrader's DeduplicateIds does (which
    #    leaves an empty dict behind that makes its OverwriteCells fail: the key goes here)
    ids = [nbmeta(c).get("grade_id") for c in nb.cells if nbmeta(c).get("grade_id")]
    dups = sorted({g for g in ids if ids.count(g) > 1})
    for gid in dups:
        copies = [c for c in nb.cells if nbmeta(c).get("grade_id") == gid]
        for c in copies[:-1]:
            del c.metadata["nbgrader"]
    if dups:
        issues.append(Issue(WARNING, "duplicated", f"cells duplicated: {', '.join(dups)} (the last copy "
                            "is graded; test cells are put back from the gradebook)", name))
    ids = [nbmeta(c).get("grade_id") for c in nb.cells if nbmeta(c).get("grade_id")]

    # 3. cells whose metadata was deleted: recognise them by their source
    present = set(ids)
    restored = []
    for rc in release:
        if rc.grade_id in present:
            continue
        for cell in nb.cells:
            if "nbgrader" in cell.get("metadata", {}) or cell.cell_type != rc.cell_type:
                continue
            same = (cell.source.strip() == rc.source.strip()) if rc.locked else \
                (_first_line(cell.source) == _first_line(rc.source) and _first_line(rc.source) != "")
            if same:
                cell.metadata.update(copy.deepcopy(rc.metadata))
                present.add(rc.grade_id)
                restored.append(rc.grade_id)
                break
    if restored:
        issues.append(Issue(WARNING, "metadata-restored", "nbgrader metadata was missing and was put "
                            f"back on cells {', '.join(restored)} (matched to the release)", name))

    # 4. still missing: locked and test cells are put back after their predecessor
    order = [rc.grade_id for rc in release]
    put_back, missing_answers = [], []
    for i, rc in enumerate(release):
        if rc.grade_id in present:
            continue
        if rc.kind == "answer":
            missing_answers.append(rc.grade_id)
            continue
        position = 0
        for prev in reversed(order[:i]):
            idx = [k for k, c in enumerate(nb.cells) if nbmeta(c).get("grade_id") == prev]
            if idx:
                position = idx[-1] + 1
                break
        cell = (nbformat.v4.new_code_cell(rc.source) if rc.cell_type == "code"
                else nbformat.v4.new_markdown_cell(rc.source))
        cell.metadata.update(copy.deepcopy(rc.metadata))
        nb.cells.insert(position, cell)
        present.add(rc.grade_id)
        put_back.append(rc.grade_id)
    if put_back:
        issues.append(Issue(WARNING, "deleted-cells", f"locked or test cells were deleted and put back: "
                            f"{', '.join(put_back)}", name))
    if missing_answers:
        issues.append(Issue(WARNING, "missing-answers", f"answer cells missing: {', '.join(missing_answers)} "
                            "(their tests run against whatever the notebook defines)", name))

    # 5. every cell the release has gets back its type and nbgrader metadata; locked and test
    #    cells also their tags (skip-execution would skip a test) and source
    edited, changed = [], []
    for c in nb.cells:
        rc = by_id.get(nbmeta(c).get("grade_id"))
        if rc is None:
            continue
        if rc.locked and c.source.strip() != rc.source.strip():
            edited.append(rc.grade_id)
        what = restore_cell(c, rc)
        if what:
            changed.append(f"{rc.grade_id}: {'; '.join(what)}")
    if edited:
        issues.append(Issue(WARNING, "edited-locked", f"locked or test cells were edited: "
                            f"{', '.join(sorted(set(edited)))} (graded with the originals)", name))
    if changed:
        issues.append(Issue(WARNING, "edited-metadata", "cell types, nbgrader metadata or tags were "
                            f"changed and were put back: {', '.join(changed)}", name))
    return issues


def _show(value) -> str:
    return "missing" if value is None else str(value)


def _set_type(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def restore_cell(cell, rc: ReleaseCell) -> list[str]:
    """Give *cell* the release's cell type and nbgrader metadata (and, for locked and test
    cells, all its metadata and its source); return what differed, for a person to read."""
    what = []
    if cell.cell_type != rc.cell_type:
        what.append(f"cell type {rc.cell_type} (was {cell.cell_type})")
        _set_type(cell, rc.cell_type)
    old, new = nbmeta(cell), rc.metadata.get("nbgrader", {})
    what += [f"{key} {_show(new.get(key))} (was {_show(old.get(key))})" for key in sorted(set(old) | set(new))
             if key != "checksum" and old.get(key) != new.get(key)]
    if not rc.locked:  # an answer cell: the student's own tags and metadata stay
        cell.metadata["nbgrader"] = copy.deepcopy(new)
        return what
    old_tags, new_tags = set(cell.metadata.get("tags") or []), set(rc.metadata.get("tags") or [])
    what += [f"tag {t} removed" for t in sorted(old_tags - new_tags)]
    what += [f"tag {t} put back" for t in sorted(new_tags - old_tags)]
    cell["metadata"] = nbformat.from_dict(copy.deepcopy(rc.metadata))
    cell.source = rc.source
    return what


def restore_notebook_metadata(nb: nbformat.NotebookNode, release_path: Path, name: str) -> list[Issue]:
    """The release's kernel, whatever the notebook asks for; widget state (which the feedback
    page would load scripts for) is dropped."""
    nb.metadata.pop("widgets", None)
    wanted = nbformat.read(str(release_path), as_version=4).metadata.get("kernelspec")
    asked = nb.metadata.get("kernelspec")
    if not wanted or asked == wanted:
        return []
    nb.metadata["kernelspec"] = copy.deepcopy(wanted)
    if (asked or {}).get("name") == wanted.get("name"):
        return []
    asked_name = _show((asked or {}).get("name"))
    return [Issue(INFO, "kernelspec", f"the notebook asked for the kernel {asked_name!r}; it ran with the "
                  f"course's {wanted.get('name')!r}", name)]


def inspect_submission(submission: Path, release_dir: Path, dest: Path,
                       source_files: set[str] = frozenset()) -> tuple[list[str], list[Issue]]:
    """Write a gradable copy of *submission* to *dest*; return the notebooks to grade and the issues.

    *release_dir* holds the assignment's student notebooks; *source_files* are the
    other files of the assignment (they are not "extra").
    """
    expected = sorted(p.stem for p in release_dir.glob("*.ipynb"))
    found, issues = find_notebooks(submission, expected)
    bad_stamp = timestamp_issue(submission)
    issues += bad_stamp
    skip = IGNORED - ({"timestamp.txt"} if not bad_stamp else set())
    dest.mkdir(parents=True, exist_ok=True)
    links = links_in(submission)
    if links:
        issues.append(Issue(WARNING, "symlinks", f"symbolic links are not followed: {', '.join(links[:5])}"))
    for path in submitted_files(submission, skip):  # everything but notebooks, as submitted
        rel = path.relative_to(submission)
        if path.suffix != ".ipynb":
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(path.read_bytes())
    gradable = []
    for name, path in sorted(found.items()):
        nb, problems = read_notebook(path, name)
        issues += problems
        if nb is None:
            continue
        issues += repair(nb, release_cells(release_dir / f"{name}.ipynb"), name)
        issues += restore_notebook_metadata(nb, release_dir / f"{name}.ipynb", name)
        nbformat.write(nb, str(dest / f"{name}.ipynb"))
        gradable.append(name)
    issues += extra_files(submission, list(found.values()), set(source_files))
    return gradable, issues


def timestamp_issue(submission: Path) -> list[Issue]:
    stamp = submission / "timestamp.txt"
    if not stamp.is_file():
        return []
    from nbgrader.utils import parse_utc
    try:
        parse_utc(stamp.read_text().strip())
    except Exception:  # noqa: BLE001
        return [Issue(WARNING, "timestamp", f"timestamp.txt is not a date ({stamp.read_text()[:40]!r}); "
                      "the submission is treated as on time")]
    return []


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")


def valid_student_id(name: str) -> bool:
    return bool(_SAFE_ID.match(name))
