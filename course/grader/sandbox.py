"""The sandbox every student kernel runs in while it is autograded.

A kernel is started as ``bwrap ... [setpriv ...] prlimit ... python -m ipykernel_launcher``:

* bubblewrap gives it its own mount, PID, network, IPC and UTS namespaces.  It sees
  the system (``/usr``), Python, the course package and the data folders read-only, its
  own submission folder read-write at ``/home/student/<assignment>``, and a small
  private ``/tmp``.  Nothing else exists for it: not ``source/``, not the gradebook,
  not other students' submissions or feedback.  There is no network at all, not even
  the host's loopback, so the kernel talks to nbgrader over IPC sockets (files in a
  folder bound into the sandbox).
* When the grader runs as root, ``setpriv`` drops the kernel to a random unprivileged
  uid with no capabilities (root is exempt from the process limit, and a uid of its
  own gives each kernel a process limit of its own).  Otherwise bubblewrap
  puts it in a user namespace.
* ``prlimit`` caps CPU seconds, memory, processes (a fork bomb stops there) and file size.

:func:`check` fails closed, with a message that says what to install, where
bubblewrap cannot run; ``python -m course grade --no-sandbox`` is the explicit opt-out.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Dict, Int, List, Type, Unicode

#: Where the submission appears inside the sandbox (the kernel's working folder).
HOME = "/home/student"

_ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime",
        "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/alternatives", "/etc/mime.types"]
_GPU_DEVICES = ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia0",
                "/dev/nvidia1", "/dev/nvidia2", "/dev/nvidia3", "/dev/dri"]
_PASS_ENV = ["NBGRADER_EXECUTION", "LANG", "LC_ALL", "TZ"]

INSTALL_HINT = ("Install bubblewrap and util-linux (Debian/Ubuntu: `sudo apt-get install bubblewrap "
                "util-linux`), or grade without the sandbox, on a machine you trust with these "
                "submissions, with `python -m course grade ... --no-sandbox`.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap or prlimit is missing, or cannot create namespaces here."""


@dataclass
class Limits:
    """Resource limits of one kernel process (and each process it starts)."""
    cpu_seconds: int = 600
    memory_bytes: int = 4 << 30        # RLIMIT_DATA: heap and anonymous mappings
    processes: int = 256               # threads count too
    file_bytes: int = 1 << 30
    open_files: int = 1024
    tmp_bytes: int = 512 << 20         # size of the private /tmp (RAM)

    def prlimit_args(self) -> list[str]:
        return [f"--cpu={self.cpu_seconds}", f"--data={self.memory_bytes}",
                f"--nproc={self.processes}", f"--fsize={self.file_bytes}",
                f"--nofile={self.open_files}", "--core=0"]


@dataclass
class Sandbox:
    """What a kernel may see.  Build one with :func:`default_sandbox`."""
    read_only: list[str]                       # host paths, bound at the same path
    env: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # path inside -> real path (a symlinked venv)
    limits: Limits = field(default_factory=Limits)
    matplotlib_cache: str | None = None        # a folder holding fontlist-*.json
    hidden: dict[str, str] = field(default_factory=dict)  # host path -> file or folder shown in its place

    def command(self, argv: list[str], *, workdir: str, runtime_dir: str, name: str,
                uid: int | None = None) -> list[str]:
        """``argv`` wrapped in bwrap (+ setpriv) + prlimit.

        *workdir* appears read-write at ``/home/student/<name>``; *runtime_dir* (the
        connection file and IPC sockets) at its own path.  *uid* is the unprivileged
        uid to run as when the grader is root.
        """
        bwrap, prlimit = _tool("bwrap"), _tool("prlimit")
        inside = f"{HOME}/{name}"
        args = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
        if os.geteuid() != 0:
            args.append("--unshare-user")
        binds = ["/usr", *self.read_only] + [p for p in _ETC if os.path.exists(p)]
        for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
        args += ["--dev", "/dev", "--proc", "/proc",
                 "--perms", "1777", "--size", str(self.limits.tmp_bytes), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(64 << 20), "--tmpfs", HOME]
        args += _parents([*binds, *self.aliases, runtime_dir])
        for path in binds:
            args += ["--ro-bind-try", path, path]
        for alias, real in self.aliases.items():
            args += ["--ro-bind-try", real, alias]
        for dev in _GPU_DEVICES:
            args += ["--dev-bind-try", dev, dev]
        mpl = f"{HOME}/.matplotlib"
        args += ["--perms", "1777", "--dir", mpl]
        if self.matplotlib_cache:
            for font_list in Path(self.matplotlib_cache).glob("fontlist-*.json"):
                args += ["--ro-bind", str(font_list), f"{mpl}/{font_list.name}"]
        for path, stub in self.hidden.items():  # course/functions.py while 02 is graded; 07's, 08's test labels
            args += ["--ro-bind", stub, path]
        for cache in sorted({str(Path(p).parent / "__pycache__") for p in self.hidden if p.endswith(".py")}):
            args += ["--tmpfs", cache]  # no compiled copy of a hidden module either
        args += ["--bind", workdir, inside, "--bind", runtime_dir, runtime_dir, "--chdir", inside]
        env = {"HOME": HOME, "TMPDIR": "/tmp", "MPLCONFIGDIR": mpl,
               "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
               "PYTHONSAFEPATH": "1",  # a numpy.py handed in never shadows numpy
               "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               **{k: os.environ[k] for k in _PASS_ENV if k in os.environ}, **self.env}
        args.append("--clearenv")
        for key, value in sorted(env.items()):
            args += ["--setenv", key, value]
        args.append("--")
        if os.geteuid() == 0:
            if uid is None:
                raise ValueError("running as root: give the sandbox an unprivileged uid")
            args += [_tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        return args + [prlimit, *self.limits.prlimit_args(), "--", *argv]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise SandboxUnavailable(f"`{name}` was not found. {INSTALL_HINT}")
    return path


def _parents(paths: list[str]) -> list[str]:
    """``--dir`` for every parent of the bound paths, world-readable (bwrap makes them 0700)."""
    made: list[str] = []
    for path in paths:
        parts = Path(path).parts
        for i in range(2, len(parts)):
            parent = str(Path(*parts[:i]))
            if parent not in made and parent not in ("/tmp", HOME):
                made.append(parent)
    out: list[str] = []
    for parent in made:
        out += ["--perms", "0755", "--dir", parent]
    return out


def default_sandbox(limits: Limits | None = None, threads: int = 1,
                    matplotlib_cache: str | None = None) -> Sandbox:
    """System, Python, the course package and the data folders (read-only)."""
    import course
    from course import config

    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)}
    # a venv reached through a symbolic link keeps its path inside (the kernel runs sys.executable)
    aliases = {os.path.abspath(p): os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)
               if os.path.abspath(p) != os.path.realpath(p)}
    package = Path(course.__file__).resolve().parent
    paths.add(str(package))
    from course import tf_env  # the TF notebooks' kernel runs .venv-tf's python (course/tf_env.py)
    paths.update(tf_env.sandbox_paths())
    for entry in sys.path:  # packages installed outside the prefixes (rare)
        real = os.path.realpath(entry) if entry else ""
        if real and os.path.isdir(real) and "site-packages" in real and \
                not any(real.startswith(p + os.sep) for p in paths):
            paths.add(real)
    data = {"DLCOURSE_OFFLINE": "1", "PYTHONPATH": str(package.parent)}  # this very course package
    for var, folder in (("DLCOURSE_DATA_MIRROR", config.data_mirror()),
                        ("DLCOURSE_DATA_CACHE", config.data_cache())):
        data[var] = str(folder)
        if folder.is_dir():
            paths.add(str(folder.resolve()))
    threads_env = {k: str(threads) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                             "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
    return Sandbox(read_only=sorted(paths), env={**data, **threads_env}, aliases=aliases,
                   limits=limits or Limits(), matplotlib_cache=matplotlib_cache)


def check(sandbox: Sandbox, scratch: Path, uid: int | None = None) -> None:
    """Start one trivial sandboxed process; raise :class:`SandboxUnavailable` if it fails."""
    import random
    uid = uid or random.SystemRandom().randrange(1_000_000, 2_000_000_000)
    work, runtime = scratch / "sandbox-check" / "work", scratch / "sandbox-check" / "rt"
    for folder in (work, runtime):
        folder.mkdir(parents=True, exist_ok=True)
        _give(folder, uid)
    probe = ("import os, socket\n"
             "assert os.getcwd() == os.environ['HOME'] + '/check'\n"
             "open('probe.txt', 'w').write('ok')\n"
             "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\n")
    cmd = sandbox.command([sys.executable, "-c", probe], workdir=str(work), runtime_dir=str(runtime),
                          name="check", uid=uid)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"the sandbox could not start: {exc}. {INSTALL_HINT}") from exc
    if proc.returncode != 0 or (work / "probe.txt").read_text() != "ok":
        raise SandboxUnavailable(
            f"the sandbox could not start (exit code {proc.returncode}):\n{proc.stderr.strip()[-1500:]}\n"
            f"Namespaces may be disabled here (containers often forbid them). {INSTALL_HINT}")


def _give(path: Path, uid: int | None) -> None:
    """Make *path* (recursively) the sandbox user's, where the grader is root."""
    if uid is None or os.geteuid() != 0:
        return
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def give_to_sandbox_user(path: Path, uid: int | None) -> None:
    _give(path, uid)


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's async client, without its idle waits at start-up.

    ``wait_for_ready`` in jupyter_client ends by reading IOPub until 0.2 s pass with
    no message: 0.2 s of idle CPU per kernel, i.e. per submission.  Here the start-up
    messages already queued are dropped without waiting; one that comes later is
    ignored by nbclient anyway (it reads only replies to its own requests).

    ``kernel_info`` is asked again when no reply comes within 1 s (a slow start, a busy
    machine), so replies to earlier requests may come later.  Only the reply to the last
    request counts; the kernel answers in order, so by then every earlier reply has been
    read and dropped, and the shell channel holds nothing stale for the next reader.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        awaited = None
        while True:
            if awaited is None:
                awaited = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply, awaited = None, None  # ask again
            if reply is not None and reply["parent_header"].get("msg_id") == awaited:
                try:  # IOPub is connected once the reply's status message arrives on it
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    awaited = None  # not yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # and, should one come out of order, no earlier reply is left either
            try:
                await self.shell_channel.get_msg(timeout=0)  # nothing but kernel_info was sent
            except Empty:
                break
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready  # the public name is bound to the base's method


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside the sandbox, over IPC.

    nbgrader's Execute preprocessor creates it with the autograde config, which
    sets the traits below (see :mod:`course.grader.worker`).
    """
    sandbox = Dict(config=True, help="Sandbox(...) fields as a dict")
    runtime_dir = Unicode(config=True, help="folder for the connection file and IPC sockets")
    workdir_name = Unicode("work", config=True, help="name of the submission folder inside")
    sandbox_uid = Int(1_000_000, config=True, help="unprivileged uid (when the grader is root)")
    passthrough_env = List(config=True)
    client_class = DottedObjectName("course.grader.sandbox.SandboxKernelClient")
    client_factory = Type(klass=SandboxKernelClient)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        import uuid
        self.transport = "ipc"
        stem = os.path.join(self.runtime_dir, f"k-{uuid.uuid4().hex[:8]}")
        self.connection_file = stem + ".json"
        self.ip = stem + "-ipc"

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        spec = dict(self.sandbox)
        limits = Limits(**spec.pop("limits", {}))
        box = Sandbox(limits=limits, **spec)
        uid = self.sandbox_uid if os.geteuid() == 0 else None
        if uid is not None:
            os.chown(self.connection_file, uid, uid)
            os.chown(self.runtime_dir, uid, uid)
        workdir = kw.get("cwd") or os.getcwd()
        wrapped = box.command(kernel_cmd, workdir=str(workdir), runtime_dir=self.runtime_dir,
                              name=self.workdir_name, uid=uid)
        # The kernel's own stdout/stderr (banners, bwrap errors) go to a log, not the grader's terminal.
        # never through a link the sandbox could have planted there
        fd = os.open(os.path.join(self.runtime_dir, "kernel.log"),
                     os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "ab") as log:
            kw.update(stdout=log, stderr=log)
            await super()._async_launch_kernel(wrapped, **kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for the kernel to exit, checking every 10 ms rather than 100 ms."""
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    async def _async_interrupt_kernel(self) -> None:
        """Interrupt by message: the kernel is in its own session, out of reach of killpg."""
        if not self.has_kernel:
            raise RuntimeError("Cannot interrupt kernel. No kernel is running!")
        self._connect_control_socket()
        self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = _async_interrupt_kernel
