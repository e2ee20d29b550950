"""Wrong and differently-right answers for 02_activations."""
ASSIGNMENT = "02_activations"

SEED_XOR2 = """
def xor_network(x1, x2):
    step = step_function
    x = np.array([x1, x2, 1])
    w1 = np.array([[1, 1, 0], [-1, -1, 1.1], [0, 0, 1]])
    w2 = np.array([1, 1, -1])
    a1 = np.array([step(a) for a in np.dot(w1, x.T)])
    a2 = step(np.dot(w2, a1.T))
    return a2
"""


def _xor(w1: str, w2: str, x: str = "[x1, x2, 1]", out: str = "int(step_function(w2 @ s))") -> str:
    return (f"def xor_network(x1, x2):\n    x = np.array({x})\n    W1 = np.array({w1})\n"
            f"    w2 = np.array({w2})\n    s = step_function(W1 @ x)\n    return {out}")


SEED_W1 = "[[1, 1, 0], [-1, -1, 1.1], [0, 0, 1]]"

WRONG = {
    "step_function": {
        ">= instead of >": "def step_function(x):\n    return np.array(x >= 0, dtype=int)",
        "returns booleans": "def step_function(x):\n    return np.asarray(x) > 0",
        "numbers only (if/else)": "def step_function(x):\n    if x > 0:\n        return 1\n    else:\n        return 0",
        "np.sign gives -1": "def step_function(x):\n    return np.sign(x)",
        "inverted": "def step_function(x):\n    return np.array(x <= 0, dtype=int)",
        "book's np.int (removed in NumPy 2)": "def step_function(x):\n    return np.array(x > 0, dtype=np.int)",
        "writes into x": ("def step_function(x):\n    x = np.asarray(x)\n    positive = x > 0\n"
                          "    x[...] = 0\n    x[positive] = 1\n    return x"),
        "returns a list": "def step_function(x):\n    return [1 if v > 0 else 0 for v in np.ravel(x)]",
    },
    "sigmoid": {
        "sign flipped": "def sigmoid(x):\n    return 1 / (1 + np.exp(x))",
        "exp(x)/(1+exp(x)): nan at +1000": "def sigmoid(x):\n    return np.exp(x) / (1 + np.exp(x))",
        "1 - sigmoid": "def sigmoid(x):\n    return np.exp(-x) / (1 + np.exp(-x))",
        "tanh": "def sigmoid(x):\n    return np.tanh(x)",
        "math.exp: numbers only": "import math\ndef sigmoid(x):\n    return 1 / (1 + math.exp(-x))",
        "integer division": "def sigmoid(x):\n    return 1 // (1 + np.exp(-x))",
        "negates x in place": ("def sigmoid(x):\n    if isinstance(x, np.ndarray):\n        np.negative(x, out=x)\n"
                               "    else:\n        x = -x\n    return 1 / (1 + np.exp(x))"),
    },
    "relu": {
        "seed 003: np.max(0, x)": "def relu(x):\n    return np.max(0, x)",
        "np.max(x, 0) reduces": "def relu(x):\n    return np.max(x, 0)",
        "writes zeros into x": "def relu(x):\n    x = np.asarray(x)\n    x[x < 0] = 0\n    return x",
        "abs": "def relu(x):\n    return np.abs(x)",
        "minimum": "def relu(x):\n    return np.minimum(0, x)",
        "its derivative": "def relu(x):\n    return (np.asarray(x) > 0).astype(float)",
        "leaky": "def relu(x):\n    return np.where(x > 0, x, 0.01 * x)",
    },
    "identity_function": {
        "relu": "def identity_function(x):\n    return np.maximum(0, x)",
        "flattens": "def identity_function(x):\n    return np.ravel(x)",
        "rounds to int": "def identity_function(x):\n    return np.asarray(x).astype(int)",
        "returns None": "def identity_function(x):\n    x",
        "sum": "def identity_function(x):\n    return np.sum(x)",
    },
    "softmax": {
        "no max subtraction": "def softmax(a):\n    e = np.exp(a)\n    return e / np.sum(e, axis=-1, keepdims=True)",
        "seed 003: exp(x) - max": ("def softmax(x):\n    max = np.max(x)\n"
                                   "    a = np.array([np.exp(xi) - max for xi in x])\n    b = np.sum(a)\n    return a / b"),
        "max of the whole batch": ("def softmax(a):\n    e = np.exp(a - np.max(a))\n"
                                   "    return e / np.sum(e, axis=-1, keepdims=True)"),
        "sum over the whole batch": ("def softmax(a):\n    e = np.exp(a - np.max(a, axis=-1, keepdims=True))\n"
                                     "    return e / np.sum(e)"),
        "axis=0": ("def softmax(a):\n    e = np.exp(a - np.max(a, axis=0, keepdims=True))\n"
                   "    return e / np.sum(e, axis=0, keepdims=True)"),
        "max without keepdims": ("def softmax(a):\n    e = np.exp(a - np.max(a, axis=-1))\n"
                                 "    return e / np.sum(e, axis=-1, keepdims=True)"),
        "subtracts the mean": ("def softmax(a):\n    e = np.exp(a - np.mean(a, axis=-1, keepdims=True))\n"
                               "    return e / np.sum(e, axis=-1, keepdims=True)"),
        "subtracts in place": ("def softmax(a):\n    a -= np.max(a, axis=-1, keepdims=True)\n"
                               "    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)"),
        "divides by the max": ("def softmax(a):\n    e = np.exp(a - np.max(a, axis=-1, keepdims=True))\n"
                               "    return e / np.max(e, axis=-1, keepdims=True)"),
    },
    "forward": {
        "relu in the hidden layers": (
            "def forward(network, x):\n    z1 = relu(np.dot(x, network['W1']) + network['b1'])\n"
            "    z2 = relu(np.dot(z1, network['W2']) + network['b2'])\n"
            "    return np.dot(z2, network['W3']) + network['b3']"),
        "sigmoid at the output": (
            "def forward(network, x):\n    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])\n"
            "    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])\n"
            "    return sigmoid(np.dot(z2, network['W3']) + network['b3'])"),
        "softmax at the output": (
            "def forward(network, x):\n    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])\n"
            "    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])\n"
            "    return softmax(np.dot(z2, network['W3']) + network['b3'])"),
        "no biases": (
            "def forward(network, x):\n    z1 = sigmoid(np.dot(x, network['W1']))\n"
            "    z2 = sigmoid(np.dot(z1, network['W2']))\n    return np.dot(z2, network['W3'])"),
        "bias after the activation": (
            "def forward(network, x):\n    z1 = sigmoid(np.dot(x, network['W1'])) + network['b1']\n"
            "    z2 = sigmoid(np.dot(z1, network['W2'])) + network['b2']\n"
            "    return np.dot(z2, network['W3']) + network['b3']"),
        "uses the global network": (
            "def forward(net, x):\n    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])\n"
            "    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])\n"
            "    return np.dot(z2, network['W3']) + network['b3']"),
        "column form W x: one sample only": (
            "def forward(network, x):\n    z1 = sigmoid(np.dot(network['W1'].T, x) + network['b1'])\n"
            "    z2 = sigmoid(np.dot(network['W2'].T, z1) + network['b2'])\n"
            "    return np.dot(network['W3'].T, z2) + network['b3']"),
        "adds the bias into the network": (
            "def forward(network, x):\n    z = x\n    for i in (1, 2, 3):\n"
            "        a = np.dot(z, network[f'W{i}'])\n        network[f'b{i}'] = network[f'b{i}'] + 0\n"
            "        a += network[f'b{i}']\n        network[f'W{i}'] *= 1.0000001\n"
            "        z = sigmoid(a) if i < 3 else a\n    return z"),
    },
    "xor_network": {
        "layer 2 is OR": _xor(SEED_W1, "[1, 1, 0]"),
        "XNOR": _xor(SEED_W1, "[1, 1, -1]", out="1 - int(step_function(w2 @ s))"),
        "returns the hidden layer": _xor(SEED_W1, "[1, 1, -1]", out="s"),
        "array of shape (1,)": _xor(SEED_W1, "[1, 1, -1]", out="step_function(np.array([w2 @ s]))"),
        "no bias input": _xor("[[1, 1], [-1, -1], [0, 0]]", "[1, 1, -1]", x="[x1, x2]"),
        "NAND row without its bias": _xor("[[1, 1, 0], [-1, -1, 0], [0, 0, 1]]", "[1, 1, -1]"),
    },
}

RIGHT = {
    "step_function": {
        "book, common/functions.py (dtype=int)": "def step_function(x):\n    return np.array(x > 0, dtype=int)",
        "book, chapter 3 text (astype)": "def step_function(x):\n    y = x > 0\n    return y.astype(int)",
        "np.where, floats": "def step_function(x):\n    return np.where(np.asarray(x) > 0, 1.0, 0.0)",
        "heaviside": "def step_function(x):\n    return np.heaviside(x, 0).astype(np.int64)",
    },
    "sigmoid": {
        "book": "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))",
        "two branches with np.where (warns)": (
            "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))"),
        "tanh identity": "def sigmoid(x):\n    return 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=float)))",
        "clipped, no warning": "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))",
    },
    "relu": {
        "book": "def relu(x):\n    return np.maximum(0, x)",
        "mask multiply": "def relu(x):\n    return x * (x > 0)",
        "np.where": "def relu(x):\n    return np.where(x > 0, x, 0)",
        "seed 003's ReluLayer.forward (copy, then mask)": (
            "def relu(x):\n    out = np.array(x, copy=True)\n    mask = (out <= 0)\n    out[mask] = 0\n    return out"),
    },
    "identity_function": {
        "book": "def identity_function(x):\n    return x",
        "copy": "def identity_function(x):\n    return np.array(x, copy=True)",
        "times one": "def identity_function(x):\n    return x * 1",
    },
    "softmax": {
        "book, common/functions.py": (
            "def softmax(x):\n    x = x - np.max(x, axis=-1, keepdims=True)\n"
            "    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)"),
        "book, older (transpose for 2-D)": (
            "def softmax(x):\n    if x.ndim == 2:\n        x = x.T\n        x = x - np.max(x, axis=0)\n"
            "        y = np.exp(x) / np.sum(np.exp(x), axis=0)\n        return y.T\n"
            "    x = x - np.max(x)\n    return np.exp(x) / np.sum(np.exp(x))"),
        "loop over rows": (
            "def softmax(a):\n    a = np.asarray(a, dtype=float)\n    if a.ndim == 1:\n"
            "        c = np.max(a)\n        exp_a = np.exp(a - c)\n        return exp_a / np.sum(exp_a)\n"
            "    return np.array([softmax(row) for row in a])"),
        "log-sum-exp": (
            "def softmax(a):\n    m = np.max(a, axis=-1, keepdims=True)\n"
            "    lse = m + np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True))\n    return np.exp(a - lse)"),
    },
    "forward": {
        "book": (
            "def forward(network, x):\n    W1, W2, W3 = network['W1'], network['W2'], network['W3']\n"
            "    b1, b2, b3 = network['b1'], network['b2'], network['b3']\n"
            "    a1 = np.dot(x, W1) + b1\n    z1 = sigmoid(a1)\n    a2 = np.dot(z1, W2) + b2\n"
            "    z2 = sigmoid(a2)\n    a3 = np.dot(z2, W3) + b3\n    y = identity_function(a3)\n    return y"),
        "loop over layers, @": (
            "def forward(network, x):\n    z = x\n    for i in (1, 2, 3):\n"
            "        a = z @ network[f'W{i}'] + network[f'b{i}']\n"
            "        z = sigmoid(a) if i < 3 else identity_function(a)\n    return z"),
        "seed 004's column form, transposed for batches": (
            "def forward(network, x):\n    W1, W2, W3 = network['W1'].T, network['W2'].T, network['W3'].T\n"
            "    z1 = sigmoid((W1 @ x.T).T + network['b1'])\n    z2 = sigmoid((W2 @ z1.T).T + network['b2'])\n"
            "    return (W3 @ z2.T).T + network['b3']"),
    },
    "xor_network": {
        "seed 003's XOR2 with step_function": SEED_XOR2,
        "book's weights with explicit biases": (
            "def xor_network(x1, x2):\n    x = np.array([x1, x2])\n"
            "    W1 = np.array([[-0.5, 0.5], [-0.5, 0.5]])   # columns: NAND, OR\n"
            "    b1 = np.array([0.7, -0.2])\n    s = step_function(x @ W1 + b1)\n"
            "    return step_function(s @ np.array([0.5, 0.5]) - 0.7)"),
        "reference shape, float output": _xor(SEED_W1, "[1, 1, -1]", out="float(step_function(w2 @ s))"),
    },
}

# Issue 12: more right styles, written from the statements (arrays of any shape, 0-d included).
RIGHT["step_function"].update({
    "mask on zeros": "def step_function(x):\n    y = np.zeros_like(x, dtype=int)\n    y[x > 0] = 1\n    return y",
    "bool times one": "def step_function(x):\n    return (x > 0) * 1",
    "np.greater, float 0/1": "def step_function(x):\n    return np.greater(x, 0).astype(np.float64)",
    "np.vectorize of an if": "def step_function(x):\n    return np.vectorize(lambda v: 1 if v > 0 else 0)(x)",
})
RIGHT["sigmoid"].update({
    "stable, exp of -|x|": (
        "def sigmoid(x):\n    e = np.exp(-np.abs(x))\n    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))"),
    "np.reciprocal": "def sigmoid(x):\n    return np.reciprocal(1.0 + np.exp(-x))",
})
RIGHT["relu"].update({
    "the notes' Relu layer: x.copy(), then the mask": (
        "def relu(x):\n    mask = (x <= 0)\n    out = x.copy()\n    out[mask] = 0\n    return out"),
    "np.clip": "def relu(x):\n    return np.clip(x, 0, None)",
    "(x + |x|) / 2": "def relu(x):\n    return (x + np.abs(x)) / 2",
})
RIGHT["identity_function"].update({
    "np.asarray": "def identity_function(x):\n    return np.asarray(x)",
    "np.copy": "def identity_function(x):\n    return np.copy(x)",
})
RIGHT["softmax"].update({
    "CS231n style, 1-D and 2-D branches": (
        "def softmax(a):\n    a = np.asarray(a, dtype=float)\n    if a.ndim == 1:\n        a = a - a.max()\n"
        "        e = np.exp(a)\n        return e / e.sum()\n    shifted = a - a.max(axis=1, keepdims=True)\n"
        "    e = np.exp(shifted)\n    return e / e.sum(axis=1, keepdims=True)"),
    "the notes' trick, fixed, per element": (
        "def softmax(x):\n    if np.ndim(x) == 2:\n        return np.array([softmax(row) for row in x])\n"
        "    c = np.max(x)\n    a = np.array([np.exp(xi - c) for xi in x])\n    return a / np.sum(a)"),
    "atleast_2d, then reshape back": (
        "def softmax(a):\n    b = np.atleast_2d(a).astype(float)\n    b = np.exp(b - b.max(axis=1)[:, None])\n"
        "    b /= b.sum(axis=1)[:, None]\n    return b.reshape(np.shape(a))"),
})
RIGHT["forward"].update({
    "loop with np.matmul, string keys": (
        "def forward(network, x):\n    a = x\n    for k in range(1, 4):\n"
        "        a = np.matmul(a, network['W%d' % k]) + network['b%d' % k]\n        if k < 3:\n            a = sigmoid(a)\n"
        "    return a"),
    "einsum": (
        "def forward(network, x):\n    z1 = sigmoid(np.einsum('...i,ij->...j', x, network['W1']) + network['b1'])\n"
        "    z2 = sigmoid(np.einsum('...i,ij->...j', z1, network['W2']) + network['b2'])\n"
        "    return identity_function(np.einsum('...i,ij->...j', z2, network['W3']) + network['b3'])"),
})
RIGHT["xor_network"].update({
    "NumPy value out, no int()": (
        "def xor_network(x1, x2):\n    x = np.array([x1, x2, 1])\n    W1 = np.array([[1, 1, 0], [-1, -1, 1.1], [0, 0, 1]])\n"
        "    return step_function(np.array([1, 1, -1]) @ step_function(W1 @ x))"),
    "rows as samples (x W)": (
        "def xor_network(x1, x2):\n    W1 = np.array([[1, 1, 0], [-1, -1, 1.1], [0, 0, 1]]).T\n"
        "    s = step_function(np.array([x1, x2, 1.0]) @ W1)\n    return int(step_function(s @ np.array([1, 1, -1])))"),
})
