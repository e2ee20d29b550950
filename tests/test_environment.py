"""environment.yml, requirements.txt and constraints.txt agree; the venv matches them."""
import re
from importlib.metadata import version

from course.config import ROOT


def _pins(text: str) -> dict[str, str]:
    return {m[1].lower(): m[2] for m in re.finditer(r"^[\s-]*([A-Za-z0-9_.\-]+)==([^\s#]+)", text, re.M)}


def test_environment_yml_matches_requirements():
    req = _pins((ROOT / "requirements.txt").read_text())
    env = _pins((ROOT / "environment.yml").read_text())
    assert req == {k: v for k, v in env.items() if k in req} and req.keys() <= env.keys()


def test_requirements_agree_with_constraints_and_venv():
    req = _pins((ROOT / "requirements.txt").read_text())
    cons = _pins((ROOT / "constraints.txt").read_text())
    for name, pinned in req.items():
        assert cons.get(name) == pinned, f"{name}: requirements {pinned}, constraints {cons.get(name)}"
        assert version(name) == pinned, f"{name} {version(name)} is installed, {pinned} is pinned"
    assert req["torch"] == "2.14.1" and req["torchvision"] == "0.29.1" and req["nbgrader"] == "0.9.6"
