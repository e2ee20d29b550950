"""Wrong and differently-right answers for 03_loss_and_gradients."""
ASSIGNMENT = "03_loss_and_gradients"

BOOK_CEE = """
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    # 教師データがone-hot-vectorの場合、正解ラベルのインデックスに変換
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
"""

# the book's version with one line changed: the class-number path
_CEE_HEAD = """
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    p = y[np.arange(batch_size), t]
"""

# one-hot form; class numbers are turned into one-hot rows first
_CEE_ONEHOT = """
def cross_entropy_error(y, t):
    y2 = np.atleast_2d(y)
    t = np.asarray(t)
    if t.size != y2.size:
        t = np.eye(y2.shape[1])[t.reshape(-1)]
    t2 = t.reshape(y2.shape)
"""

BOOK_NUMERICAL_GRADIENT = """
def numerical_gradient(f, x):
    h = 1e-4 # 0.0001
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x) # f(x+h)
        x[idx] = tmp_val - h
        fxh2 = f(x) # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2*h)
        x[idx] = tmp_val # 値を元に戻す
        it.iternext()
    return grad
"""


def _ng(body: str) -> str:
    """numerical_gradient looping over every index; body computes grad[idx] (x, f, h, idx, tmp)."""
    return ("def numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros(x.shape)\n"
            "    for idx in np.ndindex(x.shape):\n        tmp = x[idx]\n" + body + "    return grad")


def _gd(body: str, signature: str = "f, init_x, lr=0.01, step_num=100") -> str:
    return f"def gradient_descent({signature}):\n" + body


WRONG = {
    "sum_squared_error": {
        "no ½": "def sum_squared_error(y, t):\n    return np.sum((y - t) ** 2)",
        "mean instead of sum": "def sum_squared_error(y, t):\n    return 0.5 * np.mean((y - t) ** 2)",
        "square root (a norm)": "def sum_squared_error(y, t):\n    return 0.5 * np.sqrt(np.sum((y - t) ** 2))",
        "absolute values": "def sum_squared_error(y, t):\n    return 0.5 * np.sum(np.abs(y - t))",
        "not squared": "def sum_squared_error(y, t):\n    return 0.5 * np.sum(y - t)",
        "one number per sample": "def sum_squared_error(y, t):\n    return 0.5 * np.sum((y - t) ** 2, axis=-1)",
        "writes into y": "def sum_squared_error(y, t):\n    y -= t\n    return 0.5 * np.sum(y ** 2)",
    },
    "mean_squared_error": {
        "with ½": "def mean_squared_error(y, t):\n    return 0.5 * np.mean((y - t) ** 2)",
        "sum": "def mean_squared_error(y, t):\n    return np.sum((y - t) ** 2)",
        "divides by the batch size only": "def mean_squared_error(y, t):\n    return np.sum((y - t) ** 2) / len(y)",
        "divides by the outputs only": "def mean_squared_error(y, t):\n    return np.sum((y - t) ** 2) / y.shape[-1]",
        "root mean square": "def mean_squared_error(y, t):\n    return np.sqrt(np.mean((y - t) ** 2))",
        "mean absolute error": "def mean_squared_error(y, t):\n    return np.mean(np.abs(y - t))",
        "writes into y": "def mean_squared_error(y, t):\n    y -= t\n    return np.mean(y ** 2)",
    },
    "cross_entropy_error": {
        "no delta (class numbers): inf": _CEE_HEAD + "    return -np.sum(np.log(p)) / batch_size",
        "no delta (one-hot form): nan": _CEE_ONEHOT + "    return -np.sum(t2 * np.log(y2)) / y2.shape[0]",
        "delta outside the log": _CEE_HEAD + "    return -np.sum(np.log(p) + 1e-7) / batch_size",
        "delta 1e-12 (the book and the spec say 1e-7)": _CEE_HEAD + "    return -np.sum(np.log(p + 1e-12)) / batch_size",
        "divides by the number of classes": _CEE_HEAD + "    return -np.sum(np.log(p + 1e-7)) / y.shape[1]",
        "sum over the batch, no mean": _CEE_HEAD + "    return -np.sum(np.log(p + 1e-7))",
        "missing minus": _CEE_HEAD + "    return np.sum(np.log(p + 1e-7)) / batch_size",
        "log10": _CEE_HEAD + "    return -np.sum(np.log10(p + 1e-7)) / batch_size",
        "mean over all elements": _CEE_ONEHOT + "    return -np.mean(t2 * np.log(y2 + 1e-7))",
        "no reshape for one sample (divides by the classes)": (
            "def cross_entropy_error(y, t):\n    t = np.asarray(t)\n    if t.size != y.size:\n"
            "        t = np.eye(y.shape[-1])[t]\n    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]"),
        "book's first version: one sample, one-hot only": (
            "def cross_entropy_error(y, t):\n    delta = 1e-7\n    return -np.sum(t * np.log(y + delta))"),
        "predicted class instead of the right one": (
            "def cross_entropy_error(y, t):\n    y = np.atleast_2d(y)\n    k = np.argmax(y, axis=1)\n"
            "    return -np.mean(np.log(y[np.arange(len(y)), k] + 1e-7))"),
    },
    "sample_batch": {
        "different indices for x and t": (
            "def sample_batch(x, t, batch_size):\n    n = x.shape[0]\n"
            "    return x[np.random.choice(n, batch_size)], t[np.random.choice(n, batch_size)]"),
        "always the first rows": "def sample_batch(x, t, batch_size):\n    return x[:batch_size], t[:batch_size]",
        "a random slice of neighbours": (
            "def sample_batch(x, t, batch_size):\n    start = np.random.randint(0, x.shape[0] - batch_size + 1)\n"
            "    return x[start:start + batch_size], t[start:start + batch_size]"),
        "never the last row": (
            "def sample_batch(x, t, batch_size):\n    mask = np.random.choice(x.shape[0] - 1, batch_size)\n"
            "    return x[mask], t[mask]"),
        "shuffles x and t in place": (
            "def sample_batch(x, t, batch_size):\n    p = np.random.permutation(x.shape[0])\n"
            "    x[...] = x[p]\n    t[...] = t[p]\n    return x[:batch_size].copy(), t[:batch_size].copy()"),
        "unseeded default_rng": (
            "def sample_batch(x, t, batch_size):\n    mask = np.random.default_rng().choice(x.shape[0], batch_size)\n"
            "    return x[mask], t[mask]"),
        "fixed seed inside": (
            "def sample_batch(x, t, batch_size):\n    mask = np.random.default_rng(0).choice(x.shape[0], batch_size)\n"
            "    return x[mask], t[mask]"),
        "Python's random module": (
            "import random\ndef sample_batch(x, t, batch_size):\n"
            "    mask = np.array(random.sample(range(x.shape[0]), batch_size))\n    return x[mask], t[mask]"),
        "returns (t, x)": (
            "def sample_batch(x, t, batch_size):\n    mask = np.random.choice(x.shape[0], batch_size)\n"
            "    return t[mask], x[mask]"),
    },
    "numerical_diff": {
        "forward difference": "def numerical_diff(f, x):\n    h = 1e-4\n    return (f(x + h) - f(x)) / h",
        "backward difference": "def numerical_diff(f, x):\n    h = 1e-4\n    return (f(x) - f(x - h)) / h",
        "h = 1e-50 (rounds to 0)": "def numerical_diff(f, x):\n    h = 1e-50\n    return (f(x + h) - f(x - h)) / (2 * h)",
        "divides by h": "def numerical_diff(f, x):\n    h = 1e-4\n    return (f(x + h) - f(x - h)) / h",
        "sign swapped": "def numerical_diff(f, x):\n    h = 1e-4\n    return (f(x - h) - f(x + h)) / (2 * h)",
        "h = 1e-2 (too coarse)": "def numerical_diff(f, x):\n    h = 1e-2\n    return (f(x + h) - f(x - h)) / (2 * h)",
        "h = 1e-5 (the spec says 1e-4)": "def numerical_diff(f, x):\n    h = 1e-5\n    return (f(x + h) - f(x - h)) / (2 * h)",
    },
    "numerical_gradient": {
        "forward difference": _ng(
            "        fx = f(x)\n        x[idx] = tmp + h\n        grad[idx] = (f(x) - fx) / h\n        x[idx] = tmp\n"),
        "does not restore x": _ng(
            "        x[idx] = tmp + h\n        a = f(x)\n        x[idx] = tmp - h\n        b = f(x)\n"
            "        grad[idx] = (a - b) / (2 * h)\n"),
        "adds and subtracts h (rounding drift)": _ng(
            "        x[idx] += h\n        a = f(x)\n        x[idx] -= 2 * h\n        b = f(x)\n"
            "        x[idx] += h\n        grad[idx] = (a - b) / (2 * h)\n"),
        "sign swapped": _ng(
            "        x[idx] = tmp + h\n        a = f(x)\n        x[idx] = tmp - h\n        b = f(x)\n"
            "        x[idx] = tmp\n        grad[idx] = (b - a) / (2 * h)\n"),
        "divides by h": _ng(
            "        x[idx] = tmp + h\n        a = f(x)\n        x[idx] = tmp - h\n        b = f(x)\n"
            "        x[idx] = tmp\n        grad[idx] = (a - b) / h\n"),
        "1-D loop on any shape (x[i] is a row)": (
            "def numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x)\n"
            "    for idx in range(x.size):\n        tmp_val = x[idx]\n        x[idx] = tmp_val + h\n"
            "        fxh1 = f(x)\n        x[idx] = tmp_val - h\n        fxh2 = f(x)\n"
            "        grad[idx] = (fxh1 - fxh2) / (2*h)\n        x[idx] = tmp_val\n    return grad"),
        "book's gradient_2d: one point per row": (
            "def _no_batch(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x)\n    for idx in range(x.size):\n"
            "        tmp_val = x[idx]\n        x[idx] = float(tmp_val) + h\n        fxh1 = f(x)\n"
            "        x[idx] = tmp_val - h\n        fxh2 = f(x)\n        grad[idx] = (fxh1 - fxh2) / (2*h)\n"
            "        x[idx] = tmp_val\n    return grad\n\n"
            "def numerical_gradient(f, X):\n    if X.ndim == 1:\n        return _no_batch(f, X)\n"
            "    grad = np.zeros_like(X)\n    for idx, x in enumerate(X):\n        grad[idx] = _no_batch(f, x)\n"
            "    return grad"),
        "flattens x before calling f": (
            "def numerical_gradient(f, x):\n    h = 1e-4\n    flat = x.ravel().astype(float)\n"
            "    grad = np.zeros_like(flat)\n    for i in range(flat.size):\n        plus, minus = flat.copy(), flat.copy()\n"
            "        plus[i] += h\n        minus[i] -= h\n        grad[i] = (f(plus) - f(minus)) / (2 * h)\n"
            "    return grad.reshape(x.shape)"),
    },
    "gradient_descent": {
        "uphill (+=)": _gd("    x = init_x\n    for i in range(step_num):\n"
                           "        x += lr * numerical_gradient(f, x)\n    return x"),
        "returns the history": _gd("    x = init_x.copy()\n    history = [x.copy()]\n    for i in range(step_num):\n"
                                   "        x -= lr * numerical_gradient(f, x)\n        history.append(x.copy())\n"
                                   "    return np.array(history)"),
        "returns (x, history) like ch04/gradient_method.py": _gd(
            "    x = init_x\n    x_history = []\n    for i in range(step_num):\n        x_history.append(x.copy())\n"
            "        grad = numerical_gradient(f, x)\n        x -= lr * grad\n    return x, np.array(x_history)"),
        "ignores lr": _gd("    x = init_x.copy()\n    for i in range(step_num):\n"
                          "        x -= 0.01 * numerical_gradient(f, x)\n    return x"),
        "ignores step_num": _gd("    x = init_x.copy()\n    for i in range(100):\n"
                                "        x -= lr * numerical_gradient(f, x)\n    return x"),
        "one step too many": _gd("    x = init_x.copy()\n    for i in range(step_num + 1):\n"
                                 "        x -= lr * numerical_gradient(f, x)\n    return x"),
        "default lr=0.1": _gd("    x = init_x.copy()\n    for i in range(step_num):\n"
                              "        x -= lr * numerical_gradient(f, x)\n    return x",
                              signature="f, init_x, lr=0.1, step_num=100"),
        "returns the start": _gd("    start = init_x.copy()\n    for i in range(step_num):\n"
                                 "        init_x -= lr * numerical_gradient(f, init_x)\n    return start"),
        "normalised steps": _gd("    x = init_x.copy()\n    for i in range(step_num):\n"
                                "        g = numerical_gradient(f, x)\n        x -= lr * g / (np.linalg.norm(g) + 1e-12)\n"
                                "    return x"),
    },
}

RIGHT = {
    "sum_squared_error": {
        "book": "def sum_squared_error(y, t):\n    return 0.5 * np.sum((y-t)**2)",
        "loop": ("def sum_squared_error(y, t):\n    total = 0.0\n"
                 "    for a, b in zip(np.ravel(y), np.ravel(t)):\n        total += (a - b) ** 2\n    return total / 2"),
        "dot product": "def sum_squared_error(y, t):\n    d = np.ravel(y - t)\n    return 0.5 * d.dot(d)",
        "seed 000: ½|y - t|²": "def sum_squared_error(y, t):\n    return 0.5 * np.linalg.norm(y - t) ** 2",
    },
    "mean_squared_error": {
        "np.mean": "def mean_squared_error(y, t):\n    return np.mean((y - t) ** 2)",
        "sum / size": "def mean_squared_error(y, t):\n    return np.sum((y - t) ** 2) / y.size",
        "Chainer style": ("def mean_squared_error(y, t):\n    diff = (y - t).ravel()\n"
                          "    return diff.dot(diff) / diff.size"),
        "np.average of squares": "def mean_squared_error(y, t):\n    return np.average(np.square(y - t))",
    },
    "cross_entropy_error": {
        "book, common/functions.py": BOOK_CEE,
        "one-hot form, class numbers converted": _CEE_ONEHOT + "    return -np.sum(t2 * np.log(y2 + 1e-7)) / y2.shape[0]",
        "loop over samples": (
            "def cross_entropy_error(y, t):\n    y = np.atleast_2d(y)\n    t = np.asarray(t)\n"
            "    labels = t.reshape(len(y), -1).argmax(axis=1) if t.size == y.size else t.reshape(-1)\n"
            "    total = 0.0\n    for row, k in zip(y, labels):\n        total += -np.log(row[k] + 1e-7)\n"
            "    return total / len(y)"),
        "np.clip guard (torch style)": _CEE_HEAD + "    return -np.mean(np.log(np.clip(p, 1e-7, 1.0)))",
    },
    "sample_batch": {
        "book: np.random.choice": (
            "def sample_batch(x, t, batch_size):\n    train_size = x.shape[0]\n"
            "    batch_mask = np.random.choice(train_size, batch_size)\n"
            "    x_batch = x[batch_mask]\n    t_batch = t[batch_mask]\n    return x_batch, t_batch"),
        "permutation": ("def sample_batch(x, t, batch_size):\n    idx = np.random.permutation(len(x))[:batch_size]\n"
                        "    return x[idx], t[idx]"),
        "without replacement": ("def sample_batch(x, t, batch_size):\n"
                                "    idx = np.random.choice(len(x), batch_size, replace=False)\n    return x[idx], t[idx]"),
        "randint, as a list": ("def sample_batch(x, t, batch_size):\n"
                               "    idx = np.random.randint(0, len(x), size=batch_size)\n    return [x[idx], t[idx]]"),
    },
    "numerical_diff": {
        "book": "def numerical_diff(f, x):\n    h = 1e-4 # 0.0001\n    return (f(x+h) - f(x-h)) / (2*h)",
        "divide twice": "def numerical_diff(f, x):\n    h = 1e-4\n    return (f(x + h) - f(x - h)) / 2 / h",
        "h as a keyword": "def numerical_diff(f, x, h=1e-4):\n    x = float(x)\n    return (f(x + h) - f(x - h)) / (2 * h)",
    },
    "numerical_gradient": {
        "book, common/gradient.py (nditer)": BOOK_NUMERICAL_GRADIENT,
        "copies per element": _ng(
            "        plus, minus = x.copy(), x.copy()\n        plus[idx] += h\n        minus[idx] -= h\n"
            "        grad[idx] = (f(plus) - f(minus)) / (2 * h)\n"),
        "x.flat": ("def numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x, dtype=float)\n"
                   "    for i in range(x.size):\n        tmp = x.flat[i]\n        x.flat[i] = tmp + h\n"
                   "        a = f(x)\n        x.flat[i] = tmp - h\n        b = f(x)\n        x.flat[i] = tmp\n"
                   "        grad.flat[i] = (a - b) / (2 * h)\n    return grad"),
        "try/finally restore": _ng(
            "        try:\n            x[idx] = tmp + h\n            a = f(x)\n            x[idx] = tmp - h\n"
            "            b = f(x)\n        finally:\n            x[idx] = tmp\n"
            "        grad[idx] = (a - b) / (2 * h)\n"),
    },
    "gradient_descent": {
        "book (updates init_x in place)": _gd(
            "    x = init_x\n\n    for i in range(step_num):\n        grad = numerical_gradient(f, x)\n"
            "        x -= lr * grad\n\n    return x"),
        "on a copy": _gd("    x = np.array(init_x, dtype=float)\n    for _ in range(step_num):\n"
                         "        x = x - lr * numerical_gradient(f, x)\n    return x"),
        "while loop": _gd("    x = init_x.copy()\n    i = 0\n    while i < step_num:\n"
                          "        x -= lr * numerical_gradient(f, x)\n        i += 1\n    return x"),
    },
}

# Issue 12: more right styles, written from the statements.
RIGHT["sum_squared_error"].update({
    "loop over the flat arrays": (
        "def sum_squared_error(y, t):\n    s = 0.0\n    for a, b in zip(np.ravel(y), np.ravel(t)):\n"
        "        s += (a - b) ** 2\n    return 0.5 * s"),
    "np.square, halved": "def sum_squared_error(y, t):\n    return np.sum(np.square(y - t)) / 2",
    "dot product of the flat difference": "def sum_squared_error(y, t):\n    d = (y - t).ravel()\n    return 0.5 * (d @ d)",
})
RIGHT["mean_squared_error"].update({
    "sum over size": "def mean_squared_error(y, t):\n    return np.sum((y - t) ** 2) / y.size",
    "np.square(np.subtract(...)).mean()": "def mean_squared_error(y, t):\n    return np.square(np.subtract(y, t)).mean()",
})
RIGHT["cross_entropy_error"].update({
    "CS231n style: pick the right column, mean": (
        "def cross_entropy_error(y, t):\n    y = np.atleast_2d(y)\n    t = np.asarray(t)\n    if t.size == y.size:\n"
        "        t = np.argmax(t.reshape(y.shape), axis=1)\n    t = np.atleast_1d(t).astype(int)\n    N = y.shape[0]\n"
        "    return -np.mean(np.log(y[np.arange(N), t] + 1e-7))"),
    "the notes: one-hot everywhere, t * log(y + delta)": (
        "def cross_entropy_error(y, t):\n    delta = 1e-7\n    y = np.asarray(y)\n    t = np.asarray(t)\n"
        "    if y.ndim == 1:\n        y = y.reshape(1, -1)\n        t = t.reshape(1, -1) if t.size == y.size else t.reshape(1)\n"
        "    if t.shape != y.shape:\n        t = np.eye(y.shape[1])[t.reshape(-1)]\n"
        "    return -np.sum(t * np.log(y + delta)) / y.shape[0]"),
})
RIGHT["sample_batch"].update({
    "permutation, first batch_size": (
        "def sample_batch(x, t, batch_size):\n    idx = np.random.permutation(len(x))[:batch_size]\n    return x[idx], t[idx]"),
    "randint": (
        "def sample_batch(x, t, batch_size):\n    idx = np.random.randint(0, x.shape[0], batch_size)\n    return x[idx], t[idx]"),
})
RIGHT["numerical_diff"].update({
    "float result, 2e-4 literal": "def numerical_diff(f, x):\n    return float((f(x + 1e-4) - f(x - 1e-4)) / 2e-4)",
})
RIGHT["numerical_gradient"].update({
    "a copy per evaluation": (
        "def numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.empty(x.shape)\n    for idx in np.ndindex(*x.shape):\n"
        "        xp = x.copy()\n        xp[idx] += h\n        xm = x.copy()\n        xm[idx] -= h\n"
        "        grad[idx] = (f(xp) - f(xm)) / (2 * h)\n    return grad"),
    "flat view of x": (
        "def numerical_gradient(f, x):\n    h = 1e-4\n    flat = x.reshape(-1)\n    grad = np.zeros(flat.size)\n"
        "    for i in range(flat.size):\n        old = flat[i]\n        flat[i] = old + h\n        fp = f(x)\n"
        "        flat[i] = old - h\n        fm = f(x)\n        flat[i] = old\n        grad[i] = (fp - fm) / (2 * h)\n"
        "    return grad.reshape(x.shape)"),
})
RIGHT["gradient_descent"].update({
    "the book, in place": (
        "def gradient_descent(f, init_x, lr=0.01, step_num=100):\n    x = init_x\n    for i in range(step_num):\n"
        "        grad = numerical_gradient(f, x)\n        x -= lr * grad\n    return x"),
    "a new array each step": (
        "def gradient_descent(f, init_x, lr=0.01, step_num=100):\n    x = np.array(init_x, dtype=float)\n"
        "    for _ in range(step_num):\n        x = x - lr * numerical_gradient(f, x)\n    return x"),
})
