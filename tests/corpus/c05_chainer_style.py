"""Wrong and differently-right answers for 05_chainer_style."""
ASSIGNMENT = "05_chainer_style"

# ---------------------------------------------------------------- Variable
_INIT = """
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None
"""
_CLEAR = """
    def cleargrad(self):
        self.grad = None
"""
# the reference walk; {seed}, {acc}, {clear_outputs} and {push} are swapped for the wrong variants
_WALK = """
    def backward(self):
        if self.grad is None:
            self.grad = {seed}
        funcs, seen = [], set()

        def push(f):
{push}

        push(self.creator)
        while funcs:
            f = funcs.pop()
            gxs = f.backward(*[y.grad for y in f.outputs])
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs):
{acc}
                push(x.creator)
{clear_outputs}
"""
_PUSH_SORTED = """            if f is not None and f not in seen:
                seen.add(f)
                funcs.append(f)
                funcs.sort(key=lambda fn: fn.generation)"""
_ACC = "                x.grad = gx if x.grad is None else x.grad + gx"
_CLEAR_OUT = """            for y in f.outputs:
                y.grad = None"""


def _variable(init=_INIT, clear=_CLEAR, seed="np.ones_like(self.data)", push=_PUSH_SORTED, acc=_ACC,
              clear_outputs=_CLEAR_OUT):
    walk = _WALK.format(seed=seed, push=push, acc=acc, clear_outputs=clear_outputs)
    return "class Variable:" + init + clear + walk


# Each mistake names the clause of Exercise 1's statement it breaks and the case that shows it
# (V = test_variable, V2 = test_variable_2; "visible" = the student sees that check fail before handing in).
WRONG_VARIABLE = {
    # 3. accumulate: a leaf used twice keeps only the last gradient. V2 visible: mean(mul(square(v), v)).
    "overwrites instead of accumulating": _variable(acc="                x.grad = gx"),
    # 2. generation order: a plain stack reaches a's creator through one path first. V2 visible: add(square(a), a).
    "no generation order (plain stack)": _variable(push="""            if f is not None and f not in seen:
                seen.add(f)
                funcs.append(f)"""),
    # 2. generation order: a queue (breadth first). V2 visible: add(a, square(a)).
    "breadth-first queue, no generation order": _variable(push="""            if f is not None and f not in seen:
                seen.add(f)
                funcs.insert(0, f)"""),
    # 2. never twice: without `seen` a function runs again with its outputs' grad already None (or counts twice).
    # V2 visible: mean(mul(square(v), v)) and the reused-node cases.
    "processes a function twice": _variable(push="""            if f is not None:
                funcs.append(f)
                funcs.sort(key=lambda fn: fn.generation)"""),
    # 3. `+=` writes into the array that add() handed to both inputs. V2 visible: w.grad after mean(add(x, w)),
    # then mean(square(x)); hidden: the same with random arrays.
    "accumulates in place with +=": _variable(acc="""                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad += gx"""),
    # 1. the start is dL/dL = 1. V visible: mean(square(v)).
    "starts from zeros": _variable(seed="np.zeros_like(self.data)"),
    # 1. np.ones(shape) is float64: a float32 leaf gets a float64 grad. V visible: v.grad.dtype.
    "float64 starting gradient": _variable(seed="np.ones(self.data.shape)"),
    # 1. a number as the start: right values, wrong dtype for float32 data. V visible: v.grad.dtype.
    "starts from the number 1.0": _variable(seed="np.array(1.0)"),
    # 4. keep only the leaves' gradients. V visible: y.grad, loss.grad after backward; V2 visible: backward twice.
    "keeps intermediate gradients": _variable(clear_outputs="            pass"),
    # 4. clears the intermediates but not the loss it started from. V visible: loss.grad after backward.
    "clears the outputs but not the loss": _variable(clear_outputs="""            for y in f.outputs:
                if y is not self:
                    y.grad = None"""),
    # 1. a grad set by hand must be the start. V2 visible: y.grad = [1, 10]; y.backward().
    "always starts from ones": _variable().replace(
        "        if self.grad is None:\n            self.grad = np.ones_like(self.data)",
        "        self.grad = np.ones_like(self.data)"),
    # cleargrad: None, not zeros. V visible: v.cleargrad(); v.grad.
    "cleargrad sets zeros": _variable(clear="""
    def cleargrad(self):
        self.grad = np.zeros_like(self.data)
"""),
    # cleargrad: not resetting at all. V visible: v.cleargrad(); v.grad.
    "cleargrad does nothing": _variable(clear="""
    def cleargrad(self):
        pass
"""),
    # Variable(data): grad None until backward. V visible: Variable(...).grad.
    "grad starts at zeros": _variable(init="""
    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)
        self.creator = None
"""),
    # Variable(data): dtype kept. V visible: float32 data stays float32.
    "converts data to float64": _variable(init="""
    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = None
        self.creator = None
"""),
    # Variable(data): creator None. V visible: Variable(...).creator.
    "no creator attribute": _variable(init="""
    def __init__(self, data):
        self.data = data
        self.grad = None
"""),
    # accumulation across backward() calls: clearing the leaves at the start of each call.
    # V2 visible: L.backward() twice.
    "leaves overwritten on every backward call": _variable().replace(
        "        push(self.creator)\n",
        "        stack, found = [self.creator], set()\n"
        "        while stack:\n"
        "            g = stack.pop()\n"
        "            if g is None or g in found:\n"
        "                continue\n"
        "            found.add(g)\n"
        "            for v in g.inputs:\n"
        "                if v.creator is None:\n"
        "                    v.grad = None\n"
        "                stack.append(v.creator)\n"
        "        push(self.creator)\n"),
    # 3. accumulates in the leaves but overwrites a computed variable's grad: wrong only when a computed
    # variable is used twice. V2 visible: y = square(v); mean(mul(y, y)).
    "accumulates only in the leaves": _variable(acc="""                if x.creator is None and x.grad is not None:
                    x.grad = x.grad + gx
                else:
                    x.grad = gx"""),
    # 3. one gradient per distinct input: zip into a dict, so mul(y, y) passes only one of its two gradients.
    # V2 visible: mean(mul(square(v), v)) ... mean(mul(y, y)).
    "one gradient per distinct input (a dict)": _variable().replace(
        "for x, gx in zip(f.inputs, gxs):", "for x, gx in dict(zip(f.inputs, gxs)).items():"),
    # 2. a stack of variables instead of functions, no generation order. V2 visible: add(square(a), a).
    "variables on a stack (no generation order)": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        stack, seen = [self], {id(self)}
        while stack:
            v = stack.pop()
            f = v.creator
            if f is None:
                continue
            gxs = f.backward(v.grad)
            v.grad = None
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
                if id(x) not in seen:
                    seen.add(id(x))
                    stack.append(x)
""",
    # 2. variables in a queue (breadth first): right whenever every path to a variable has the same length,
    # wrong when a computed variable is used at two depths. V2 visible: add(a, square(a)).
    "variables in a queue (breadth first)": """
from collections import deque


class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        queue, seen = deque([self]), {id(self)}
        while queue:
            v = queue.popleft()
            f = v.creator
            if f is None:
                continue
            gxs = f.backward(v.grad)
            v.grad = None
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
                if id(x) not in seen:
                    seen.add(id(x))
                    queue.append(x)
""",
    # 2./3./4. recursion on every arrival that passes the *accumulated* grad on and keeps it: a computed variable
    # used twice sends its first part down twice. V visible: y.grad after backward; V2 visible: mean(mul(y, y)).
    "recursive, passes the accumulated grad on each arrival": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        f = self.creator
        if f is None:
            return
        gxs = f.backward(*[y.grad for y in f.outputs])
        for x, gx in zip(f.inputs, gxs):
            x.grad = gx if x.grad is None else x.grad + gx
            if x.creator is not None:
                x.backward()
""",
    # DeZero's step 7: one input only, overwrites. V visible and V2 visible.
    "recursive, one input only (DeZero step 7)": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        f = self.creator
        if f is not None:
            x = f.inputs[0]
            x.grad = f.backward(self.grad)[0]
            x.backward()
""",
    "not written": """
class Variable:
    def __init__(self, data):
        raise NotImplementedError()

    def cleargrad(self):
        raise NotImplementedError()

    def backward(self):
        raise NotImplementedError()
""",
}

RIGHT_VARIABLE = {
    "reference": _variable(),
    "DeZero (ゼロから作るDeep Learning 3, step 18)": """
class Variable:
    def __init__(self, data):
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError('{} is not supported'.format(type(data)))
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func):
        self.creator = func

    def cleargrad(self):
        self.grad = None

    def backward(self, retain_grad=False):
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = []
        seen_set = set()

        def add_func(f):
            if f not in seen_set:
                funcs.append(f)
                seen_set.add(f)
                funcs.sort(key=lambda x: x.generation)

        add_func(self.creator)

        while funcs:
            f = funcs.pop()
            gys = [output.grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)

            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx

                if x.creator is not None:
                    add_func(x.creator)

            if not retain_grad:
                for y in f.outputs:
                    y.grad = None
""",
    "topological sort by depth-first search": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        order, visited = [], set()

        def visit(f):
            if f is None or f in visited:
                return
            visited.add(f)
            for x in f.inputs:
                visit(x.creator)
            order.append(f)          # after everything it depends on

        visit(self.creator)
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        for f in reversed(order):
            gxs = f.backward(*[y.grad for y in f.outputs])
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
            for y in f.outputs:
                y.grad = None
""",
    "heapq by generation, DeZero's accumulation": """
import heapq


class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        heap, queued, n = [], set(), 0

        def push(f):
            nonlocal n
            if f is not None and f not in queued:
                queued.add(f)
                heapq.heappush(heap, (-f.generation, n, f))
                n += 1

        push(self.creator)
        while heap:
            f = heapq.heappop(heap)[2]
            gxs = f.backward(*[y.grad for y in f.outputs])
            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx
                push(x.creator)
            for y in f.outputs:
                y.grad = None
""",
    "recursive, resets its grad once passed on": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        f = self.creator
        if f is None:
            return
        gxs = f.backward(*[y.grad for y in f.outputs])
        self.grad = None                 # what reached this variable so far has been passed on
        for x, gx in zip(f.inputs, gxs):
            x.grad = gx if x.grad is None else x.grad + gx
            if x.creator is not None:
                x.backward()
""",
    "recursive, one path at a time": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        start = self.grad if self.grad is not None else np.ones_like(self.data)
        if self.creator is not None:
            self.grad = None
        self._send(start)

    def _send(self, g):
        # the chain rule is linear: each path's part can travel down on its own and add up in the leaves
        if self.creator is None:
            self.grad = g if self.grad is None else self.grad + g
            return
        for x, gx in zip(self.creator.inputs, self.creator.backward(g)):
            x._send(gx)
""",
    "Kahn: a function runs when all its outputs' users are done": """
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        if self.creator is None:
            return
        users, todo, found = {}, [self.creator], {self.creator}
        while todo:                                    # count, for every function, the functions that use its outputs
            f = todo.pop()
            for x in f.inputs:
                g = x.creator
                if g is not None:
                    users[g] = users.get(g, 0) + 1
                    if g not in found:
                        found.add(g)
                        todo.append(g)
        ready = [self.creator]
        while ready:
            f = ready.pop()
            gxs = f.backward(*[y.grad for y in f.outputs])
            for y in f.outputs:
                y.grad = None
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
                g = x.creator
                if g is not None:
                    users[g] -= 1
                    if users[g] == 0:
                        ready.append(g)
""",
    "reverse creation order (a counter on each variable)": """
import itertools

_made = itertools.count()


class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None
        self.order = next(_made)       # a function's outputs are made after its inputs

    def cleargrad(self):
        self.grad = None

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        funcs, todo = {}, [self.creator]
        while todo:
            f = todo.pop()
            if f is not None and id(f) not in funcs:
                funcs[id(f)] = f
                todo += [x.creator for x in f.inputs]
        for f in sorted(funcs.values(), key=lambda f: -max(y.order for y in f.outputs)):
            gxs = f.backward(*[y.grad for y in f.outputs])
            for x, gx in zip(f.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx
            for y in f.outputs:
                y.grad = None
""",
    "Chainer-like: intermediate grads in a dict, a heap by generation": """
import heapq
import itertools


class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self):
        grads = {id(self): self.grad if self.grad is not None else np.ones_like(self.data)}
        if self.creator is not None:
            self.grad = None
        tie = itertools.count()
        heap, queued = [], set()

        def push(f):
            if f is not None and id(f) not in queued:
                queued.add(id(f))
                heapq.heappush(heap, (-f.generation, next(tie), f))

        push(self.creator)
        while heap:
            _, _, f = heapq.heappop(heap)
            gys = [grads.pop(id(y), None) for y in f.outputs]
            gxs = f.backward(*gys)
            for x, gx in zip(f.inputs, gxs):
                if x.creator is None:              # a leaf keeps (and accumulates) its gradient
                    x.grad = gx if x.grad is None else x.grad + gx
                else:
                    grads[id(x)] = gx if id(x) not in grads else grads[id(x)] + gx
                    push(x.creator)
""",
}

# ---------------------------------------------------------------- Linear
_LINEAR = """
class Linear:
    def __init__(self, in_size, out_size):
        self.W = Variable({W})
        self.b = Variable({b})

    def __call__(self, x):
        return {call}

    def params(self):
{params}

    def cleargrads(self):
{clear}
"""
_W = "np.random.normal(0.0, np.sqrt(1.0 / in_size), (out_size, in_size)).astype(np.float32)"
_B = "np.zeros(out_size, dtype=np.float32)"
_PARAMS = "        return [self.W, self.b]"
_CLEARGRADS = "        for p in self.params():\n            p.cleargrad()"


def _linear(W=_W, b=_B, call="linear(x, self.W, self.b)", params=_PARAMS, clear=_CLEARGRADS):
    return _LINEAR.format(W=W, b=b, call=call, params=params, clear=clear)


# L = test_linear, L2 = test_linear_2; every mistake below has a visible check.
WRONG_LINEAR = {
    # W is (out_size, in_size). L visible: W.data's shape.
    "W of shape (in, out)": _linear(
        W="np.random.normal(0.0, np.sqrt(1.0 / in_size), (in_size, out_size)).astype(np.float32)",
        call="add(matmul(x, self.W), self.b)"),
    # std sqrt(1/in_size). L2 visible: the std of a (500, 1000) W.
    "std 1/in_size": _linear(W="np.random.normal(0.0, 1.0 / in_size, (out_size, in_size)).astype(np.float32)"),
    # the spread depends on in_size. L2 visible (and hidden: Linear(50, 2000)).
    "std sqrt(1/out_size)": _linear(
        W="np.random.normal(0.0, np.sqrt(1.0 / out_size), (out_size, in_size)).astype(np.float32)"),
    # std sqrt(1/in_size). L2 visible.
    "std 1": _linear(W="np.random.randn(out_size, in_size).astype(np.float32)"),
    # a normal distribution. L2 visible: the kurtosis (1.8 for a uniform, 3 for a normal).
    "uniform with the right std": _linear(
        W="np.random.uniform(-np.sqrt(3.0 / in_size), np.sqrt(3.0 / in_size), (out_size, in_size)).astype(np.float32)"),
    # b starts at zero. L visible.
    "b starts at one": _linear(b="np.ones(out_size, dtype=np.float32)"),
    # float32 parameters (Chainer's default; section 5 compares with float32 numbers). L visible.
    "float64 parameters": _linear(W="np.random.normal(0.0, np.sqrt(1.0 / in_size), (out_size, in_size))",
                                  b="np.zeros(out_size)"),
    # params(): W and b. L visible.
    "params() only W": _linear(params="        return [self.W]"),
    # cleargrads(): every parameter. L visible.
    "cleargrads only W": _linear(clear="        self.W.cleargrad()"),
    # cleargrads(): None, not zeros. L visible.
    "cleargrads sets zeros": _linear(clear="        for p in self.params():\n            p.grad = np.zeros_like(p.data)"),
    # through the functions of section 1, so that the graph reaches W and b. L visible: W.grad, b.grad.
    "computes in NumPy, no graph": _linear(
        call="Variable(np.asarray(getattr(x, 'data', x)) @ self.W.data.T + self.b.data)"),
    # x W^T + b. L visible: a non-zero b.
    "forgets the bias": _linear(call="matmul(x, transpose(self.W))"),
    # a new layer draws new values. L visible: two layers differ.
    "reseeds inside __init__": _linear(
        W="(np.random.seed(0), np.random.normal(0.0, np.sqrt(1.0 / in_size), (out_size, in_size)))[1].astype(np.float32)"),
    # params(): each time it is called; a stored iterator is empty the second time. L visible: params() twice.
    "params() an iterator made once": _linear(
        params="        if not hasattr(self, '_it'):\n            self._it = iter([self.W, self.b])\n        return self._it"),
    # params(): the Variable objects themselves, not copies (an optimizer must update the layer). L visible.
    "params() returns copies": _linear(params="        return [Variable(self.W.data.copy()), Variable(self.b.data.copy())]"),
    # through the functions: W.data in NumPy, so the graph reaches b only. L visible: W.grad.
    "W used as a plain array": _linear(call="add(matmul(x, self.W.data.T), self.b)"),
    # b of shape (1, out): y is still right (broadcast), b is not. L visible: b.data's shape.
    "b of shape (1, out_size)": _linear(b="np.zeros((1, out_size), dtype=np.float32)"),
    # __call__ only computes: clearing the gradients there breaks Chainer's accumulation. L visible: lin(x) after
    # backward; hidden: backward twice.
    "__call__ clears the gradients": _linear(call="(self.cleargrads(), linear(x, self.W, self.b))[1]"),
}
RIGHT_LINEAR = {
    "reference (generator params)": _linear(params="        yield self.W\n        yield self.b"),
    "matmul, transpose and add; default_rng": _linear(
        W="np.random.default_rng().normal(0.0, (1.0 / in_size) ** 0.5, size=(out_size, in_size)).astype(np.float32)",
        call="add(matmul(x, transpose(self.W)), self.b)"),
    "operators, randn * scale (Chainer's LeCunNormal)": _linear(
        W="(np.random.randn(out_size, in_size) * np.sqrt(1.0 / in_size)).astype(np.float32)",
        call="as_variable(x) @ self.W.T + self.b",
        clear="        self.W.grad = None\n        self.b.grad = None"),
}

# ---------------------------------------------------------------- mean_squared_error
_CUSTOM = """
class MSE(Function):
    def forward(self, y, t):
        self.diff = y - t
        return {forward}

    def backward(self, gy):
        g = {backward}
        return g, -g


def mean_squared_error(y, t):
    return MSE()(y, t)
"""


def _custom(forward="(self.diff ** 2).mean()", backward="gy * 2 * self.diff / self.diff.size"):
    return _CUSTOM.format(forward=forward, backward=backward)


# M = test_mean_squared_error.
WRONG_MSE = {
    # the mean, not the sum. M visible.
    "sum instead of mean": _custom(forward="(self.diff ** 2).sum()", backward="gy * 2 * self.diff"),
    # no 1/2 (Chainer and PyTorch). M visible.
    "½ mean": "def mean_squared_error(y, t):\n    return mul(mean(square(sub(y, t))), 0.5)",
    # the mean over all elements. M visible: a (2, 2) batch divides by 4.
    "mean over the batch only": _custom(forward="(self.diff ** 2).sum() / len(self.diff)",
                                        backward="gy * 2 * self.diff / len(self.diff)"),
    # dL/dy = 2 (y - t) / N. M visible.
    "backward without the 2": _custom(backward="gy * self.diff / self.diff.size"),
    # dL/dy = 2 (y - t) / N. M visible.
    "backward with the wrong sign": _custom(backward="-gy * 2 * self.diff / self.diff.size"),
    # the mean of the squares, no root. M visible.
    "root mean squared error": _custom(forward="np.sqrt((self.diff ** 2).mean())",
                                       backward="gy * self.diff / self.diff.size / np.sqrt((self.diff ** 2).mean())"),
    # squares, not absolute values. M visible.
    "mean absolute error": _custom(forward="np.abs(self.diff).mean()", backward="gy * np.sign(self.diff) / self.diff.size"),
    # connected to the graph. M visible: y.grad.
    "no graph": ("def mean_squared_error(y, t):\n    y, t = as_variable(y), as_variable(t)\n"
                 "    return Variable(np.asarray(np.mean((y.data - t.data) ** 2)))"),
    # a Variable. M visible.
    "returns a plain number": ("def mean_squared_error(y, t):\n"
                               "    return float(mean(square(sub(y, t))).data)"),
    # y and t unchanged. M visible: y.data after the call.
    "writes into y": """
class MSE(Function):
    def forward(self, y, t):
        y -= t
        self.diff = y
        return (y ** 2).mean()

    def backward(self, gy):
        g = gy * 2 * self.diff / self.diff.size
        return g, -g


def mean_squared_error(y, t):
    return MSE()(y, t)
""",
    # t gets a gradient too (dL/dt = -dL/dy), as in Chainer. M visible: t.grad.
    "no gradient for t": _custom().replace("return g, -g", "return g, np.zeros_like(g)"),
    # y and t may be arrays: y.data of a NumPy array is a memoryview, without a dtype. M visible: both arrays.
    "y must be a Variable": ("def mean_squared_error(y, t):\n"
                             "    if not isinstance(t, Variable):\n"
                             "        t = Variable(np.asarray(t, dtype=y.data.dtype))\n"
                             "    return mean(square(sub(y, t)))"),
}
RIGHT_MSE = {
    "reference": "def mean_squared_error(y, t):\n    return mean(square(sub(y, t)))",
    "operators, t - y": "def mean_squared_error(y, t):\n    return mean((t - y) ** 2)",
    "Chainer's MeanSquaredError as a Function": """
class MeanSquaredError(Function):
    def forward(self, x0, x1):
        self.diff = x0 - x1
        diff = self.diff.ravel()
        return np.array(diff.dot(diff) / diff.size, dtype=diff.dtype)

    def backward(self, gy):
        coeff = gy * gy.dtype.type(2. / self.diff.size)
        gx0 = coeff * self.diff
        return gx0, -gx0


def mean_squared_error(x0, x1):
    return MeanSquaredError()(x0, x1)
""",
    "mul of the difference with itself": ("def mean_squared_error(y, t):\n    d = sub(y, t)\n"
                                          "    return mean(mul(d, d))"),
}

# ---------------------------------------------------------------- SGD
_SGD = """
class SGD:
    def __init__(self, lr={default}):
        self.lr = lr

    def setup(self, link):
        self.target = link

    def update(self):
        for p in self.target.params():
{body}
"""
_STEP = "            if p.grad is not None:\n                p.data -= self.lr * p.grad"


def _sgd(default="0.01", body=_STEP):
    return _SGD.format(default=default, body=body)


# S = test_sgd, S2 = test_sgd_2.
WRONG_SGD = {
    # against the gradient. S visible.
    "adds the gradient": _sgd(body="            if p.grad is not None:\n                p.data += self.lr * p.grad"),
    # self.lr. S visible: SGD(lr=0.1).
    "ignores lr": _sgd(body="            if p.grad is not None:\n                p.data -= 0.01 * p.grad"),
    # lr=0.01 by default. S visible.
    "default lr 0.1": _sgd(default="0.1"),
    # skip a parameter whose grad is None. S visible.
    "fails on grad None": _sgd(body="            p.data -= self.lr * p.grad"),
    # leave the gradients alone. S visible.
    "clears the gradients": _sgd(body="            if p.grad is not None:\n                p.data -= self.lr * p.grad\n"
                                      "                p.cleargrad()"),
    # plain SGD. S visible.
    "weight decay added": _sgd(body="            if p.grad is not None:\n"
                                    "                p.data = p.data * (1 - self.lr) - self.lr * p.grad"),
    # every parameter of link.params(), any link. S visible: a link with a list of params.
    "only W and b": """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def setup(self, link):
        self.target = link

    def update(self):
        for p in (self.target.W, self.target.b):
            if p.grad is not None:
                p.data -= self.lr * p.grad
""",
    # one plain step per update(). S visible: the second update.
    "momentum 0.9": """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.v = {}

    def setup(self, link):
        self.target = link

    def update(self):
        for p in self.target.params():
            if p.grad is not None:
                v = self.v.get(id(p), 0) * 0.9 - self.lr * p.grad
                self.v[id(p)] = v
                p.data = p.data + v
""",
    # update the link's own parameters. S visible.
    "updates copies made at setup": """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def setup(self, link):
        self.params = [Variable(p.data.copy()) for p in link.params()]
        self.grads_from = list(link.params())

    def update(self):
        for p, src in zip(self.params, self.grads_from):
            if src.grad is not None:
                p.data -= self.lr * src.grad
""",
    # p.data - lr * p.grad, not the sign of the gradient. S visible.
    "steps by the sign of the gradient": _sgd(body="            if p.grad is not None:\n"
                                                   "                p.data -= self.lr * np.sign(p.grad)"),
}
RIGHT_SGD = {
    "reference (in place)": _sgd(),
    "new array, params listed at setup": """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def setup(self, link):
        self.params = list(link.params())
        return self

    def update(self):
        for param in self.params:
            if param.grad is None:
                continue
            param.data = param.data - self.lr * param.grad
""",
    "Chainer-like, update(lossfun=None, *args)": """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.target = None

    def setup(self, link):
        self.target = link
        return self

    def update(self, lossfun=None, *args):
        if lossfun is not None:
            self.target.cleargrads()
            lossfun(*args).backward()
        for param in self.target.params():
            grad = param.grad
            if grad is None:
                continue
            param.data -= self.lr * grad
""",
}

WRONG = {"variable": WRONG_VARIABLE, "linear": WRONG_LINEAR, "mean_squared_error": WRONG_MSE, "sgd": WRONG_SGD}
RIGHT = {"variable": RIGHT_VARIABLE, "linear": RIGHT_LINEAR, "mean_squared_error": RIGHT_MSE, "sgd": RIGHT_SGD}
