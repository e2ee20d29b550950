"""Wrong and differently-right answers for 06_pytorch_and."""
ASSIGNMENT = "06_pytorch_and"

_CREATION = {
    "zeros_23": "torch.zeros(2, 3)",
    "ones_int": "torch.ones(2, 3, dtype=torch.int64)",
    "from_list": "torch.tensor([[0.0, 0.1, 0.2], [1.0, 1.1, 1.2]])",
    "rand_23": "(torch.manual_seed(0), torch.rand(2, 3))[1]",
    "grid": "torch.arange(12, dtype=torch.float64).reshape(3, 4)",
}


def _creation(**changes):
    values = {**_CREATION, **changes}
    return "\n".join(f"{name} = {code}" for name, code in values.items())


_SHAPES = """
def as_float_batch(x):
    return {batch}


def flatten_images(x):
    return {flat}
"""


def _shapes(batch="x.to(torch.float32).reshape(1, -1)", flat="x.reshape(x.shape[0], -1)"):
    return _SHAPES.format(batch=batch, flat=flat)


_INDEXING = """
def element(x, i, j):
    return {element}


def column(x, j):
    return {column}


def clip_negative(x):
{clip}
"""
_CLIP = "    y = x.clone()\n    y[y < 0] = 0\n    return y"


def _indexing(element="x[i, j].item()", column="x[:, j]", clip=_CLIP):
    return _INDEXING.format(element=element, column=column, clip=clip)


_ROUND_TRIP = """
def to_numpy(t):
    return {to}


def from_numpy_copy(a):
    return {back}
"""


def _round_trip(to="t.detach().numpy()", back="torch.tensor(a)"):
    return _ROUND_TRIP.format(to=to, back=back)


_AUTOGRAD = """
def creator_name(t):
    return {name}


def grads_with_retain(f, g, a_value):
{body}
"""
_RETAIN = """    a = torch.tensor(a_value, dtype=torch.float64, requires_grad=True)
    b = f(a)
    b.retain_grad()
    c = g(b)
    c.backward()
    return a.grad.item(), b.grad.item()"""


def _autograd(name="None if t.grad_fn is None else type(t.grad_fn).__name__", body=_RETAIN):
    return _AUTOGRAD.format(name=name, body=body)


_ACCUMULATE = """
def grads_per_step(w0, xs, zero_grad):
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    out = []
    for x in xs:
{reset}
        loss = {loss}
        loss.backward()
        out.append({record})
    return out
"""
_RESET = "        if zero_grad:\n            w.grad = None"


def _accumulate(reset=_RESET, loss="0.5 * (w * x) ** 2", record="w.grad.item()"):
    return _ACCUMULATE.format(reset=reset, loss=loss, record=record)


_HAND = """
def chain_rule_by_hand(x, a1, a2, a3):
    f = lambda u: 1.0 / (1.0 + np.exp(-u))
    df = lambda u: {df}
    h1 = f(x)
    v1 = a1 * h1
    h2 = f(v1)
    v2 = a2 * h2
    h3 = f(v2)
    y = a3 * h3
    d_v2 = a3 * {df_v2}
    d_v1 = d_v2 * {d_v1}
    return {ret}
"""


def _hand(df="f(u) * (1.0 - f(u))", df_v2="df(v2)", d_v1="a2 * df(v1)", ret="y, d_v1 * h1, d_v2 * h2, h3"):
    return _HAND.format(df=df, df_v2=df_v2, d_v1=d_v1, ret=ret)


_AUTO = """
def chain_rule_autograd(x, a1, a2, a3):
    x = torch.tensor(x, dtype=torch.float64)
    a1, a2, a3 = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (a1, a2, a3))
    y = {y}
    y.backward()
    return {ret}
"""


def _auto(y="a3 * torch.sigmoid(a2 * torch.sigmoid(a1 * torch.sigmoid(x)))",
          ret="y.item(), a1.grad.item(), a2.grad.item(), a3.grad.item()"):
    return _AUTO.format(y=y, ret=ret)


_NET = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 2)
        self.fc2 = nn.Linear(2, {out})

    def forward(self, x):
        return {forward}
"""


def _net(out="2", forward="torch.sigmoid(self.fc2(torch.sigmoid(self.fc1(x))))"):
    return _NET.format(out=out, forward=forward)


_GEN = """
def gen_minibatch(mb_size):
    inputs = {inputs}
    both = {both}
    labels = {labels}
    return inputs, labels
"""


def _gen(inputs="torch.bernoulli(0.5 * torch.ones(mb_size, 2))",
         both="(inputs[:, 0] == 1.0) & (inputs[:, 1] == 1.0)",
         labels="torch.stack([both, ~both], dim=1).float()"):
    return _GEN.format(inputs=inputs, both=both, labels=labels)


_TRAIN = """
def train_and(model, steps=1000, lr={lr}, mb_size=32):
    loss_func = {loss_func}
    optimizer = {optimizer}
    history = []
    for i in range(steps):
        inputs, labels = gen_minibatch({mb})
{body}
        history.append(loss.item())
        if {when}:
            print('i = ', i, 'loss = ', loss.item())
    return history
"""
_BODY = """        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_func(outputs, labels)
        loss.backward()
        optimizer.step()"""


def _train(lr="0.1", loss_func="nn.MSELoss()", optimizer="optim.Adam(model.parameters(), lr=lr)", mb="mb_size",
           body=_BODY, when="i % 100 == 0"):
    return _TRAIN.format(lr=lr, loss_func=loss_func, optimizer=optimizer, mb=mb, body=body, when=when)


WRONG = {
    "creation": {
        "float ones": _creation(ones_int="torch.ones(2, 3)"),
        "zeros 3x2": _creation(zeros_23="torch.zeros(3, 2)"),
        "float64 list": _creation(from_list="torch.tensor([[0.0, 0.1, 0.2], [1.0, 1.1, 1.2]], dtype=torch.float64)"),
        "no seed": _creation(rand_23="torch.rand(2, 3)"),
        "seed 1": _creation(rand_23="(torch.manual_seed(1), torch.rand(2, 3))[1]"),
        "int grid": _creation(grid="torch.arange(12).reshape(3, 4)"),
        "grid column by column": _creation(grid="torch.arange(12, dtype=torch.float64).reshape(4, 3).T"),
        "numpy array": _creation(zeros_23="np.zeros((2, 3), dtype=np.float32)"),
    },
    "dtype_and_shape": {
        "column, not row": _shapes(batch="x.to(torch.float32).reshape(-1, 1)"),
        "dtype kept": _shapes(batch="x.reshape(1, -1)"),
        "float64": _shapes(batch="x.double().unsqueeze(0)"),
        "no batch axis": _shapes(batch="x.float()"),
        "flattens the batch too": _shapes(flat="x.flatten()"),
        "wrong order": _shapes(flat="x.reshape(-1, x.shape[0]).T"),
        "keeps one axis": _shapes(flat="x.reshape(x.shape[0], x.shape[1], -1)"),
        "float flatten": _shapes(flat="x.reshape(x.shape[0], -1).float()"),
    },
    "indexing": {
        "tensor, not a number": _indexing(element="x[i, j]"),
        "row and column swapped": _indexing(element="x[j, i].item()"),
        "row instead of column": _indexing(column="x[j]"),
        "2-D column": _indexing(column="x[:, j:j + 1]"),
        "changes x": _indexing(clip="    x[x < 0] = 0\n    return x"),
        "drops negatives": _indexing(clip="    return x[x >= 0]"),
        "absolute value": _indexing(clip="    return x.abs()"),
        "float result": _indexing(clip="    return torch.clamp(x.float(), min=0.0)"),
    },
    "numpy_round_trip": {
        "numpy() without detach": _round_trip(to="t.numpy()"),
        "via a list": _round_trip(to="np.array(t.tolist())"),
        "shares memory (from_numpy)": _round_trip(back="torch.from_numpy(a)"),
        "shares memory (as_tensor)": _round_trip(back="torch.as_tensor(a)"),
        "always float32": _round_trip(back="torch.Tensor(a.copy())"),
        "returns the array": _round_trip(back="a.copy()"),
    },
    "autograd_basics": {
        "returns the grad_fn object": _autograd(name="t.grad_fn"),
        "str of grad_fn": _autograd(name="str(t.grad_fn)"),
        "is_leaf instead": _autograd(name="t.is_leaf"),
        "no retain_grad": _autograd(body=_RETAIN.replace("    b.retain_grad()\n", "")),
        "order swapped": _autograd(body=_RETAIN.replace("return a.grad.item(), b.grad.item()",
                                                        "return b.grad.item(), a.grad.item()")),
        "float32": _autograd(body=_RETAIN.replace("torch.float64", "torch.float32")),
        "returns tensors": _autograd(body=_RETAIN.replace("return a.grad.item(), b.grad.item()",
                                                          "return a.grad, b.grad")),
    },
    "gradient_accumulation": {
        "ignores the flag": _accumulate(reset="        pass"),
        "always zeroes": _accumulate(reset="        if w.grad is not None:\n            w.grad.zero_()"),
        "keeps the tensor": _accumulate(reset="        if zero_grad and w.grad is not None:\n            w.grad.zero_()",
                                        record="w.grad"),
        "no ½": _accumulate(loss="(w * x) ** 2"),
        "float32": _accumulate().replace("torch.float64", "torch.float32"),
        "inverted flag": _accumulate(reset="        if not zero_grad:\n            w.grad = None"),
    },
    "chain_rule_by_hand": {
        "f' = f": _hand(df="f(u)"),
        "f' at the output": _hand(df_v2="h3 * (1 - h3) * 0 + df(h3)"),
        "no f' at the first level": _hand(d_v1="a2"),
        "a2 missing": _hand(d_v1="df(v1)"),
        "a3 missing": _hand(df_v2="df(v2) / a3"),
        "order reversed": _hand(ret="y, h3, d_v2 * h2, d_v1 * h1"),
        "no y": _hand(ret="d_v1 * h1, d_v2 * h2, h3"),
        "tanh": _hand().replace("f = lambda u: 1.0 / (1.0 + np.exp(-u))", "f = lambda u: np.tanh(u)").replace(
            "f(u) * (1.0 - f(u))", "1 - f(u) ** 2"),
    },
    "chain_rule_autograd": {
        "relu": _auto(y="a3 * torch.relu(a2 * torch.relu(a1 * torch.relu(x))) + a3 * 0"),
        "no sigmoid on x": _auto(y="a3 * torch.sigmoid(a2 * torch.sigmoid(a1 * x))"),
        "returns tensors": _auto(ret="y, a1.grad, a2.grad, a3.grad"),
        "float32": _auto().replace("torch.float64", "torch.float32"),
        "order reversed": _auto(ret="y.item(), a3.grad.item(), a2.grad.item(), a1.grad.item()"),
    },
    "net": {
        "no sigmoid at the output": _net(forward="self.fc2(torch.sigmoid(self.fc1(x)))"),
        "relu hidden": _net(forward="torch.sigmoid(self.fc2(torch.relu(self.fc1(x))))"),
        "one output": _net(out="1"),
        "sigmoid only at the output": _net(forward="torch.sigmoid(self.fc2(self.fc1(x)))"),
        "softmax output": _net(forward="torch.softmax(self.fc2(torch.sigmoid(self.fc1(x))), dim=1)"),
        "extra layer": _net().replace("        self.fc2 = nn.Linear(2, 2)",
                                      "        self.fc2 = nn.Linear(2, 2)\n        self.fc3 = nn.Linear(2, 2)").replace(
            "torch.sigmoid(self.fc2(torch.sigmoid(self.fc1(x))))",
            "torch.sigmoid(self.fc3(torch.sigmoid(self.fc2(torch.sigmoid(self.fc1(x))))))"),
        "reseeds": _net().replace("        super().__init__()", "        super().__init__()\n        torch.manual_seed(0)"),
        "not a Module": _net().replace("class Net(nn.Module):", "class Net:").replace(
            "        super().__init__()\n", "").replace("    def forward(self, x):", "    def __call__(self, x):"),
    },
    "gen_minibatch": {
        "labels swapped": _gen(labels="torch.stack([~both, both], dim=1).float()"),
        "one label column": _gen(labels="both.float().unsqueeze(1)"),
        "OR labels": _gen(both="(inputs[:, 0] == 1.0) | (inputs[:, 1] == 1.0)"),
        "uniform inputs": _gen(inputs="torch.rand(mb_size, 2)", both="(inputs[:, 0] > 0.5) & (inputs[:, 1] > 0.5)"),
        "p = 0.3": _gen(inputs="torch.bernoulli(0.3 * torch.ones(mb_size, 2))"),
        "both columns equal": _gen(inputs="torch.bernoulli(0.5 * torch.ones(mb_size, 1)).repeat(1, 2)"),
        "int64 inputs": _gen(inputs="torch.randint(0, 2, (mb_size, 2))"),
        "float64 labels": _gen(labels="torch.stack([both, ~both], dim=1).double()"),
        "class indices": _gen(labels="(~both).long()"),
        "AND from the first input only": _gen(both="inputs[:, 0] == 1.0"),
        "reseeds": _gen(inputs="(torch.manual_seed(0), torch.bernoulli(0.5 * torch.ones(mb_size, 2)))[1]"),
    },
    "train_and": {
        "SGD": _train(optimizer="optim.SGD(model.parameters(), lr=lr)"),
        "no zero_grad": _train(body=_BODY.replace("        optimizer.zero_grad()\n", "")),
        "lr ignored": _train(optimizer="optim.Adam(model.parameters(), lr=0.1)"),
        "default lr 0.01": _train(lr="0.01"),
        "summed loss": _train(loss_func="nn.MSELoss(reduction='sum')"),
        "BCE loss": _train(loss_func="nn.BCELoss()"),
        "zero_grad after backward": _train(body=_BODY.replace("        optimizer.zero_grad()\n", "").replace(
            "        loss.backward()\n", "        loss.backward()\n        optimizer.zero_grad()\n")),
        "mb_size ignored": _train(mb="32"),
        "prints every step": _train(when="True"),
        "fresh model copy": _train(optimizer="optim.Adam(copy.deepcopy(model).parameters(), lr=lr)"),
        "returns None": _train().replace("    return history", "    return None"),
    },
}

RIGHT = {
    "creation": {
        "reference": _creation(),
        "seed's dtype=torch.float, numpy-style grid": _creation(
            zeros_23="torch.zeros(2, 3, dtype=torch.float)", ones_int="torch.ones((2, 3), dtype=torch.long)",
            grid="torch.tensor(np.arange(12.0).reshape(3, 4))"),
    },
    "dtype_and_shape": {
        "reference": _shapes(),
        "float() and unsqueeze, torch.flatten": _shapes(batch="x.float().unsqueeze(0)", flat="torch.flatten(x, 1)"),
        "view": _shapes(batch="x.to(torch.float32).view(1, x.numel())", flat="x.view(x.size(0), -1)"),
    },
    "indexing": {
        "reference": _indexing(),
        "chained indexing, torch.where": _indexing(
            element="float(x[i][j]) if x.is_floating_point() else int(x[i][j])", column="x.T[j]",
            clip="    return torch.where(x < 0, torch.zeros_like(x), x)"),
        "clamp": _indexing(clip="    return x.clamp(min=0)"),
    },
    "numpy_round_trip": {
        "reference": _round_trip(),
        "cpu first, from_numpy and clone": _round_trip(to="t.detach().cpu().numpy()",
                                                       back="torch.from_numpy(a).clone()"),
        "np.array of the detached tensor, copy": _round_trip(to="np.array(t.detach())",
                                                             back="torch.as_tensor(a.copy())"),
    },
    "autograd_basics": {
        "reference": _autograd(),
        "grad_fn.name(), autograd.grad": _autograd(
            name="t.grad_fn.name() if t.grad_fn is not None else None",
            body="""    a = torch.tensor(float(a_value), dtype=torch.double, requires_grad=True)
    b = f(a)
    c = g(b)
    dc_da, dc_db = torch.autograd.grad(c, [a, b])
    return float(dc_da), float(dc_db)"""),
    },
    "gradient_accumulation": {
        "reference (grad = None)": _accumulate(),
        "zero_() and clone": _accumulate(
            reset="        if zero_grad and w.grad is not None:\n            w.grad.zero_()",
            loss="(w * x).pow(2) / 2", record="float(w.grad.clone())"),
    },
    "chain_rule_by_hand": {
        "reference": _hand(),
        "math module, step by step": """
import math

def chain_rule_by_hand(x, a1, a2, a3):
    def sigmoid(u):
        return 1 / (1 + math.exp(-u))
    # forward phase, keeping the intermediate results
    h1 = sigmoid(x); v1 = a1 * h1
    h2 = sigmoid(v1); v2 = a2 * h2
    h3 = sigmoid(v2); y = a3 * h3
    # backward phase
    dy_da3 = h3
    dy_dh3 = a3
    dy_dv2 = dy_dh3 * h3 * (1 - h3)
    dy_da2 = dy_dv2 * h2
    dy_dh2 = dy_dv2 * a2
    dy_dv1 = dy_dh2 * h2 * (1 - h2)
    dy_da1 = dy_dv1 * h1
    return [y, dy_da1, dy_da2, dy_da3]
""",
        "numpy array result": _hand(ret="np.array([y, d_v1 * h1, d_v2 * h2, h3])"),
    },
    "chain_rule_autograd": {
        "reference": _auto(),
        "list of tensors, autograd.grad": """
def chain_rule_autograd(x, a1, a2, a3):
    params = [torch.tensor(float(a), dtype=torch.float64, requires_grad=True) for a in (a1, a2, a3)]
    f = torch.nn.functional.sigmoid
    y = params[2] * f(params[1] * f(params[0] * f(torch.tensor(float(x), dtype=torch.float64))))
    grads = torch.autograd.grad(y, params)
    return tuple([y.item()] + [g.item() for g in grads])
""",
    },
    "net": {
        "reference": _net(),
        "seed (super(Net, self), reassigning x)": """
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(2, 2)
        self.fc2 = nn.Linear(2, 2)

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return x
""",
        "nn.Sigmoid modules": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 2)
        self.fc2 = nn.Linear(2, 2)
        self.act = nn.Sigmoid()

    def forward(self, x):
        return self.act(self.fc2(self.act(self.fc1(x))))
""",
    },
    "gen_minibatch": {
        "reference": _gen(),
        "seed's loop": """
def gen_minibatch(mb_size):
    inputs = torch.bernoulli(0.5 * torch.ones(mb_size, 2))
    labels = torch.Tensor(mb_size, 2)
    for i in range(mb_size):
        if (inputs[i, 0] == 1.0) and (inputs[i, 1] == 1.0):
            labels[i, 0] = 1.0
            labels[i, 1] = 0.0
        else:
            labels[i, 0] = 0.0
            labels[i, 1] = 1.0
    return inputs, labels
""",
        "rand < 0.5, product": """
def gen_minibatch(mb_size):
    inputs = (torch.rand(mb_size, 2) < 0.5).float()
    first = inputs[:, 0] * inputs[:, 1]
    return inputs, torch.stack([first, 1 - first], dim=1)
""",
    },
    "train_and": {
        "reference (seed's loop)": _train(),
        "mean of squares by hand, model.zero_grad, prints at (i+1) % 100": _train(
            loss_func="None", body="""        model.zero_grad()
        loss = ((model(inputs) - labels) ** 2).mean()
        loss.backward()
        optimizer.step()""", when="(i + 1) % 100 == 0"),
        "tensor history, set_to_none=False, f-string": """
def train_and(model, steps=1000, lr=0.1, mb_size=64):
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        x, t = gen_minibatch(mb_size)
        optimizer.zero_grad(set_to_none=False)
        loss = criterion(model(x), t)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        if step % 100 == 0:
            print(f"step {step:4d}  loss {loss.item():.6f}")
    return losses
""",
    },
}

# Issue 16: the mistakes a hidden (or visible) case shows that the first corpus did not hold.
WRONG["creation"].update({
    "randn instead of rand": _creation(rand_23="(torch.manual_seed(0), torch.randn(2, 3))[1]"),
    "grid from 1 to 12": _creation(grid="torch.arange(1, 13, dtype=torch.float64).reshape(3, 4)"),
})
WRONG["dtype_and_shape"].update({
    "unsqueeze_ changes x in place": _shapes(batch="x.unsqueeze_(0).to(torch.float32)"),
    "squeeze at the end (N = 1 loses its axis)": _shapes(flat="x.reshape(x.shape[0], -1).squeeze()"),
})
WRONG["indexing"].update({
    "inverted mask": _indexing(clip="    y = x.clone()\n    y[y > 0] = 0\n    return y"),
    "detach() instead of clone() (shares memory with x)": _indexing(
        clip="    y = x.detach()\n    y[y < 0] = 0\n    return y"),
})
WRONG["numpy_round_trip"].update({
    "from_numpy(a).float(): float32, and shares memory when a is float32": _round_trip(back="torch.from_numpy(a).float()"),
    "always float64": _round_trip(to="t.detach().numpy().astype(np.float64)"),
})
WRONG["autograd_basics"].update({
    "'None' as a string": _autograd(name="'None' if t.grad_fn is None else type(t.grad_fn).__name__"),
    "the tensor's class name": _autograd(name="None if t.grad_fn is None else type(t).__name__"),
})
WRONG["gradient_accumulation"].update({
    "a new w at every step": """
def grads_per_step(w0, xs, zero_grad):
    out = []
    for x in xs:
        w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
        loss = 0.5 * (w * x) ** 2
        loss.backward()
        out.append(w.grad.item())
    return out
""",
    "squares only x": _accumulate(loss="0.5 * w * x ** 2"),
})
WRONG["chain_rule_by_hand"].update({
    "float32 arithmetic": _hand().replace("    f = lambda u: 1.0 / (1.0 + np.exp(-u))",
                                          "    x, a1, a2, a3 = np.float32(x), np.float32(a1), np.float32(a2), np.float32(a3)\n"
                                          "    f = lambda u: np.float32(1) / (np.float32(1) + np.exp(-u))").replace(
        "lambda u: f(u) * (1.0 - f(u))", "lambda u: f(u) * (np.float32(1) - f(u))"),
})
WRONG["chain_rule_autograd"].update({
    "tanh": _auto(y="a3 * torch.tanh(a2 * torch.tanh(a1 * torch.tanh(x)))"),
})
WRONG["net"].update({
    "no biases": _net().replace("nn.Linear(2, 2)\n", "nn.Linear(2, 2, bias=False)\n").replace(
        "nn.Linear(2, 2)\n", "nn.Linear(2, 2, bias=False)\n"),
    "tanh hidden": _net(forward="torch.sigmoid(self.fc2(torch.tanh(self.fc1(x))))"),
})
WRONG["train_and"].update({
    "L1 loss": _train(loss_func="nn.L1Loss()"),
    "records the loss after the update (a second forward)": _train(body=_BODY + """
        with torch.no_grad():
            loss = loss_func(model(inputs), labels)"""),
})
RIGHT["creation"].update({
    "torch.full, torch.Tensor, explicit dtypes": _creation(
        zeros_23="torch.full((2, 3), 0.0)", ones_int="torch.ones(2, 3).long()",
        from_list="torch.Tensor([[0.0, 0.1, 0.2], [1.0, 1.1, 1.2]])",
        grid="torch.arange(12).double().view(3, 4)"),
})
RIGHT["dtype_and_shape"].update({
    "x[None], flatten(start_dim=1)": _shapes(batch="x.float()[None]", flat="x.flatten(start_dim=1)"),
})
RIGHT["indexing"].update({
    "x[i][j].item(), multiply by the mask": _indexing(element="x[i][j].item()", column="x[:, j].clone()",
                                                      clip="    return x * (x >= 0)"),
})
RIGHT["numpy_round_trip"].update({
    "numpy(force=True), from_numpy of a copy": _round_trip(to="t.numpy(force=True)",
                                                           back="torch.from_numpy(np.array(a, copy=True))"),
})
RIGHT["autograd_basics"].update({
    "is_leaf test": _autograd(name="None if t.is_leaf else type(t.grad_fn).__name__"),
})
RIGHT["net"].update({
    "fc1 and fc2 inside a Sequential too": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 2)
        self.fc2 = nn.Linear(2, 2)
        self.body = nn.Sequential(self.fc1, nn.Sigmoid(), self.fc2, nn.Sigmoid())

    def forward(self, x):
        return self.body(x)
""",
})
RIGHT["gen_minibatch"].update({
    "randint(0, 2), logical_and": """
def gen_minibatch(mb_size):
    inputs = torch.randint(0, 2, (mb_size, 2)).float()
    both = torch.logical_and(inputs[:, 0] == 1, inputs[:, 1] == 1)
    labels = torch.zeros(mb_size, 2)
    labels[both, 0] = 1.0
    labels[~both, 1] = 1.0
    return inputs, labels
""",
})
RIGHT["train_and"].update({
    "F.mse_loss, zero_grad(set_to_none=True)": _train(loss_func="nn.functional.mse_loss", body="""        optimizer.zero_grad(set_to_none=True)
        loss = loss_func(model(inputs), labels)
        loss.backward()
        optimizer.step()"""),
})
