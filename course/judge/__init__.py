"""The judge: graded test cells run in a trusted process, outside the student's kernel.

While a notebook is autograded, the student's kernel runs the student's cells.  Each
graded test cell runs in a separate **judge** process instead (:mod:`.server`).  In the
judge, a name the test uses that the test itself did not define (``perceptron``,
``TwoLayerNet``) resolves to a :class:`~.link.Proxy`, a handle on the object in the
student's kernel; calling it, reading its attributes, indexing it, all travel over a
small message protocol (:mod:`.wire`) to an agent in the kernel (:mod:`.agent`).
Values cross by value only, as JSON and ``.npy`` bytes read with ``allow_pickle=False``.
The judge decides pass or fail with its own ``course.check``, numpy and torch, and
writes the cell's outputs; the kernel can only return wrong values or fail to answer.

The grader's side (start the judge in its sandbox, hand it each test cell, keep the
kernel serving) is :mod:`.host`.
"""
