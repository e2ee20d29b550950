"""Wrong and differently-right answers for 07b_training_practice."""
ASSIGNMENT = "07b_training_practice"

_ES_INIT = """class EarlyStopping:
    def __init__(self, model, patience=5, min_delta=0.0):
        self.model = model
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = {best0}
        self.best_state = None
        self.counter = 0
"""
_ES_RESTORE = """
    def restore(self):
        self.model.load_state_dict(self.best_state)
"""


def _es(step_body, best0='float("inf")', restore=_ES_RESTORE):
    """An EarlyStopping whose step() body (and optionally restore) is the only thing that changes."""
    return _ES_INIT.format(best0=best0) + "\n    def step(self, val_loss):\n" + step_body + restore


_KEEP = "copy.deepcopy(self.model.state_dict())"


def _step(improved=f"val_loss < self.best_loss - self.min_delta", keep=_KEEP, reset="self.counter = 0",
          stop="self.counter >= self.patience", else_extra=""):
    return f"""        if {improved}:
            self.best_loss = val_loss
            self.best_state = {keep}
            {reset}
        else:
            self.counter += 1{else_extra}
        return {stop}
"""


_ADAM_HEAD = "def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
_NORMS_HEAD = "def grad_norms_per_layer(model, x, t, loss_fn):\n"

WRONG = {
    "early_stopping": {
        "best_state = model.state_dict(), not a copy": _es(_step(keep="self.model.state_dict()")),
        "a shallow copy: dict(model.state_dict())": _es(_step(keep="dict(self.model.state_dict())")),
        "a shallow copy: state_dict().copy()": _es(_step(keep="self.model.state_dict().copy()")),
        "copies the parameters only, not the buffers": _es(_step(
            keep="{k: v.detach().clone() for k, v in self.model.named_parameters()}"),
            restore="\n    def restore(self):\n        self.model.load_state_dict(self.best_state, strict=False)\n"),
        "counter not reset after an improvement": _es(_step(reset="pass")),
        "stops one epoch late (counter > patience)": _es(_step(stop="self.counter > self.patience")),
        "min_delta ignored": _es(_step(improved="val_loss < self.best_loss")),
        "min_delta on the wrong side": _es(_step(improved="val_loss < self.best_loss + self.min_delta")),
        "an equal loss counts as an improvement": _es(_step(improved="val_loss <= self.best_loss - self.min_delta")),
        "compares with the previous epoch, not the best": _ES_INIT.format(best0='float("inf")') + """
        self.previous = float("inf")

    def step(self, val_loss):
        if val_loss < self.previous - self.min_delta:
            self.counter = 0
        else:
            self.counter += 1
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_state = copy.deepcopy(self.model.state_dict())
        self.previous = val_loss
        return self.counter >= self.patience
""" + _ES_RESTORE,
        "best_loss lowered by a too-small improvement": _es(_step(
            else_extra="\n            self.best_loss = min(self.best_loss, val_loss)")),
        "best_loss starts at 0": _es(_step(), best0="0.0"),
        "returns True to go on": _es(_step(stop="self.counter < self.patience")),
        "saves the state at every step": _es("""        self.best_state = copy.deepcopy(self.model.state_dict())
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.counter = 0
        else:
            self.counter += 1
        return self.counter >= self.patience
"""),
        "restore does nothing": _es(_step(), restore="\n    def restore(self):\n        pass\n"),
        "restore makes the parameters share memory with best_state": _es(_step(), restore="""
    def restore(self):
        with torch.no_grad():
            for name, p in self.model.named_parameters():
                p.data = self.best_state[name]
            for name, b in self.model.named_buffers():
                b.data = self.best_state[name]
"""),
        "counts every epoch": _es(_step(reset="self.counter += 1")),
        "not written": _ES_INIT.format(best0='float("inf")') + """
    def step(self, val_loss):
        raise NotImplementedError()

    def restore(self):
        raise NotImplementedError()
""",
    },
    "adam_step": {
        "no bias correction": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v
""",
        "eps inside the square root": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v
""",
        "t counted from 0 in the bias correction": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
        "beta1 and beta2 swapped": _ADAM_HEAD + """    m = beta2 * m + (1 - beta2) * g
    v = beta1 * v + (1 - beta1) * g ** 2
    m_hat, v_hat = m / (1 - beta2 ** t), v / (1 - beta1 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
        "|g| instead of g squared": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.abs(g)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (v_hat + eps), m, v
""",
        "uses g, not the moving average, in the step": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    v_hat = v / (1 - beta2 ** t)
    return w - lr * g / (np.sqrt(v_hat) + eps), m, v
""",
        "sign error: w + step": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w + lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
        "returns the corrected averages": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
""",
        "updates the arrays in place": _ADAM_HEAD + """    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g ** 2
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v
""",
        "hard-coded defaults": _ADAM_HEAD + """    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g ** 2
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    return w - 1e-3 * m_hat / (np.sqrt(v_hat) + 1e-8), m, v
""",
        "(m, v, w) order": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return m, v, w - lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "m updated with g squared": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g ** 2
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
        "not written": _ADAM_HEAD + "    raise NotImplementedError()\n",
    },
    "grad_norms_per_layer": {
        "no zero_grad: gradients accumulate": _NORMS_HEAD + """    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "every 'weight' parameter (batch norm too)": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [p.grad.norm().item() for name, p in model.named_parameters() if name.endswith("weight")]
""",
        "every parameter, biases too": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [p.grad.norm().item() for p in model.parameters()]
""",
        "L1 norm": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.abs().sum().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "squared norm": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [(m.weight.grad ** 2).sum().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "largest absolute value": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.abs().max().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "mean absolute gradient": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.abs().mean().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "norm of the weights, not of their gradient": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "the bias gradient": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.bias.grad.norm().item() if m.bias is not None else 0.0
            for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "output layer first": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)][::-1]
""",
        "only the top-level children": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm().item() for m in model.children() if isinstance(m, nn.Linear)]
""",
        "switches to eval mode": _NORMS_HEAD + """    model.eval()
    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "takes an optimizer step": _NORMS_HEAD + """    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    optimizer.zero_grad()
    loss_fn(model(x), t).backward()
    norms = [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
    optimizer.step()
    return norms
""",
        "returns tensors": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "not written": _NORMS_HEAD + "    raise NotImplementedError()\n",
    },
}

RIGHT = {
    "early_stopping": {
        "copy.deepcopy of the state_dict": _es(_step()),
        "tensors cloned by hand": _es(_step(keep="{k: v.detach().clone() for k, v in self.model.state_dict().items()}")),
        "through torch.save into memory": _ES_INIT.format(best0='float("inf")') + """
    def step(self, val_loss):
        improved = self.best_loss - val_loss > self.min_delta
        if improved:
            buffer = io.BytesIO()
            torch.save(self.model.state_dict(), buffer)
            buffer.seek(0)
            self.best_loss = val_loss
            self.best_state = torch.load(buffer, weights_only=True)
            self.counter = 0
            return False
        self.counter += 1
        return self.counter > self.patience - 1
""" + _ES_RESTORE,
        "wait counter and a stopped flag": """class EarlyStopping:
    def __init__(self, model, patience=5, min_delta=0.0):
        self.model, self.patience, self.min_delta = model, patience, min_delta
        self.best_loss, self.best_state = float("inf"), None
        self.wait, self.stopped = 0, False

    def step(self, val_loss):
        val_loss = float(val_loss)
        if self.best_state is None or val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.wait = val_loss, 0
            self.best_state = copy.deepcopy(self.model.state_dict())
        else:
            self.wait += 1
        self.stopped = self.wait >= self.patience
        return self.stopped

    def restore(self):
        if self.best_state is not None:
            self.model.load_state_dict(copy.deepcopy(self.best_state))
""",
        "restore copies in place under no_grad": _es(_step(), restore="""
    def restore(self):
        with torch.no_grad():
            for name, tensor in self.model.state_dict().items():
                tensor.copy_(self.best_state[name])
"""),
    },
    "adam_step": {
        "the formulas": _ADAM_HEAD + """    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
        "PyTorch's arrangement (step size and denominator)": _ADAM_HEAD + """    m_new = m * beta1 + g * (1 - beta1)
    v_new = v * beta2 + g * g * (1 - beta2)
    step_size = lr / (1 - beta1 ** t)
    denom = np.sqrt(v_new) / np.sqrt(1 - beta2 ** t) + eps
    return w - step_size * m_new / denom, m_new, v_new
""",
        "copies first, then in place": _ADAM_HEAD + """    w, m, v = np.array(w, dtype=float), np.array(m, dtype=float), np.array(v, dtype=float)
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * np.square(g)
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v
""",
        "with torch": _ADAM_HEAD + """    W, G, M, V = (torch.as_tensor(np.asarray(a, dtype=float)) for a in (w, g, m, v))
    M = beta1 * M + (1 - beta1) * G
    V = beta2 * V + (1 - beta2) * G.pow(2)
    W = W - lr * (M / (1 - beta1 ** t)) / ((V / (1 - beta2 ** t)).sqrt() + eps)
    return W.numpy(), M.numpy(), V.numpy()
""",
    },
    "grad_norms_per_layer": {
        "modules() and .item()": _NORMS_HEAD + """    model.zero_grad()
    loss_fn(model(x), t).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)]
""",
        "gradients set to zero by hand, sqrt of the sum of squares": _NORMS_HEAD + """    for p in model.parameters():
        if p.grad is not None:
            p.grad.zero_()
    loss = loss_fn(model(x), t)
    loss.backward()
    norms = []
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            norms.append(float(torch.sqrt((layer.weight.grad ** 2).sum())))
    return norms
""",
        "torch.autograd.grad, no .grad at all": _NORMS_HEAD + """    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    grads = torch.autograd.grad(loss_fn(model(x), t), [m.weight for m in layers])
    return [float(torch.linalg.vector_norm(g_)) for g_ in grads]
""",
        "named_modules and numpy": _NORMS_HEAD + """    model.zero_grad(set_to_none=True)
    out = model(x)
    loss_fn(out, t).backward()
    return [float(np.linalg.norm(mod.weight.grad.detach().numpy()))
            for _, mod in model.named_modules() if type(mod) is nn.Linear]
""",
    },
}
