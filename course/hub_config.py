"""JupyterHub's configuration for the course (``jupyterhub -f course/hub_config.py``).

``python -m course hub`` starts JupyterHub with this file and these environment variables:
``DLCOURSE_HUB_PREFIX`` (what ``python -m course hub setup`` installed), ``DLCOURSE_HUB_PORT``,
``DLCOURSE_HUB_AUTH`` (``pam`` or ``demo``) and, for ``demo``, ``DLCOURSE_HUB_PASSWORD``.
"""
import grp
import os
import pwd

from course.hub import COURSE_LINK, INSTRUCTORS, STUDENTS, Layout, group_members, guard_answer_modules

c = get_config()  # noqa: F821  (provided by JupyterHub)
layout = Layout(os.environ["DLCOURSE_HUB_PREFIX"])
settings = layout.settings()
port = int(os.environ.get("DLCOURSE_HUB_PORT", "8000"))

# Localhost only: the proxy on PORT, the hub's API on PORT+1, the proxy's API on PORT+2.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [str(layout.proxy_command)]
c.JupyterHub.db_url = f"sqlite:///{layout.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(layout.state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(layout.state / "jupyterhub-proxy.pid")
c.JupyterHub.pid_file = str(layout.state / "jupyterhub.pid")

# Who may log in: the members of the course's two groups (python -m course hub demo, or groupadd/usermod).
if os.environ.get("DLCOURSE_HUB_AUTH", "pam") == "demo":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ["DLCOURSE_HUB_PASSWORD"]
    c.Authenticator.allowed_users = set(group_members(INSTRUCTORS) + group_members(STUDENTS))
else:
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {INSTRUCTORS, STUDENTS}
# Nobody is the hub's admin: an admin may open every user's server, as that user.

# Each user's server: a local process as that user, in the hub's environment, opening JupyterLab.
c.JupyterHub.spawner_class = "localprocess"
SINGLEUSER = [str(layout.venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.cmd = SINGLEUSER
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180   # a busy machine
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    "PATH": f"{layout.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "DLCOURSE_EXCHANGE": str(layout.exchange),
    "DLCOURSE_DATA_CACHE": lambda spawner: os.path.join(pwd.getpwnam(spawner.user.name).pw_dir,
                                                        ".cache", "dlcourse", "data"),
    **({"DLCOURSE_DATA_MIRROR": settings["data_mirror"]} if settings.get("data_mirror") else {}),
    # the TF appendix's interpreter (its kernelspec, and the judge when an instructor grades 09/10)
    **({"DLCOURSE_TF_VENV": str(layout.tf_venv)} if layout.tf_venv.is_dir() else {}),
}


def role_environment(spawner):
    """Instructors: the formgrader on the course (its config and package); students: no formgrader."""
    name = spawner.user.name
    user = pwd.getpwnam(name)
    groups = {g.gr_name for g in grp.getgrall() if name in g.gr_mem} | {grp.getgrgid(user.pw_gid).gr_name}
    role = "instructor" if INSTRUCTORS in groups else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(layout.roles / role)
    for change in guard_answer_modules(layout):  # an answer module opens once its assignment is due
        spawner.log.info("dlcourse: %s", change)
    if role == "instructor":
        spawner.environment["PYTHONPATH"] = str(layout.course)
        # what an instructor makes in the course (gradebook, submitted/, autograded/) is the group's too
        spawner.cmd = ["/bin/sh", "-c", 'umask 007 && exec "$0" "$@"', *SINGLEUSER]
        link = os.path.join(user.pw_dir, COURSE_LINK)
        if not os.path.lexists(link) and os.path.isdir(user.pw_dir):
            os.symlink(layout.course, link)
            os.lchown(link, user.pw_uid, user.pw_gid)


c.Spawner.pre_spawn_hook = role_environment
