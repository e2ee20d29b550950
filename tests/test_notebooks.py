"""Every source notebook passes all its tests; every release stub fails all of them.

Both run through nbgrader's own Validator (a real kernel), not the exit code of
`nbgrader validate`, which is 0 even when tests fail.  Files that a notebook
needs at grading time (a submitted checkpoint, say) live in
examples/fixtures/<id>/ and are copied next to the notebook first.
"""
import shutil
from pathlib import Path

import pytest
from traitlets.config import Config

from course.assignments import assignment_ids
from course.config import ROOT

IDS = assignment_ids()


def _validator(invert: bool):
    from nbgrader.validator import Validator
    c = Config()
    c.Validator.invert = invert
    c.Validator.ignore_checksums = not invert
    c.Execute.timeout = 120
    return Validator(config=c)


def _copy(tree: str, aid: str, tmp_path: Path) -> Path:
    dest = tmp_path / aid
    shutil.copytree(ROOT / tree / aid, dest)
    fixtures = ROOT / "examples" / "fixtures" / aid
    if fixtures.is_dir():
        shutil.copytree(fixtures, dest, dirs_exist_ok=True)
    return dest / f"{aid}.ipynb"


def _kernel_or_skip(aid):
    from course import tf_env  # 09/10 run in the optional TensorFlow kernel (`make tf`; `make test-tf` runs them)
    if tf_env.needs_tf(aid) and not tf_env.kernel_installed():
        pytest.skip(f"{aid} needs the optional TensorFlow kernel: `make tf`")


def _names(cells):
    return [c["source"].splitlines()[0][:80] if c["source"] else "?" for c in cells]


@pytest.mark.slow
@pytest.mark.parametrize("aid", IDS)
def test_source_passes_every_test(aid, tmp_path):
    _kernel_or_skip(aid)
    result = _validator(invert=False).validate(str(_copy("source", aid, tmp_path)))
    failed = result.get("failed", [])
    assert not failed, "source test cells failed:\n" + "\n\n".join(
        f["source"][:200] + "\n--> " + f["raw_error"][-1500:] for f in failed)
    assert "type_changed" not in result


@pytest.mark.slow
@pytest.mark.parametrize("aid", IDS)
def test_release_stubs_fail_every_test(aid, tmp_path):
    _kernel_or_skip(aid)
    result = _validator(invert=True).validate(str(_copy("release", aid, tmp_path)))
    assert "changed" not in result, "the release notebook's locked cells do not match their checksums"
    assert not result.get("passed"), f"these test cells pass on the empty stubs: {_names(result['passed'])}"
