"""Grading on a Dask distributed cluster: ``python -m course grade ... --scheduler tcp://HOST:PORT``.

The head (the machine with the course) stays the only writer of the gradebook and of
``autograded/`` and ``feedback/``; the workers never see the course root.

* The head packs a **course bundle** once per run (:func:`make_bundle`): ``nbgrader_config.py``,
  a copy of the gradebook with the assignments and no students (its test cells hold the
  hidden tests nbgrader puts back; its answer cells hold the student version, no
  solution), ``release/<id>/``, the assignment's other files of ``source/<id>/`` (data nbgrader
  copies over submissions), and a manifest: each assignment's policy (the source notebook's
  ``metadata.dlcourse``, e.g. ``judge: true``), the data sets its notebooks load, and the
  head's software (course package, Python, nbgrader) for a check. No source notebook and no
  solution leaves the head.
* The bundle is a task of its own (:func:`_bundle`), whose input is the bundle itself, so
  when the worker holding it dies the scheduler computes it again elsewhere (data put there
  with ``client.scatter`` would be lost with the worker).
* Each grading task (:func:`grade_task`) carries one submission (a tar of its regular
  files, symbolic links recorded by name only, never followed) and returns the
  :class:`~.worker.Result` and a tar of its ``autograded/`` and ``feedback/`` folders.
* On the worker, the first task unpacks the bundle into a private folder, checks the
  software matches the head's, builds the worker's own sandbox (its own paths: Python,
  the course package, the data folders of *that* machine) and prepares its data cache.
  A worker process grades one submission at a time.
* A task whose worker died is run again on another worker by the scheduler
  (``distributed.scheduler.allowed-failures``, 3 by default).  A worker that cannot grade
  (no sandbox, other software than the head's) leaves the cluster and its task goes to
  another (:func:`_leave`); with no worker left for a minute the run stops.  A task that
  raised (a bug of the grader) is reported like a crash of the local pool.

The connection uses Dask's own configuration: ``tls://`` addresses with the certificates
of ``distributed.comm.tls.*`` (``~/.config/dask/distributed.yaml`` or ``DASK_DISTRIBUTED__...``
variables).  See docs/deploy.md.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from . import precheck, sandbox
from .worker import Job, Result, Settings

BUNDLE_FORMAT = 1
#: the folders of a submission that are never sent (the grader ignores them anyway)
_NOT_SENT = precheck.IGNORED - {"timestamp.txt"}


class ClusterUnavailable(RuntimeError):
    """No scheduler at the address, or no worker joined it."""


# --- the head ------------------------------------------------------------------------------------
_software: dict = {}


def software() -> dict:
    """What must be the same on the head and on every worker (hosts built from one image).

    Computed once per process, near when it imported the grader: a checkout edited while a
    worker runs does not make it refuse work it already loaded."""
    if not _software:
        _software.update(_measure_software())
    return dict(_software)


def _measure_software() -> dict:
    from importlib.metadata import version

    import course
    h = hashlib.sha256()
    package = Path(course.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return {"course": h.hexdigest()[:16], "python": sys.version.split()[0],
            **{name: version(name) for name in ("nbgrader", "nbclient", "ipykernel", "numpy", "dask",
                                                "distributed")}}


def data_needs(root: Path, assignment: str) -> list[str]:
    """The data sets an assignment's notebooks load (read from the student version in release/)."""
    folder = root / "release" / assignment
    if not folder.is_dir():
        folder = root / "source" / assignment
    text = " ".join(p.read_text(errors="replace") for p in sorted(folder.glob("*.ipynb")))
    return [name for name, marker in (("cifar10", "cifar10"), ("mnist", "load_mnist"))
            if marker in (text.lower() if name == "cifar10" else text)]


def make_bundle(root: Path, assignments: list[str], template_db: Path) -> bytes:
    """The course bundle (a .tar.gz) for *assignments*: everything a worker needs, no solution."""
    from .worker import assignment_policy, source_files

    manifest = {"format": BUNDLE_FORMAT, "software": software(), "assignments": {}}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        def add(path: Path, name: str) -> None:
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            with open(path, "rb") as f:
                tar.addfile(info, f)

        add(root / "nbgrader_config.py", "nbgrader_config.py")
        add(template_db, "template.db")
        for aid in assignments:
            for path in precheck.submitted_files(root / "release" / aid, precheck.IGNORED):
                add(path, f"release/{aid}/{path.relative_to(root / 'release' / aid)}")
            for path in source_files(root, aid):  # data files only: never a notebook of source/
                add(path, f"source/{aid}/{path.relative_to(root / 'source' / aid)}")
            manifest["assignments"][aid] = {"policy": assignment_policy(str(root), aid),
                                            "data": data_needs(root, aid)}
        raw = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def pack_submission(folder: Path) -> bytes:
    """A submission's regular files (never through a link) and the names of its symbolic links."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in precheck.submitted_files(folder, _NOT_SENT):
            info = tarfile.TarInfo(str(path.relative_to(folder)))
            info.size = path.stat().st_size
            info.mode = 0o644
            with open(path, "rb") as f:
                tar.addfile(info, f)
        links = [name for name in precheck.links_in(folder) if not set(Path(name).parts) & _NOT_SENT]
        raw = json.dumps(links).encode()
        info = tarfile.TarInfo(".dlcourse-links.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def grade_on_cluster(address: str, settings: Settings, bundle: bytes, todo: list, fold, root: Path,
                     say, connect_timeout: float = 60) -> list[dict]:
    """Grade *todo* (``(Job, fingerprint)`` pairs, in order of priority) through the scheduler at
    *address*; write each submission's outputs into *root* and hand its Result to *fold*.  Returns
    one record per task: its key, the worker that returned it and the time on the head."""
    from distributed import Client

    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except OSError as exc:
        raise ClusterUnavailable(f"no Dask scheduler answered at {address}: {exc}") from exc
    records = []
    try:
        try:
            client.wait_for_workers(1, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise ClusterUnavailable(f"the Dask scheduler at {address} has no worker "
                                     f"(waited {connect_timeout:g} s)") from exc
        workers = client.scheduler_info(n_workers=-1)["workers"]
        say(f"Dask scheduler {address}: {len(workers)} worker(s), "
            f"{sum(w['nthreads'] for w in workers.values())} thread(s); course bundle {len(bundle) / 1024:.0f} KiB")
        digest = hashlib.sha256(bundle).hexdigest()[:16]
        bundle_future = client.submit(_bundle, bundle, key=f"dlcourse-bundle-{digest}", pure=False)
        options = {"use_sandbox": settings.sandbox is not None, "limits": (settings.sandbox or {}).get("limits"),
                   "cell_timeout": settings.cell_timeout, "notebook_timeout": settings.notebook_timeout}
        futures: dict = {}
        queue = list(enumerate(todo))
        # Submissions travel inside their tasks, which the scheduler keeps until they are done: only
        # a window of them is on the cluster at a time (the longest first), the rest wait on the head.
        window = max(16, 4 * sum(w["nthreads"] for w in workers.values()))

        def submit_more() -> None:
            while queue and len(futures) < window:
                rank, (job, fp) = queue.pop(0)
                remote = {"assignment": job.assignment, "student": job.student, "extension_s": job.extension_s}
                future = client.submit(grade_task, bundle_future, remote, pack_submission(Path(job.submission)),
                                       options, key=f"dlcourse-grade-{job.assignment}-{job.student}-{fp[:12]}",
                                       priority=len(todo) - rank, pure=False)
                futures[future] = (job, fp)

        submit_more()
        ids: dict[str, int] = {}
        for future in _completed(client, futures, connect_timeout, submit_more):
            job, fp = futures.pop(future)
            t = time.monotonic()
            try:
                result, outputs, where = future.result()
            except Exception as exc:  # noqa: BLE001 - a grader bug, a worker without sandbox, KilledWorker
                from .run import _crashed
                result, outputs, where = _crashed(job, exc), None, ""
            if outputs is not None:  # a crash leaves the last outputs, as the local pool does
                _write_outputs(outputs, root, job)
            result.worker = ids.setdefault(where, len(ids)) if where else -1
            result.timings["head_s"] = round(time.monotonic() - t, 3)
            records.append({"key": future.key, "worker": where, "student": job.student,
                            "assignment": job.assignment})
            fold(result, fp)
        client.cancel([bundle_future])
    finally:
        client.close()
    return records


def _completed(client, futures: dict, patience: float, refill):
    """The futures of *futures* (which the caller empties and *refill* fills) as they finish;
    ClusterUnavailable when the cluster has had no worker for *patience* seconds (workers that
    cannot grade leave it: see :func:`_leave`)."""
    from distributed.client import _wait  # distributed.wait, with this client rather than a default one
    alone_since = None
    while futures:
        try:
            done, _ = client.sync(_wait, list(futures), timeout=5, return_when="FIRST_COMPLETED")
        except TimeoutError:
            if client.scheduler_info(n_workers=-1)["workers"]:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > patience:
                raise ClusterUnavailable(
                    f"the Dask cluster has had no worker for {patience:g} s, with {len(futures)} submissions "
                    "or more left to grade (a worker that cannot grade, without bubblewrap or with other software "
                    "than the head, leaves the cluster: see the workers' logs)") from None
            continue
        order = list(futures)
        for future in sorted(done, key=order.index):
            yield future
        refill()


def _write_outputs(outputs: bytes, root: Path, job: Job) -> None:
    """autograded/<student>/<id>/ and feedback/<student>/<id>/ from a task's tar, each replaced whole."""
    from .worker import _replace
    with tempfile.TemporaryDirectory(prefix="dlgrade-out-", dir=root) as tmp:
        with tarfile.open(fileobj=io.BytesIO(outputs)) as tar:
            tar.extractall(tmp, filter="data")
        for kind in ("autograded", "feedback"):
            dest = root / kind / job.student / job.assignment
            dest.parent.mkdir(parents=True, exist_ok=True)
            _replace(Path(tmp) / kind, dest)


# --- the worker ----------------------------------------------------------------------------------
def _bundle(data: bytes) -> bytes:
    """The bundle as a task of its own: computed again wherever it is needed, if a worker is lost."""
    return data


class CannotGradeHere(RuntimeError):
    """This worker cannot grade at all: no sandbox, or other software than the head's."""


def _leave(exc: Exception):
    """Take this worker out of the cluster (its nanny too: it would come back the same) and have
    the scheduler give the task to another worker."""
    import logging

    from distributed import Reschedule, get_worker
    try:
        me = get_worker()
    except ValueError:  # not in a worker
        raise exc from None
    logging.getLogger("distributed.worker").error("dlcourse: this worker cannot grade, it leaves: %s", exc)
    me.loop.add_callback(me.close, nanny=True, reason=f"dlcourse: cannot grade here: {exc}"[:300])
    raise Reschedule()


class _Place:
    """This worker process's own folders, sandbox and unpacked bundles."""
    lock = threading.Lock()          # one submission at a time per process (nbgrader chdirs, caches)
    home: Path | None = None
    bundles: dict[str, Path] = {}
    boxes: dict[str, dict] = {}
    prepared: set[str] = set()


def _home() -> Path:
    if _Place.home is None:
        import atexit
        base = os.environ.get("DLCOURSE_GRADE_SCRATCH") or None
        if base:
            Path(base).mkdir(parents=True, exist_ok=True)
        _Place.home = Path(tempfile.mkdtemp(prefix="dlgrade-worker-", dir=base))
        atexit.register(shutil.rmtree, _Place.home, True)
    return _Place.home


def _unpack(bundle: bytes) -> tuple[Path, dict]:
    digest = hashlib.sha256(bundle).hexdigest()
    if digest not in _Place.bundles:
        folder = _home() / f"bundle-{digest[:16]}"
        if folder.exists():
            shutil.rmtree(folder)
        with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
            tar.extractall(folder, filter="data")
        manifest = json.loads((folder / "manifest.json").read_text())
        for aid, info in manifest["assignments"].items():
            # the policy where worker.assignment_policy looks for it: the notebook's metadata, no cells
            nb = {"cells": [], "metadata": {"dlcourse": info["policy"]}, "nbformat": 4, "nbformat_minor": 5}
            (folder / "source" / aid).mkdir(parents=True, exist_ok=True)
            (folder / "source" / aid / f"{aid}.ipynb").write_text(json.dumps(nb))
        _Place.bundles[digest] = folder
        for old in list(_Place.bundles)[:-4]:  # a long-lived worker keeps the last few runs' bundles
            shutil.rmtree(_Place.bundles.pop(old), ignore_errors=True)
    folder = _Place.bundles[digest]
    return folder, json.loads((folder / "manifest.json").read_text())


def _threads() -> int:
    """BLAS threads per kernel: this host's cores shared by the grading threads of all its workers."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        from distributed import get_worker
        me = get_worker()
        host = me.address.rsplit(":", 1)[0]
        info = me.client.scheduler_info(n_workers=-1)["workers"]
        slots = sum(w["nthreads"] for a, w in info.items() if a.rsplit(":", 1)[0] == host)
    except Exception:  # noqa: BLE001 - outside a worker (tests), or an old scheduler
        slots = 1
    return max(1, cores // max(1, slots))


def _sandbox(limits: dict | None) -> dict:
    """This machine's sandbox (its paths, not the head's), checked once per process."""
    key = json.dumps(limits, sort_keys=True)
    if key not in _Place.boxes:
        from .run import _font_cache
        lim = sandbox.Limits(**(limits or {}))
        box = sandbox.default_sandbox(lim, threads=_threads(), matplotlib_cache=_font_cache(_home()))
        sandbox.check(box, _home())  # SandboxUnavailable: this worker cannot grade
        _Place.boxes[key] = asdict(box)
    return _Place.boxes[key]


def _prepare(manifest: dict, say=lambda *a: None) -> None:
    """This machine's data cache, for the data sets the bundle's assignments load."""
    from .run import prepare_sets
    needs = {name for info in manifest["assignments"].values() for name in info["data"]} - _Place.prepared
    if needs:
        prepare_sets(needs, say)
        _Place.prepared |= needs


def _check_software(manifest: dict) -> None:
    head, here = manifest["software"], software()
    differ = {k: (head[k], here.get(k)) for k in head if head[k] != here.get(k)}
    if differ:
        raise CannotGradeHere("this worker's software differs from the head's (build every grading host from "
                           "one image): " + ", ".join(f"{k} {a} on the head, {b} here" for k, (a, b) in differ.items()))


def _unpack_submission(payload: bytes, dest: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(payload)) as tar:
        tar.extractall(dest, filter="data")
    links = dest / ".dlcourse-links.json"
    for name in json.loads(links.read_text()):
        # a link the student handed in: the grader flags it and never follows it; here it points nowhere
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not path.is_symlink():
            os.symlink("/nonexistent/link-handed-in", path)
    links.unlink()


def grade_task(bundle: bytes, job: dict, payload: bytes, options: dict) -> tuple[Result, bytes, str]:
    """One submission on a worker; returns the Result, a tar of its outputs and the worker's address."""
    from . import worker
    try:
        from distributed import get_worker
        address = get_worker().address
    except Exception:  # noqa: BLE001 - called outside a worker (tests)
        address = "local"
    with _Place.lock:
        t0 = time.monotonic()
        worker._quiet()
        folder, manifest = _unpack(bundle)
        try:
            _check_software(manifest)
            box = _sandbox(options.get("limits")) if options["use_sandbox"] else None
        except (CannotGradeHere, sandbox.SandboxUnavailable) as exc:
            _leave(exc)
        if box is not None:
            _prepare(manifest)
        task = _home() / "task"
        if task.exists():
            shutil.rmtree(task)
        submission = task / "submitted" / job["student"] / job["assignment"]
        submission.mkdir(parents=True)
        _unpack_submission(payload, submission)
        settings = Settings(root=str(folder), config_file=str(folder / "nbgrader_config.py"),
                            template_db=str(folder / "template.db"), scratch=str(_home()), sandbox=box,
                            cell_timeout=options.get("cell_timeout"),
                            notebook_timeout=options.get("notebook_timeout") or 300)
        here = Job(job["assignment"], job["student"], str(submission), job.get("extension_s"))
        setup_s = time.monotonic() - t0
        try:
            result = worker.grade(settings, here, (0, _home() / "slot"))
        except Exception as exc:  # noqa: BLE001 - as the local pool does: never lose the batch
            from .run import _crashed
            result = _crashed(here, exc)
        t1 = time.monotonic()
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
            for kind in ("autograded", "feedback"):
                produced = folder / kind / job["student"] / job["assignment"]
                if produced.is_dir():
                    tar.add(str(produced), arcname=kind)
                else:
                    tar.addfile(_dir_info(kind))
                shutil.rmtree(folder / kind, ignore_errors=True)
        shutil.rmtree(task, ignore_errors=True)
        result.timings["cluster_s"] = round(setup_s + time.monotonic() - t1, 3)
        return result, buf.getvalue(), address


def _dir_info(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    return info
