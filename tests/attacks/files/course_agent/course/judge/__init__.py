"""course/judge/ handed in with the notebook: our agent.py, the real link.py and wire.py."""
import os

import course

__path__ = [os.path.dirname(os.path.abspath(__file__))] + [os.path.join(p, "judge") for p in course.__path__[1:]]
