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


WRONG_VARIABLE = {
    "overwrites instead of accumulating": _variable(acc="                x.grad = gx"),
    "no generation order (plain stack)": _variable(push="""            if f is not None and f not in seen:
                seen.add(f)
                funcs.append(f)"""),
    "breadth-first queue, no generation order": _variable(push="""            if f is not None and f not in seen:
                seen.add(f)
                funcs.insert(0, f)"""),
    "processes a function twice": _variable(push="""            if f is not None:
                funcs.append(f)
                funcs.sort(key=lambda fn: fn.generation)"""),
    "accumulates in place with +=": _variable(acc="""                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad += gx"""),
    "starts from zeros": _variable(seed="np.zeros_like(self.data)"),
    "float64 starting gradient": _variable(seed="np.ones(self.data.shape)"),
    "keeps intermediate gradients": _variable(clear_outputs="            pass"),
    "always starts from ones": _variable().replace(
        "        if self.grad is None:\n            self.grad = np.ones_like(self.data)",
        "        self.grad = np.ones_like(self.data)"),
    "cleargrad sets zeros": _variable(clear="""
    def cleargrad(self):
        self.grad = np.zeros_like(self.data)
"""),
    "grad starts at zeros": _variable(init="""
    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)
        self.creator = None
"""),
    "converts data to float64": _variable(init="""
    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = None
        self.creator = None
"""),
    "no creator attribute": _variable(init="""
    def __init__(self, data):
        self.data = data
        self.grad = None
"""),
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


WRONG_LINEAR = {
    "W of shape (in, out)": _linear(
        W="np.random.normal(0.0, np.sqrt(1.0 / in_size), (in_size, out_size)).astype(np.float32)",
        call="add(matmul(x, self.W), self.b)"),
    "std 1/in_size": _linear(W="np.random.normal(0.0, 1.0 / in_size, (out_size, in_size)).astype(np.float32)"),
    "std sqrt(1/out_size)": _linear(
        W="np.random.normal(0.0, np.sqrt(1.0 / out_size), (out_size, in_size)).astype(np.float32)"),
    "std 1": _linear(W="np.random.randn(out_size, in_size).astype(np.float32)"),
    "uniform with the right std": _linear(
        W="np.random.uniform(-np.sqrt(3.0 / in_size), np.sqrt(3.0 / in_size), (out_size, in_size)).astype(np.float32)"),
    "b starts at one": _linear(b="np.ones(out_size, dtype=np.float32)"),
    "float64 parameters": _linear(W="np.random.normal(0.0, np.sqrt(1.0 / in_size), (out_size, in_size))",
                                  b="np.zeros(out_size)"),
    "params() only W": _linear(params="        return [self.W]"),
    "cleargrads only W": _linear(clear="        self.W.cleargrad()"),
    "cleargrads sets zeros": _linear(clear="        for p in self.params():\n            p.grad = np.zeros_like(p.data)"),
    "computes in NumPy, no graph": _linear(
        call="Variable(np.asarray(getattr(x, 'data', x)) @ self.W.data.T + self.b.data)"),
    "forgets the bias": _linear(call="matmul(x, transpose(self.W))"),
    "reseeds inside __init__": _linear(
        W="(np.random.seed(0), np.random.normal(0.0, np.sqrt(1.0 / in_size), (out_size, in_size)))[1].astype(np.float32)"),
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


WRONG_MSE = {
    "sum instead of mean": _custom(forward="(self.diff ** 2).sum()", backward="gy * 2 * self.diff"),
    "½ mean": "def mean_squared_error(y, t):\n    return mul(mean(square(sub(y, t))), 0.5)",
    "mean over the batch only": _custom(forward="(self.diff ** 2).sum() / len(self.diff)",
                                        backward="gy * 2 * self.diff / len(self.diff)"),
    "backward without the 2": _custom(backward="gy * self.diff / self.diff.size"),
    "backward with the wrong sign": _custom(backward="-gy * 2 * self.diff / self.diff.size"),
    "root mean squared error": _custom(forward="np.sqrt((self.diff ** 2).mean())",
                                       backward="gy * self.diff / self.diff.size / np.sqrt((self.diff ** 2).mean())"),
    "mean absolute error": _custom(forward="np.abs(self.diff).mean()", backward="gy * np.sign(self.diff) / self.diff.size"),
    "no graph": ("def mean_squared_error(y, t):\n    y, t = as_variable(y), as_variable(t)\n"
                 "    return Variable(np.asarray(np.mean((y.data - t.data) ** 2)))"),
    "returns a plain number": ("def mean_squared_error(y, t):\n"
                               "    return float(mean(square(sub(y, t))).data)"),
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


WRONG_SGD = {
    "adds the gradient": _sgd(body="            if p.grad is not None:\n                p.data += self.lr * p.grad"),
    "ignores lr": _sgd(body="            if p.grad is not None:\n                p.data -= 0.01 * p.grad"),
    "default lr 0.1": _sgd(default="0.1"),
    "fails on grad None": _sgd(body="            p.data -= self.lr * p.grad"),
    "clears the gradients": _sgd(body="            if p.grad is not None:\n                p.data -= self.lr * p.grad\n"
                                      "                p.cleargrad()"),
    "weight decay added": _sgd(body="            if p.grad is not None:\n"
                                    "                p.data = p.data * (1 - self.lr) - self.lr * p.grad"),
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
