"""Wrong and differently-right answers for 04_backprop."""
ASSIGNMENT = "04_backprop"

# ---------------------------------------------------------------------------------------------
# the worked example of seed 004
_RIGHT_W0 = "dL_dW0 = np.array([[6.0, 12.0, 18.0], [4.0, 8.0, 12.0]])\n"
_RIGHT_W1 = "dL_dW1 = np.array([22.0, -22.0])\n"
_RIGHT_X = "dL_dx = np.array([10.0, -6.0, 8.0])\n"

WRONG = {
    "worked_example": {
        "forgot the 2 of the square": ("dL_dW0 = np.array([[3.0, 6.0, 9.0], [2.0, 4.0, 6.0]])\n"
                                       "dL_dW1 = np.array([11.0, -11.0])\ndL_dx = np.array([5.0, -3.0, 4.0])"),
        "dL_dW0 transposed": "dL_dW0 = np.array([[6.0, 4.0], [12.0, 8.0], [18.0, 12.0]])\n" + _RIGHT_W1 + _RIGHT_X,
        "dL_dW0 rows swapped": "dL_dW0 = np.array([[4.0, 8.0, 12.0], [6.0, 12.0, 18.0]])\n" + _RIGHT_W1 + _RIGHT_X,
        "dL_dx from z1 only": _RIGHT_W0 + _RIGHT_W1 + "dL_dx = np.array([18.0, 6.0, 12.0])",
        "dL_dx from W0 rows, not columns": _RIGHT_W0 + _RIGHT_W1 + "dL_dx = np.array([12.0, -15.0])",
        "sign flipped (y - y_hat)": ("dL_dW0 = -np.array([[6.0, 12.0, 18.0], [4.0, 8.0, 12.0]])\n"
                                     "dL_dW1 = -np.array([22.0, -22.0])\ndL_dx = -np.array([10.0, -6.0, 8.0])"),
        "dL_dW1 uses x instead of z": _RIGHT_W0 + "dL_dW1 = np.array([2.0, 4.0])\n" + _RIGHT_X,
        "dL_dW1 as a (1, 2) row": _RIGHT_W0 + "dL_dW1 = np.array([[22.0, -22.0]])\n" + _RIGHT_X,
        "not written": "raise NotImplementedError()",
    },
}
RIGHT = {
    "worked_example": {
        "float arrays": _RIGHT_W0 + _RIGHT_W1 + _RIGHT_X,
        "integer lists": ("dL_dW0 = [[6, 12, 18], [4, 8, 12]]\ndL_dW1 = [22, -22]\ndL_dx = [10, -6, 8]"),
        "chain rule in code": (
            "z_ = W0 @ x\ndy_hat = 2 * (W1 @ z_ - y_true)\ndL_dW1 = dy_hat * z_\ndL_dz = dy_hat * W1\n"
            "dL_dW0 = np.outer(dL_dz, x)\ndL_dx = W0.T @ dL_dz"),
    },
}

# ---------------------------------------------------------------------------------------------
_MUL_BOOK = """
class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        out = x * y
        return out

    def backward(self, dout):
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy
"""


def _mul(forward, backward, init="        self.x = None\n        self.y = None"):
    return (f"class MulLayer:\n    def __init__(self):\n{init}\n\n"
            f"    def forward(self, x, y):\n{forward}\n\n    def backward(self, dout):\n{backward}\n")


_FWD = "        self.x = x\n        self.y = y\n        return x * y"
WRONG["mul_layer"] = {
    "inputs not swapped": _mul(_FWD, "        return dout * self.x, dout * self.y"),
    "ignores dout": _mul(_FWD, "        return self.y, self.x"),
    "dout squared": _mul(_FWD, "        return dout * dout * self.y, dout * dout * self.x"),
    "one value, not a pair": _mul(_FWD, "        return dout * (self.x + self.y)"),
    "forward adds": _mul("        self.x = x\n        self.y = y\n        return x + y",
                         "        return dout * self.y, dout * self.x"),
    "class attributes": _mul("        MulLayer.x = x\n        MulLayer.y = y\n        return x * y",
                             "        return dout * MulLayer.y, dout * MulLayer.x"),
    "first forward only": _mul("        if self.x is None:\n            self.x, self.y = x, y\n        return x * y",
                               "        return dout * self.y, dout * self.x"),
    "writes into x": _mul("        self.y = y\n        x *= y\n        self.x = x / y\n        return x",
                          "        return dout * self.y, dout * self.x"),
}
RIGHT["mul_layer"] = {
    "book": _MUL_BOOK,
    "np.multiply, inputs as a tuple": _mul(
        "        self.inputs = (x, y)\n        return np.multiply(x, y)",
        "        x, y = self.inputs\n        return np.multiply(dout, y), np.multiply(dout, x)",
        init="        self.inputs = None"),
    "returns a list": _mul(_FWD, "        return [dout * self.y, dout * self.x]"),
}


def _add(forward, backward):
    return (f"class AddLayer:\n    def __init__(self):\n        pass\n\n"
            f"    def forward(self, x, y):\n{forward}\n\n    def backward(self, dout):\n{backward}\n")


_ADD = "        return x + y"
WRONG["add_layer"] = {
    "minus for dy": _add(_ADD, "        return dout, -dout"),
    "ignores dout": _add(_ADD, "        return 1, 1"),
    "halves dout": _add(_ADD, "        return dout / 2, dout / 2"),
    "one value, not a pair": _add(_ADD, "        return dout"),
    "dy is zero": _add(_ADD, "        return dout, 0 * dout"),
    "forward multiplies": _add("        return x * y", "        return dout, dout"),
    "forward writes into x": _add("        x += y\n        return x", "        return dout, dout"),
}
RIGHT["add_layer"] = {
    "book": _add("        out = x + y\n        return out", "        dx = dout * 1\n        dy = dout * 1\n        return dx, dy"),
    "dout twice": _add(_ADD, "        return dout, dout"),
    "np.add and copies": _add("        return np.add(x, y)", "        return np.copy(dout), np.copy(dout)"),
}

# ---------------------------------------------------------------------------------------------


def _relu(forward, backward, init="        self.mask = None"):
    return (f"class Relu:\n    def __init__(self):\n{init}\n\n"
            f"    def forward(self, x):\n{forward}\n\n    def backward(self, dout):\n{backward}\n")


_RELU_FWD = "        self.mask = (x <= 0)\n        out = x.copy()\n        out[self.mask] = 0\n        return out"
_RELU_BWD = "        dx = dout.copy()\n        dx[self.mask] = 0\n        return dx"
WRONG["relu"] = {
    "inverted mask (x > 0 masked)": _relu(
        "        self.mask = (x > 0)\n        out = x.copy()\n        out[self.mask] = 0\n        return out", _RELU_BWD),
    "inverted mask in backward only": _relu(_RELU_FWD, "        dx = dout.copy()\n        dx[~self.mask] = 0\n        return dx"),
    "mask from dout": _relu(_RELU_FWD, "        dx = dout.copy()\n        dx[dout <= 0] = 0\n        return dx"),
    "backward passes dout unchanged": _relu(_RELU_FWD, "        return dout"),
    "backward ignores dout": _relu(_RELU_FWD, "        return (~self.mask).astype(float)"),
    "forward writes into x": _relu("        self.mask = (x <= 0)\n        x[self.mask] = 0\n        return x", _RELU_BWD),
    "class-level mask": _relu("        Relu.mask = (x <= 0)\n        return np.maximum(x, 0)",
                              "        dx = dout.copy()\n        dx[Relu.mask] = 0\n        return dx"),
    "leaky": _relu("        self.mask = (x <= 0)\n        return np.where(self.mask, 0.01 * x, x)", _RELU_BWD),
}
RIGHT["relu"] = {
    "book (writes into dout)": _relu(_RELU_FWD, "        dout[self.mask] = 0\n        dx = dout\n        return dx"),
    "seed 003 (copy in backward)": _relu(_RELU_FWD, _RELU_BWD),
    "np.maximum and a positive mask": _relu(
        "        self.positive = x > 0\n        return np.maximum(x, 0)", "        return dout * self.positive",
        init="        self.positive = None"),
    "np.where": _relu("        self.mask = x > 0\n        return np.where(self.mask, x, 0)",
                      "        return np.where(self.mask, dout, 0)"),
}


def _sig(forward, backward, init="        self.out = None"):
    return (f"class Sigmoid:\n    def __init__(self):\n{init}\n\n"
            f"    def forward(self, x):\n{forward}\n\n    def backward(self, dout):\n{backward}\n")


_SIG_FWD = "        out = 1 / (1 + np.exp(-x))\n        self.out = out\n        return out"
WRONG["sigmoid"] = {
    "backward uses x instead of the output": _sig(
        "        self.x = x\n        return 1 / (1 + np.exp(-x))", "        return dout * self.x * (1 - self.x)"),
    "backward ignores dout": _sig(_SIG_FWD, "        return self.out * (1 - self.out)"),
    "missing factor y": _sig(_SIG_FWD, "        return dout * (1 - self.out)"),
    "sign flipped": _sig(_SIG_FWD, "        return dout * self.out * (self.out - 1)"),
    "exp(x) instead of exp(-x)": _sig("        self.out = 1 / (1 + np.exp(x))\n        return self.out",
                                      "        return dout * self.out * (1 - self.out)"),
    "class attribute": _sig("        Sigmoid.out = 1 / (1 + np.exp(-x))\n        return Sigmoid.out",
                            "        return dout * Sigmoid.out * (1 - Sigmoid.out)"),
    "forward writes into x": _sig("        x[...] = 1 / (1 + np.exp(-x))\n        self.out = x\n        return x",
                                  "        return dout * self.out * (1 - self.out)"),
    "tanh instead of sigmoid": _sig("        self.out = np.tanh(x)\n        return self.out",
                                    "        return dout * (1 - self.out ** 2)"),
}
RIGHT["sigmoid"] = {
    "book (warns on overflow)": _sig(_SIG_FWD, "        dx = dout * (1.0 - self.out) * self.out\n        return dx"),
    "stable, from course.functions": "from course.functions import sigmoid as _sigmoid\n" + _sig(
        "        self.out = _sigmoid(x)\n        return self.out", "        return dout * self.out * (1 - self.out)"),
    "tanh form": _sig("        self.out = 0.5 * (1 + np.tanh(0.5 * x))\n        return self.out",
                      "        return dout * self.out * (1 - self.out)"),
    "recomputes from x in backward": _sig(
        "        self.x = x\n        return 1 / (1 + np.exp(-x))",
        "        s = 1 / (1 + np.exp(-self.x))\n        return dout * s * (1 - s)", init="        self.x = None"),
}

# ---------------------------------------------------------------------------------------------
_AFF_INIT = ("        self.W = W\n        self.b = b\n        self.x = None\n        self.original_x_shape = None\n"
             "        self.dW = None\n        self.db = None")
_AFF_FWD = ("        self.original_x_shape = x.shape\n        x = x.reshape(x.shape[0], -1)\n        self.x = x\n"
            "        return np.dot(self.x, self.W) + self.b")
_AFF_BWD = ("        dx = np.dot(dout, self.W.T)\n        self.dW = np.dot(self.x.T, dout)\n"
            "        self.db = np.sum(dout, axis=0)\n        return dx.reshape(*self.original_x_shape)")


def _aff(forward=_AFF_FWD, backward=_AFF_BWD, init=_AFF_INIT):
    return (f"class Affine:\n    def __init__(self, W, b):\n{init}\n\n"
            f"    def forward(self, x):\n{forward}\n\n    def backward(self, dout):\n{backward}\n")


WRONG["affine"] = {
    "dW = x @ dout (wrong transpose)": _aff(backward=_AFF_BWD.replace("np.dot(self.x.T, dout)", "np.dot(self.x, dout)")),
    "dW = dout.T @ x": _aff(backward=_AFF_BWD.replace("np.dot(self.x.T, dout)", "np.dot(dout.T, self.x)")),
    "db not summed": _aff(backward=_AFF_BWD.replace("np.sum(dout, axis=0)", "dout")),
    "db summed over axis 1": _aff(backward=_AFF_BWD.replace("np.sum(dout, axis=0)", "np.sum(dout, axis=1)")),
    "db summed with keepdims": _aff(backward=_AFF_BWD.replace("np.sum(dout, axis=0)", "np.sum(dout, axis=0, keepdims=True)")),
    "db is the mean": _aff(backward=_AFF_BWD.replace("np.sum(dout, axis=0)", "np.mean(dout, axis=0)")),
    "dx = dout @ W (no transpose)": _aff(backward=_AFF_BWD.replace("np.dot(dout, self.W.T)", "np.dot(dout, self.W)")),
    "dx not reshaped back": _aff(backward=_AFF_BWD.replace("dx.reshape(*self.original_x_shape)", "dx")),
    "no bias in forward": _aff(forward=_AFF_FWD.replace(" + self.b", "")),
    "keeps copies of W and b": _aff(init=_AFF_INIT.replace("self.W = W", "self.W = W.copy()").replace(
        "self.b = b", "self.b = b.copy()")),
    "sets x.shape (changes the caller's array)": _aff(forward=(
        "        self.original_x_shape = x.shape\n        x.shape = (x.shape[0], -1)\n        self.x = x\n"
        "        return np.dot(self.x, self.W) + self.b")),
    "dW from the unflattened x": _aff(forward=(
        "        self.original_x_shape = x.shape\n        self.x = x\n"
        "        return np.dot(x.reshape(x.shape[0], -1), self.W) + self.b")),
    "class attribute for x": _aff(forward=_AFF_FWD.replace("self.x = x", "Affine.x = x").replace("self.x, self.W", "x, self.W"),
                                  backward=_AFF_BWD.replace("self.x.T", "Affine.x.T")),
}
RIGHT["affine"] = {
    "book": _aff(),
    "@ operator, shape on self": _aff(
        forward=("        self.original_x_shape = x.shape\n        self.x = x.reshape(len(x), -1)\n"
                 "        return self.x @ self.W + self.b"),
        backward=("        self.dW = self.x.T @ dout\n        self.db = dout.sum(axis=0)\n"
                  "        return (dout @ self.W.T).reshape(self.original_x_shape)")),
    "einsum": _aff(
        forward=("        self.original_x_shape = x.shape\n        self.x = np.reshape(x, (x.shape[0], -1))\n"
                 "        return np.einsum('nd,dm->nm', self.x, self.W) + self.b"),
        backward=("        self.dW = np.einsum('nd,nm->dm', self.x, dout)\n        self.db = np.einsum('nm->m', dout)\n"
                  "        return np.einsum('nm,dm->nd', dout, self.W).reshape(self.original_x_shape)")),
}

# ---------------------------------------------------------------------------------------------
_SWL_INIT = "        self.loss = None\n        self.y = None\n        self.t = None"
_SWL_FWD = ("        self.t = t\n        self.y = softmax(x)\n        self.loss = cross_entropy_error(self.y, self.t)\n"
            "        return self.loss")
_SWL_BWD = ("        batch_size = self.t.shape[0]\n"
            "        if self.t.size == self.y.size:\n"
            "            dx = (self.y - self.t) / batch_size\n"
            "        else:\n"
            "            dx = self.y.copy()\n"
            "            dx[np.arange(batch_size), self.t] -= 1\n"
            "            dx = dx / batch_size\n"
            "        return dx")


def _swl(forward=_SWL_FWD, backward=_SWL_BWD, init=_SWL_INIT):
    return (f"class SoftmaxWithLoss:\n    def __init__(self):\n{init}\n\n"
            f"    def forward(self, x, t):\n{forward}\n\n    def backward(self, dout=1):\n{backward}\n")


WRONG["softmax_with_loss"] = {
    "not divided by the batch size": _swl(backward=_SWL_BWD.replace(" / batch_size", "")),
    "divided by the number of classes": _swl(backward=_SWL_BWD.replace("batch_size = self.t.shape[0]",
                                                                       "batch_size = self.y.shape[1]")),
    "labels treated as one-hot": _swl(backward="        return (self.y - self.t) / self.t.shape[0]"),
    "one-hot treated as labels": _swl(backward=(
        "        n = self.y.shape[0]\n        dx = self.y.copy()\n        dx[np.arange(n), self.t] -= 1\n"
        "        return dx / n")),
    "sign flipped": _swl(backward=_SWL_BWD.replace("(self.y - self.t)", "(self.t - self.y)").replace(
        "dx = self.y.copy()", "dx = -self.y.copy()").replace("] -= 1", "] += 1")),
    "summed loss, not the mean": _swl(forward=(
        "        self.t = t\n        self.y = softmax(x)\n"
        "        self.loss = cross_entropy_error(self.y, self.t) * len(x)\n        return self.loss")),
    "naive softmax (overflows)": _swl(forward=(
        "        self.t = t\n        e = np.exp(x)\n        self.y = e / e.sum(axis=1, keepdims=True)\n"
        "        self.loss = cross_entropy_error(self.y, self.t)\n        return self.loss")),
    "no softmax": _swl(forward=(
        "        self.t = t\n        self.y = x\n        self.loss = cross_entropy_error(self.y, self.t)\n"
        "        return self.loss")),
    "writes into x": _swl(forward=(
        "        self.t = t\n        x -= x.max(axis=1, keepdims=True)\n        self.y = softmax(x)\n"
        "        self.loss = cross_entropy_error(self.y, self.t)\n        return self.loss")),
    "backward from the scores, not softmax": _swl(forward=(
        "        self.t = t\n        self.x = x\n        self.y = softmax(x)\n"
        "        self.loss = cross_entropy_error(self.y, self.t)\n        return self.loss"),
        backward=_SWL_BWD.replace("self.y - self.t", "self.x - self.t").replace("dx = self.y.copy()", "dx = self.x.copy()")),
}
RIGHT["softmax_with_loss"] = {
    "book": _swl(),
    "own log-softmax, no 1e-7, one-hot via np.eye": _swl(
        forward=("        x = x - x.max(axis=1, keepdims=True)\n"
                 "        logp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))\n"
                 "        t = np.asarray(t)\n"
                 "        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]\n"
                 "        self.y = np.exp(logp)\n"
                 "        self.loss = -np.sum(self.t * logp) / x.shape[0]\n        return self.loss"),
        backward="        return dout * (self.y - self.t) / self.t.shape[0]"),
    "labels kept, dout used": _swl(
        forward=("        self.y = softmax(x)\n        self.t = t.argmax(axis=1) if t.ndim == 2 else t\n"
                 "        n = len(x)\n        self.loss = -np.mean(np.log(self.y[np.arange(n), self.t] + 1e-7))\n"
                 "        return self.loss"),
        backward=("        n = len(self.t)\n        dx = self.y.copy()\n        dx[np.arange(n), self.t] -= 1\n"
                  "        return dout * dx / n")),
}

# ---------------------------------------------------------------------------------------------
_NET_BOOK = """
class TwoLayerNet:

    def __init__(self, input_size, hidden_size, output_size, weight_init_std = 0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])

        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)

        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1 : t = np.argmax(t, axis=1)

        accuracy = np.sum(y == t) / float(x.shape[0])
        return accuracy

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)

        grads = {}
        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])
        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])
        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])
        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])

        return grads

    def gradient(self, x, t):
        # forward
        self.loss(x, t)

        # backward
        dout = 1
        dout = self.lastLayer.backward(dout)

        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)

        grads = {}
        grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db

        return grads
"""


def _net(*replacements):
    code = _NET_BOOK
    for old, new in replacements:
        assert old in code, old
        code = code.replace(old, new)
    return code


WRONG["two_layer_net"] = {
    "no Relu layer": _net(("        self.layers['Relu1'] = Relu()\n", "")),
    "gradient without a forward pass": _net(("        # forward\n        self.loss(x, t)\n", "")),
    "layers hold copies of params": _net(
        ("Affine(self.params['W1'], self.params['b1'])", "Affine(self.params['W1'].copy(), self.params['b1'].copy())"),
        ("Affine(self.params['W2'], self.params['b2'])", "Affine(self.params['W2'].copy(), self.params['b2'].copy())")),
    "predict returns softmax": _net(("            x = layer.forward(x)\n\n        return x",
                                     "            x = layer.forward(x)\n\n        return softmax(x)")),
    "accuracy ignores one-hot": _net(("        if t.ndim != 1 : t = np.argmax(t, axis=1)\n", "")),
    "accuracy is a count": _net(("np.sum(y == t) / float(x.shape[0])", "np.sum(y == t)")),
    "weight_init_std ignored": _net(("weight_init_std * np.random.randn(input_size", "np.random.randn(input_size"),
                                    ("weight_init_std * np.random.randn(hidden_size", "np.random.randn(hidden_size")),
    "random biases": _net(("np.zeros(hidden_size)", "weight_init_std * np.random.randn(hidden_size)")),
    "gradients of W1 and W2 swapped": _net(
        ("grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db",
         "grads['W1'], grads['b1'] = self.layers['Affine2'].dW, self.layers['Affine1'].db"),
        ("grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db",
         "grads['W2'], grads['b2'] = self.layers['Affine1'].dW, self.layers['Affine2'].db")),
    "numerical gradient leaves params nudged": _net((
        "        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])",
        "        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])\n"
        "        self.params['W1'][...] += 1e-4")),
    "numerical gradient by forward differences, h=1e-2": _net((
        "        loss_W = lambda W: self.loss(x, t)\n\n        grads = {}\n"
        "        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])\n"
        "        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])\n"
        "        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])\n"
        "        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])\n",
        "        grads = {}\n        h = 1e-2\n        f0 = self.loss(x, t)\n"
        "        for key in ('W1', 'b1', 'W2', 'b2'):\n"
        "            p = self.params[key]\n            g = np.zeros_like(p)\n"
        "            for idx in np.ndindex(p.shape):\n"
        "                old = p[idx]\n                p[idx] = old + h\n"
        "                g[idx] = (self.loss(x, t) - f0) / h\n                p[idx] = old\n"
        "            grads[key] = g\n")),
    "numerical gradient of predict, not loss": _net(("loss_W = lambda W: self.loss(x, t)",
                                                     "loss_W = lambda W: np.sum(self.predict(x))")),
}
RIGHT["two_layer_net"] = {
    "book (ch05/two_layer_net.py)": _NET_BOOK,
    "list of layers, loops over keys": """
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            'W1': weight_init_std * np.random.randn(input_size, hidden_size), 'b1': np.zeros(hidden_size),
            'W2': weight_init_std * np.random.randn(hidden_size, output_size), 'b2': np.zeros(output_size)}
        self.affine1 = Affine(self.params['W1'], self.params['b1'])
        self.affine2 = Affine(self.params['W2'], self.params['b2'])
        self.layers = [self.affine1, Relu(), self.affine2]
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        labels = t if t.ndim == 1 else t.argmax(axis=1)
        return float(np.mean(self.predict(x).argmax(axis=1) == labels))

    def numerical_gradient(self, x, t):
        f = lambda _: self.loss(x, t)
        return {key: numerical_gradient(f, value) for key, value in self.params.items()}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward()
        for layer in self.layers[::-1]:
            dout = layer.backward(dout)
        return {'W1': self.affine1.dW, 'b1': self.affine1.db, 'W2': self.affine2.dW, 'b2': self.affine2.db}
""",
    "backprop written out, no layer objects for the gradient": """
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        rng = np.random
        self.params = {'W1': rng.randn(input_size, hidden_size) * weight_init_std, 'b1': np.zeros(hidden_size),
                       'W2': rng.randn(hidden_size, output_size) * weight_init_std, 'b2': np.zeros(output_size)}

    def _forward(self, x):
        p = self.params
        a1 = x @ p['W1'] + p['b1']
        h = np.maximum(a1, 0)
        return a1, h, h @ p['W2'] + p['b2']

    def _labels(self, t):
        return t if t.ndim == 1 else t.argmax(axis=1)

    def predict(self, x):
        return self._forward(x)[2]

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def accuracy(self, x, t):
        return np.mean(self.predict(x).argmax(axis=1) == self._labels(t))

    def numerical_gradient(self, x, t):
        grads = {}
        for key in self.params:
            grads[key] = numerical_gradient(lambda _: self.loss(x, t), self.params[key])
        return grads

    def gradient(self, x, t):
        a1, h, s = self._forward(x)
        n = x.shape[0]
        ds = softmax(s)
        ds[np.arange(n), self._labels(t)] -= 1
        ds /= n
        da = (ds @ self.params['W2'].T) * (a1 > 0)
        return {'W1': x.T @ da, 'b1': da.sum(axis=0), 'W2': h.T @ ds, 'b2': ds.sum(axis=0)}
""",
}

# ---------------------------------------------------------------------------------------------


def _gc(body):
    return "def gradient_check(network, x, t):\n" + body


WRONG["gradient_check"] = {
    "sum, not mean": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                         "    return {k: np.sum(np.abs(gb[k] - gn[k])) for k in gn}"),
    "no abs (signed mean)": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                                "    return {k: np.mean(gb[k] - gn[k]) for k in gn}"),
    "max, not mean": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                         "    return {k: np.max(np.abs(gb[k] - gn[k])) for k in gn}"),
    "mean squared difference": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                                   "    return {k: np.mean((gb[k] - gn[k]) ** 2) for k in gn}"),
    "relative difference": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                               "    return {k: np.mean(np.abs(gb[k] - gn[k]) / (np.abs(gb[k]) + np.abs(gn[k]) + 1e-12))"
                               " for k in gn}"),
    "one number for all": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                              "    return np.mean([np.mean(np.abs(gb[k] - gn[k])) for k in gn])"),
    "weights only": _gc("    gn = network.numerical_gradient(x, t)\n    gb = network.gradient(x, t)\n"
                        "    return {k: np.mean(np.abs(gb[k] - gn[k])) for k in ('W1', 'W2')}"),
    "compares backprop with itself": _gc("    gb = network.gradient(x, t)\n"
                                         "    return {k: np.mean(np.abs(gb[k] - gb[k])) for k in gb}"),
}
RIGHT["gradient_check"] = {
    "seed 001 (book)": _gc(
        "    grad_numerical = network.numerical_gradient(x, t)\n    grad_backprop = network.gradient(x, t)\n"
        "    result = {}\n    for key in grad_numerical.keys():\n"
        "        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))\n"
        "        result[key] = diff\n    return result"),
    "backprop first, float values": _gc(
        "    gb = network.gradient(x, t)\n    gn = network.numerical_gradient(x, t)\n"
        "    return {k: float(np.abs(gb[k] - gn[k]).mean()) for k in ('W1', 'b1', 'W2', 'b2')}"),
}


# Issue 12: more right styles, written from the statements.  The dtype of Relu and Sigmoid is not graded
# (the statement says why), so a float64 result for float32 input is right.
RIGHT["relu"].update({
    "float64 output for float32 input": _relu(
        "        self.mask = (x <= 0)\n        return np.maximum(x, 0).astype(np.float64)", _RELU_BWD),
    "x * (x > 0), mask kept as floats": _relu(
        "        self.keep = (x > 0).astype(float)\n        return x * self.keep", "        return dout * self.keep",
        init="        self.keep = None"),
})
RIGHT["sigmoid"].update({
    "notebook 02's float64 sigmoid": _sig(
        "        self.out = 1 / (1 + np.exp(-np.asarray(x, dtype=float)))\n        return self.out",
        "        return dout * self.out * (1 - self.out)"),
    "stable, exp of -|x|": _sig(
        "        e = np.exp(-np.abs(x))\n        self.out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))\n        return self.out",
        "        return dout * (1.0 - self.out) * self.out"),
})
RIGHT["affine"].update({
    "CS231n style (affine_forward/backward), cache tuple": _aff(
        init="        self.W = W\n        self.b = b\n        self.cache = None\n        self.dW = None\n        self.db = None",
        forward="        out = x.reshape(x.shape[0], -1).dot(self.W) + self.b\n        self.cache = x\n        return out",
        backward=("        x = self.cache\n        dx = dout.dot(self.W.T).reshape(x.shape)\n"
                  "        self.dW = x.reshape(x.shape[0], -1).T.dot(dout)\n        self.db = np.sum(dout, axis=0)\n"
                  "        return dx")),
})
RIGHT["softmax_with_loss"].update({
    "CS231n style: probabilities, labels, mean": _swl(
        forward=("        shifted = x - np.max(x, axis=1, keepdims=True)\n"
                 "        probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)\n"
                 "        labels = np.argmax(t, axis=1) if np.ndim(t) == 2 else np.asarray(t)\n"
                 "        self.y, self.t = probs, labels\n        N = x.shape[0]\n"
                 "        self.loss = -np.sum(np.log(probs[np.arange(N), labels] + 1e-7)) / N\n        return self.loss"),
        backward=("        N = self.y.shape[0]\n        dx = self.y.copy()\n        dx[np.arange(N), self.t] -= 1\n"
                  "        return dx * dout / N")),
})
RIGHT["two_layer_net"].update({
    "backward written out, no loop": _NET_BOOK.replace(
        """        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
""", """        dout = self.layers['Affine2'].backward(dout)
        dout = self.layers['Relu1'].backward(dout)
        dout = self.layers['Affine1'].backward(dout)
"""),
})
RIGHT["gradient_check"].update({
    "np.mean over a dict comprehension": _gc(
        "    num, bp = network.numerical_gradient(x, t), network.gradient(x, t)\n"
        "    return {key: np.mean(np.abs(num[key] - bp[key])) for key in bp}"),
    "loop, float64 sums": _gc(
        "    num = network.numerical_gradient(x, t)\n    bp = network.gradient(x, t)\n    out = {}\n"
        "    for key in ('W1', 'b1', 'W2', 'b2'):\n        d = np.abs(bp[key] - num[key])\n"
        "        out[key] = d.sum() / d.size\n    return out"),
})
