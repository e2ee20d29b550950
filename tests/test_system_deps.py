"""tools/system-deps.sh, which `make grade`, `make test` and .ci/run call first: on a machine
without the sandbox's tools (or chromium) where it cannot install them, it stops with the
command to run.  Nothing is installed here: PATH lacks the tools and apt is switched off."""
import os
import shutil
import subprocess

import pytest

from course.config import ROOT

SCRIPT = ROOT / "tools" / "system-deps.sh"


def run(goal: str, path_dir, **env) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("bash"), str(SCRIPT), goal], capture_output=True, text=True, timeout=30,
                          env={"PATH": str(path_dir), "HOME": os.environ.get("HOME", "/"), **env})


@pytest.fixture
def bare_path(tmp_path):
    """A PATH with what the script itself uses, and none of bwrap, prlimit, setpriv, chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("id", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    return bin_dir


@pytest.mark.parametrize("goal, packages", [("grade", "bubblewrap util-linux"),
                                            ("test", "bubblewrap util-linux chromium")])
def test_without_the_tools_it_stops_with_the_command_to_run(bare_path, goal, packages):
    proc = run(goal, bare_path, DLCOURSE_ASSUME_NO_APT="1")
    assert proc.returncode == 3, proc.stderr
    assert f"apt-get install -y {packages}\n" in proc.stderr
    assert f"`make {goal}` needs system packages" in proc.stderr and "Nothing was built" in proc.stderr
    assert "installing" not in proc.stderr


def test_only_the_missing_packages_are_named(bare_path):
    for tool in ("bwrap", "prlimit", "setpriv"):
        (bare_path / tool).write_text("#!/bin/sh\n")
        (bare_path / tool).chmod(0o755)
    proc = run("test", bare_path, DLCOURSE_ASSUME_NO_APT="1")
    assert proc.returncode == 3 and "apt-get install -y chromium\n" in proc.stderr
    chromium = bare_path / "chrome"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert run("test", bare_path, DLCOURSE_ASSUME_NO_APT="1", DLCOURSE_CHROMIUM=str(chromium)).returncode == 0
    assert run("grade", bare_path, DLCOURSE_ASSUME_NO_APT="1").returncode == 0


def test_as_root_with_apt_it_installs(bare_path):
    """apt-get here is a stand-in that records its arguments and provides the tools."""
    if os.geteuid() != 0:
        pytest.skip("installs only as root")
    log = bare_path / "apt.log"
    (bare_path / "apt-get").write_text(
        f"#!/bin/bash\necho \"$*\" >> {log}\n"
        f"for t in bwrap prlimit setpriv chromium; do printf '#!/bin/sh\\n' > {bare_path}/$t; "
        f"{shutil.which('chmod')} +x {bare_path}/$t; done\n")
    (bare_path / "apt-get").chmod(0o755)
    proc = run("test", bare_path)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().splitlines() == [
        "update -qq", "install -y -qq --no-install-recommends bubblewrap util-linux chromium"]
