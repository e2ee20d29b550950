# every cell the kernel runs, echoed into the notebook
def _echo(*args):
    info = args[0] if args else None
    print("ECHO", getattr(info, "raw_cell", None) or getattr(getattr(info, "info", None), "raw_cell", None))


get_ipython().events.register("pre_run_cell", _echo)
get_ipython().events.register("post_run_cell", _echo)
