"""Wrong and differently-right answers for 07_pytorch_regression."""
ASSIGNMENT = "07_pytorch_regression"

_DATASET_HEAD = "class CaliforniaHousingDataset(Dataset):\n"

_EPOCH_HEAD = "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n"
_EVAL_HEAD = "def evaluate(model, loader, loss_fn, device):\n"
_FIT_HEAD = ("def fit(model, train_loader, val_loader, loss_fn, optimizer, device, epochs, checkpoint_path,"
             " logger=None):\n")
_MLP_SEQ = """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        layers = []
        for n_hidden in hidden_sizes:
            layers += [nn.Linear(n_inputs, n_hidden), {act}]
            n_inputs = n_hidden
        layers.append(nn.Linear(n_inputs, n_outputs))
        {last}
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)
"""


def _mlp(act="nn.ReLU()", last="pass"):
    return _MLP_SEQ.format(act=act, last=last)


def _fit(save_rule, body_end=""):
    """A fit() whose saving rule is the only thing that changes."""
    return _FIT_HEAD + f"""    history = {{"train_loss": [], "val_loss": []}}
    best = float("inf")
    best_state = None
    for epoch in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
{save_rule}
        if logger is not None:
            logger.info("epoch %d train %.4f val %.4f", epoch, train_loss, val_loss)
{body_end}    return history
"""


WRONG = {
    "set_seed": {
        "only torch": "def set_seed(seed):\n    torch.manual_seed(seed)",
        "no python random": "def set_seed(seed):\n    np.random.seed(seed)\n    torch.manual_seed(seed)",
        "no numpy": "def set_seed(seed):\n    random.seed(seed)\n    torch.manual_seed(seed)",
        "ignores the seed": "def set_seed(seed):\n    random.seed(0)\n    np.random.seed(0)\n    torch.manual_seed(0)",
        "default_rng instead of the global generator": (
            "def set_seed(seed):\n    random.seed(seed)\n    rng = np.random.default_rng(seed)\n"
            "    torch.manual_seed(seed)"),
        "torch.seed() draws a fresh seed": (
            "def set_seed(seed):\n    random.seed(seed)\n    np.random.seed(seed)\n    torch.seed()"),
        "not written": "def set_seed(seed):\n    raise NotImplementedError()",
        'seeds with seed + 1': 'def set_seed(seed):\n    random.seed(seed + 1)\n    np.random.seed(seed + 1)\n    torch.manual_seed(seed + 1)\n',
    },
    "california_housing_dataset": {
        "target of shape ()": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
        "float64 data": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features)
        self.targets = torch.tensor(targets).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
        "len counts the features": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return self.features.shape[1]
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
        "target first": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.targets[index], self.features[index]
""",
        "off by one": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index - 1], self.targets[index - 1]
""",
        "target of shape (1, 1)": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = np.asarray(features, dtype=np.float32)
        self.targets = np.asarray(targets, dtype=np.float32)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], np.array([[self.targets[index]]])
""",
        "writes into the caller's array": _DATASET_HEAD + """    def __init__(self, features, targets):
        features[:, 4] = np.log1p(features[:, 4])
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
        "not a Dataset subclass": """class CaliforniaHousingDataset:
    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
    },
    "split_dataset": {
        "no generator (global RNG, unseeded)": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    return random_split(dataset, list(fractions))"),
        "seed ignored": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    return random_split(dataset, list(fractions), generator=torch.Generator().manual_seed(0))"),
        "fractions ignored": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    return random_split(dataset, [0.8, 0.1, 0.1], generator=torch.Generator().manual_seed(seed))"),
        "cut in order, no shuffle": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    n = len(dataset)\n    a = int(fractions[0] * n)\n    b = a + int(fractions[1] * n)\n"
            "    return [Subset(dataset, range(0, a)), Subset(dataset, range(a, b)), Subset(dataset, range(b, n))]"),
        "numpy permutation: a split, but not the grader's": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    n = len(dataset)\n    perm = np.random.default_rng(seed).permutation(n).tolist()\n"
            "    a = round(fractions[0] * n)\n    b = a + round(fractions[1] * n)\n"
            "    return [Subset(dataset, perm[:a]), Subset(dataset, perm[a:b]), Subset(dataset, perm[b:])]"),
        "samples drawn with replacement": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    n = len(dataset)\n    g = torch.Generator().manual_seed(seed)\n"
            "    idx = torch.randint(0, n, (n,), generator=g).tolist()\n"
            "    a = round(fractions[0] * n)\n    b = a + round(fractions[1] * n)\n"
            "    return [Subset(dataset, idx[:a]), Subset(dataset, idx[a:b]), Subset(dataset, idx[b:])]"),
        "a new generator per part": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    n = len(dataset)\n    parts = []\n    start = 0\n"
            "    for k, f in enumerate(fractions):\n"
            "        perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed + k)).tolist()\n"
            "        size = round(f * n)\n        parts.append(Subset(dataset, perm[start:start + size]))\n"
            "        start += size\n    return parts"),
        "seeds the global generator (a side effect), then random_split": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    torch.manual_seed(seed)\n    return random_split(dataset, fractions)"),
    },
    "fit_standardizer": {
        "leak: statistics of the whole dataset": (
            "def fit_standardizer(train_set):\n"
            "    x = torch.stack([x for x, _ in train_set.dataset])\n"
            "    return x.mean(dim=0), x.std(dim=0)"),
        "the first rows instead of the training indices": (
            "def fit_standardizer(train_set):\n"
            "    x = train_set.dataset.features[:len(train_set)]\n"
            "    return x.mean(dim=0), x.std(dim=0)"),
        "variance instead of std": (
            "def fit_standardizer(train_set):\n"
            "    x = torch.stack([x for x, _ in train_set])\n"
            "    return x.mean(dim=0), x.var(dim=0)"),
        "one std for all features": (
            "def fit_standardizer(train_set):\n"
            "    x = torch.stack([x for x, _ in train_set])\n"
            "    return x.mean(dim=0), x.std()"),
        "wrong axis": (
            "def fit_standardizer(train_set):\n"
            "    x = torch.stack([x for x, _ in train_set])\n"
            "    return x.mean(dim=1), x.std(dim=1)"),
        "statistics of the targets": (
            "def fit_standardizer(train_set):\n"
            "    t = torch.stack([t for _, t in train_set])\n"
            "    return t.mean(dim=0), t.std(dim=0)"),
        "standardises the dataset in place": (
            "def fit_standardizer(train_set):\n"
            "    ds = train_set.dataset\n"
            "    x = ds.features[train_set.indices]\n"
            "    mean, std = x.mean(dim=0), x.std(dim=0)\n"
            "    ds.features -= mean\n    ds.features /= std\n"
            "    return mean, std"),
        "training and validation rows (train_set plus 10 %)": (
            "def fit_standardizer(train_set):\n"
            "    ds = train_set.dataset\n"
            "    extra = sorted(set(range(len(ds))) - set(train_set.indices))[: len(ds) // 10]\n"
            "    x = ds.features[list(train_set.indices) + extra]\n"
            "    return x.mean(dim=0), x.std(dim=0)"),
    },
    "mlp": {
        "ReLU after the output layer": _mlp(last="layers.append(nn.ReLU())"),
        "sigmoid after the output layer": _mlp(last="layers.append(nn.Sigmoid())"),
        "no activation at all": _mlp(act="nn.Identity()"),
        "layers in a plain list": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        sizes = [n_inputs, *hidden_sizes, n_outputs]
        self.layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
        return self.layers[-1](x)
""",
        "hidden_sizes ignored (the seed's fc1, fc2, fc3)": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        self.fc1 = nn.Linear(n_inputs, 100)
        self.fc2 = nn.Linear(100, 100)
        self.fc3 = nn.Linear(100, n_outputs)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
""",
        "n_inputs ignored": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        layers, n = [], 8
        for h in hidden_sizes:
            layers += [nn.Linear(n, h), nn.ReLU()]
            n = h
        self.layers = nn.Sequential(*layers, nn.Linear(n, n_outputs))

    def forward(self, x):
        return self.layers(x)
""",
        "one Linear reused for equal-sized layers": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        made = {}
        layers, n = [], n_inputs
        for h in hidden_sizes:
            if (n, h) not in made:
                made[(n, h)] = nn.Linear(n, h)
            layers += [made[(n, h)], nn.ReLU()]
            n = h
        self.layers = nn.Sequential(*layers, nn.Linear(n, n_outputs))

    def forward(self, x):
        return self.layers(x)
""",
        "not written": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        raise NotImplementedError()
""",
        'LeakyReLU instead of ReLU': 'class MLP(nn.Module):\n    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):\n        super().__init__()\n        layers = []\n        for n in hidden_sizes:\n            layers += [nn.Linear(n_inputs, n), nn.LeakyReLU(0.1)]\n            n_inputs = n\n        layers.append(nn.Linear(n_inputs, n_outputs))\n        self.layers = nn.Sequential(*layers)\n\n    def forward(self, x):\n        return self.layers(x)\n',
        "tanh hidden layers": _mlp(act="nn.Tanh()"),
        "sigmoid hidden layers (seed 000's activation)": _mlp(act="nn.Sigmoid()"),
    },
    "train_one_epoch": {
        "no zero_grad (gradients accumulate)": _EPOCH_HEAD + """    model.train()
    total, count = 0.0, 0
    for x, t in loader:
        loss = loss_fn(model(x.to(device)), t.to(device))
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
        "mean of the batch means": _EPOCH_HEAD + """    model.train()
    losses = []
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
""",
        "the seed's print: sum of batch means / samples": _EPOCH_HEAD + """    model.train()
    ep_running_loss, n_total = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
        ep_running_loss += loss.item()
        n_total += labels.shape[0]
    return ep_running_loss / n_total
""",
        "returns the last batch's loss": _EPOCH_HEAD + """    model.train()
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
    return loss.item()
""",
        "no optimizer.step()": _EPOCH_HEAD + """    model.train()
    total, count = 0.0, 0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
        "never calls model.train()": _EPOCH_HEAD + """    total, count = 0.0, 0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
        "MSE hard-coded, loss_fn ignored": _EPOCH_HEAD + """    model.train()
    total, count = 0.0, 0
    for x, t in loader:
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
        "returns a tensor": _EPOCH_HEAD + """    model.train()
    total, count = 0.0, 0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total = total + loss * len(x)
        count += len(x)
    return total / count
""",
        "divides by batches * batch_size": _EPOCH_HEAD + """    model.train()
    total = 0.0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    return total / (len(loader) * loader.batch_size)
""",
        "zero_grad between backward and step": _EPOCH_HEAD + """    model.train()
    total, count = 0.0, 0
    for x, t in loader:
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
    },
    "evaluate": {
        "no model.eval()": _EVAL_HEAD + """    total, count = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            total += loss_fn(model(x), t).item() * len(x)
            count += len(x)
    return total / count
""",
        "no torch.no_grad()": _EVAL_HEAD + """    model.eval()
    total, count = 0.0, 0
    for x, t in loader:
        total += loss_fn(model(x), t).item() * len(x)
        count += len(x)
    return total / count
""",
        "mean of the batch means": _EVAL_HEAD + """    model.eval()
    with torch.no_grad():
        losses = [loss_fn(model(x), t).item() for x, t in loader]
    return sum(losses) / len(losses)
""",
        "returns the RMSE": _EVAL_HEAD + """    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            total += loss_fn(model(x), t).item() * len(x)
            count += len(x)
    return (total / count) ** 0.5
""",
        "computes gradients (backward in evaluate)": _EVAL_HEAD + """    model.eval()
    total, count = 0.0, 0
    for x, t in loader:
        loss = loss_fn(model(x), t)
        loss.backward()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
        "MSE hard-coded": _EVAL_HEAD + """    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            total += F.mse_loss(model(x), t).item() * len(x)
            count += len(x)
    return total / count
""",
        "eval() inside the loop after the first batch": _EVAL_HEAD + """    total, count = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            total += loss_fn(model(x), t).item() * len(x)
            count += len(x)
            model.eval()
    return total / count
""",
    },
    "make_logger": {
        "basicConfig on the root logger": (
            "def make_logger(log_file, name='housing'):\n"
            "    logging.basicConfig(filename=log_file, level=logging.INFO, force=True)\n"
            "    return logging.getLogger(name)"),
        "no level: INFO is dropped": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.propagate = False\n"
            "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
            "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
        "a new handler on every call": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
            "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
        "also a StreamHandler to stderr": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
            "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
            "    logger.addHandler(logging.FileHandler(log_file))\n"
            "    logger.addHandler(logging.StreamHandler())\n    return logger"),
        "propagates to the root logger": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n"
            "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
            "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
        "name ignored": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger('housing')\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
            "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
            "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
        "forgets to return": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
            "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
            "    logger.addHandler(logging.FileHandler(log_file))"),
        'level DEBUG': "def make_logger(log_file, name='housing'):\n    logger = logging.getLogger(name)\n    logger.setLevel(logging.DEBUG)\n    logger.propagate = False\n    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n    logger.addHandler(logging.FileHandler(log_file))\n    return logger\n",
        'a stderr StreamHandler besides the file': "def make_logger(log_file, name='housing'):\n    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n    logger.addHandler(logging.FileHandler(log_file))\n    logger.addHandler(logging.StreamHandler())\n    return logger\n",
    },
    "fit": {
        "saves every epoch (the last model)": _fit(
            "        torch.save(model.state_dict(), checkpoint_path)"),
        "state_dict kept without a copy, saved at the end": _fit(
            "        if val_loss < best:\n            best = val_loss\n            best_state = model.state_dict()",
            "    torch.save(best_state, checkpoint_path)\n"),
        "best by training loss": _fit(
            "        if train_loss < best:\n            best = train_loss\n"
            "            torch.save(model.state_dict(), checkpoint_path)"),
        "keeps the worst (>)": _fit(
            "        if best == float('inf') or val_loss > best:\n            best = val_loss\n"
            "            torch.save(model.state_dict(), checkpoint_path)"),
        "best starts at 0: never saves": (
            _fit("        if val_loss < best:\n            best = val_loss\n"
                 "            torch.save(model.state_dict(), checkpoint_path)").replace('float("inf")', "0.0")),
        "saves the whole model object": _fit(
            "        if val_loss < best:\n            best = val_loss\n            torch.save(model, checkpoint_path)"),
        "validation before training in each epoch": _FIT_HEAD + """    history = {"train_loss": [], "val_loss": []}
    best = float("inf")
    for epoch in range(epochs):
        val_loss = evaluate(model, val_loader, loss_fn, device)
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        if val_loss < best:
            best = val_loss
            torch.save(model.state_dict(), checkpoint_path)
        if logger is not None:
            logger.info("epoch %d", epoch)
    return history
""",
        "validation loss = training loss": _FIT_HEAD + """    history = {"train_loss": [], "val_loss": []}
    best = float("inf")
    for epoch in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(train_loss)
        if train_loss < best:
            best = train_loss
            torch.save(model.state_dict(), checkpoint_path)
        if logger is not None:
            logger.info("epoch %d", epoch)
    return history
""",
        "logger ignored": _FIT_HEAD + """    history = {"train_loss": [], "val_loss": []}
    best = float("inf")
    for epoch in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        if val_loss < best:
            best = val_loss
            torch.save(model.state_dict(), checkpoint_path)
        print(f"epoch {epoch}: train {train_loss:.4f} val {val_loss:.4f}")
    return history
""",
        "history under other keys": _FIT_HEAD + """    history = {"train": [], "val": []}
    best = float("inf")
    for epoch in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train"].append(train_loss)
        history["val"].append(val_loss)
        if val_loss < best:
            best = val_loss
            torch.save(model.state_dict(), checkpoint_path)
        if logger is not None:
            logger.info("epoch %d", epoch)
    return history
""",
    },
}

RIGHT = {
    "set_seed": {
        "the seed's set_seed.py (without the use_deterministic_algorithms line)": """
def set_seed(seed=1):
    import os
    os.environ['PYTHONHASHSEED'] = str(seed)
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
""",
        "other order, every GPU": (
            "def set_seed(seed):\n    torch.manual_seed(seed)\n    torch.cuda.manual_seed_all(seed)\n"
            "    np.random.seed(seed)\n    random.seed(seed)"),
    },
    "california_housing_dataset": {
        "the seed's dataset.py: NumPy float32 rows in a list": _DATASET_HEAD + """    def __init__(self, features, targets):
        super().__init__()
        self.data = features.astype(np.float32)
        self.target = np.expand_dims(targets.astype(np.float32), axis=1)
        self.instances = [(d, t) for d, t in zip(self.data, self.target)]

    def __getitem__(self, id):
        data, target = self.instances[id]
        return data, target

    def __len__(self):
        return len(self.instances)
""",
        "from_numpy, a slice for the target": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.x = torch.from_numpy(np.array(features)).float()
        self.y = torch.from_numpy(np.array(targets)).float()

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i:i + 1]
""",
        "unsqueeze, tensors built once": _DATASET_HEAD + """    def __init__(self, features, targets):
        super().__init__()
        self.features = torch.as_tensor(features, dtype=torch.float32).clone()
        self.targets = torch.as_tensor(targets, dtype=torch.float32).unsqueeze(1).clone()

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
    },
    "split_dataset": {
        "integer lengths, the remainder to the test part": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    n = len(dataset)\n    n_train = int(fractions[0] * n)\n    n_val = int(fractions[1] * n)\n"
            "    lengths = [n_train, n_val, n - n_train - n_val]\n"
            "    return random_split(dataset, lengths, generator=torch.Generator().manual_seed(seed))"),
        "returns a tuple": (
            "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
            "    g = torch.Generator()\n    g.manual_seed(seed)\n"
            "    train, val, test = random_split(dataset, fractions, generator=g)\n    return train, val, test"),
    },
    "fit_standardizer": {
        "rows picked with train_set.indices": (
            "def fit_standardizer(train_set):\n"
            "    x = train_set.dataset.features[train_set.indices]\n"
            "    return x.mean(0), x.std(0)"),
        "NumPy, dividing by N": (
            "def fit_standardizer(train_set):\n"
            "    x = np.stack([np.asarray(x) for x, _ in train_set])\n"
            "    return torch.from_numpy(x.mean(axis=0)), torch.from_numpy(x.std(axis=0))"),
        "one DataLoader batch of the whole training set": (
            "def fit_standardizer(train_set):\n"
            "    x, _ = next(iter(DataLoader(train_set, batch_size=len(train_set))))\n"
            "    return x.mean(dim=0), x.std(dim=0, unbiased=False)"),
    },
    "mlp": {
        "ModuleList and F.relu": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        sizes = [n_inputs, *hidden_sizes]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.out = nn.Linear(sizes[-1], n_outputs)

    def forward(self, x):
        for layer in self.hidden:
            x = F.relu(layer(x))
        return self.out(x)
""",
        "named layers with add_module, the seed's F.relu": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        self.relu = F.relu
        self.n_layers = len(hidden_sizes) + 1
        sizes = [n_inputs, *hidden_sizes, n_outputs]
        for k in range(self.n_layers):
            self.add_module(f"fc{k + 1}", nn.Linear(in_features=sizes[k], out_features=sizes[k + 1]))

    def forward(self, x):
        for k in range(1, self.n_layers):
            x = self.relu(getattr(self, f"fc{k}")(x))
        return getattr(self, f"fc{self.n_layers}")(x)
""",
    },
    "train_one_epoch": {
        "step, then zero_grad at the end": _EPOCH_HEAD + """    model.train()
    running, n = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        running += loss.item() * inputs.size(0)
        n += inputs.size(0)
    return running / n
""",
        "model.zero_grad, divide by len(loader.dataset)": _EPOCH_HEAD + """    model.train()
    total = 0.0
    for i, (x, t) in enumerate(loader):
        x = x.to(device)
        t = t.to(device)
        model.zero_grad()
        y = model(x)
        loss = loss_fn(y, t)
        loss.backward()
        optimizer.step()
        total += float(loss.detach()) * x.shape[0]
    return total / len(loader.dataset)
""",
        "sum-reduction loss from the batch mean, numpy float": _EPOCH_HEAD + """    model.train()
    sums, sizes = [], []
    for x, t in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x.to(device)), t.to(device))
        loss.backward()
        optimizer.step()
        sums.append(loss.item() * len(t))
        sizes.append(len(t))
    return np.sum(sums) / np.sum(sizes)
""",
    },
    "evaluate": {
        "inference_mode, all outputs at once": _EVAL_HEAD + """    model.eval()
    outputs, targets = [], []
    with torch.inference_mode():
        for x, t in loader:
            outputs.append(model(x.to(device)))
            targets.append(t.to(device))
    return loss_fn(torch.cat(outputs), torch.cat(targets)).item()
""",
        "restores the previous mode afterwards": _EVAL_HEAD + """    was_training = model.training
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            x, t = x.to(device), t.to(device)
            total += loss_fn(model(x), t).item() * x.shape[0]
            n += x.shape[0]
    model.train(was_training)
    return total / n
""",
        "no_grad as a decorator": """
@torch.no_grad()
def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, sizes = [], []
    for x, t in loader:
        losses.append(loss_fn(model(x.to(device)), t.to(device)).item())
        sizes.append(len(x))
    return float(np.average(losses, weights=sizes))
""",
    },
    "make_logger": {
        "adds a handler only when there is none, echoes to stdout": (
            "import sys\n"
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
            "    if not logger.handlers:\n"
            "        fmt = logging.Formatter('%(asctime)s - %(levelname)s - %(message)s')\n"
            "        fh = logging.FileHandler(log_file, mode='a')\n        fh.setFormatter(fmt)\n"
            "        logger.addHandler(fh)\n"
            "        sh = logging.StreamHandler(sys.stdout)\n        sh.setFormatter(fmt)\n"
            "        logger.addHandler(sh)\n"
            "    return logger"),
        "handler-level INFO, logger-level DEBUG, mode 'w'": (
            "def make_logger(log_file, name='housing'):\n"
            "    logger = logging.getLogger(name)\n"
            "    while logger.handlers:\n        h = logger.handlers[0]\n        logger.removeHandler(h)\n"
            "        h.close()\n"
            "    handler = logging.FileHandler(str(log_file), mode='w', delay=True)\n"
            "    handler.setLevel(logging.INFO)\n    logger.addHandler(handler)\n"
            "    logger.setLevel(logging.DEBUG)\n    logger.propagate = False\n    return logger"),
    },
    "fit": {
        "deep copy in memory, saved at the end": _fit(
            "        if val_loss < best:\n            best = val_loss\n"
            "            best_state = copy.deepcopy(model.state_dict())",
            "    torch.save(best_state, checkpoint_path)\n"),
        "cloned tensors, epochs from 1, extra history keys": _FIT_HEAD + """    history = {"train_loss": [], "val_loss": [], "best_epoch": None}
    best_loss = None
    for epoch in progress(range(1, epochs + 1)):
        tr = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        va = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(tr)
        history["val_loss"].append(va)
        if best_loss is None or va < best_loss:
            best_loss = va
            history["best_epoch"] = epoch
            best = {k: v.detach().clone() for k, v in model.state_dict().items()}
            torch.save(best, checkpoint_path)
        if logger:
            logger.info(f"[{epoch:5d}] train loss: {tr:.3f}, val. loss: {va:.3f}")
    return history
""",
        "<= keeps the later of equal models": _fit(
            "        if val_loss <= best:\n            best = val_loss\n"
            "            torch.save(model.state_dict(), str(checkpoint_path))"),
    },
}

# Issue 16: the mistakes a hidden (or visible) case shows that the first corpus did not hold.
WRONG["set_seed"].update({
    "the seed's set_seed.py as is (replaces torch.use_deterministic_algorithms with True)": """
def set_seed(seed=1):
    import os
    os.environ['PYTHONHASHSEED'] = str(seed)
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.use_deterministic_algorithms = True
""",
    "a RandomState instead of NumPy's global generator": (
        "def set_seed(seed):\n    random.seed(seed)\n    state = np.random.RandomState(seed)\n    torch.manual_seed(seed)"),
    "a torch.Generator instead of the global one": (
        "def set_seed(seed):\n    random.seed(seed)\n    np.random.seed(seed)\n"
        "    generator = torch.Generator().manual_seed(seed)"),
    "only the GPUs' generators": (
        "def set_seed(seed):\n    random.seed(seed)\n    np.random.seed(seed)\n    torch.cuda.manual_seed_all(seed)"),
})
WRONG["california_housing_dataset"].update({
    "standardises the features inside the dataset": _DATASET_HEAD + """    def __init__(self, features, targets):
        x = torch.tensor(features, dtype=torch.float32)
        self.features = (x - x.mean(0)) / x.std(0)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[index]
""",
})
WRONG["split_dataset"].update({
    "two stages: 0.8/0.2, then the 0.2 halved": (
        "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
        "    g = torch.Generator().manual_seed(seed)\n"
        "    train, rest = random_split(dataset, [fractions[0], 1 - fractions[0]], generator=g)\n"
        "    val, test = random_split(rest, [0.5, 0.5], generator=g)\n    return [train, val, test]"),
})
WRONG["fit_standardizer"].update({
    "min and range (min-max scaling)": (
        "def fit_standardizer(train_set):\n    x = torch.stack([x for x, _ in train_set])\n"
        "    lo = x.min(dim=0).values\n    return lo, x.max(dim=0).values - lo"),
})
WRONG["mlp"].update({
    "GELU hidden layers": _mlp(act="nn.GELU()"),
    "ReLU on the input as well": _mlp().replace("        layers = []\n", "        layers = [nn.ReLU()]\n"),
    "dropout after each ReLU": _mlp(act="nn.ReLU(), nn.Dropout(0.2)"),
    "no biases": _mlp().replace("nn.Linear(n_inputs, n_hidden)", "nn.Linear(n_inputs, n_hidden, bias=False)").replace(
        "nn.Linear(n_inputs, n_outputs)", "nn.Linear(n_inputs, n_outputs, bias=False)"),
})
WRONG["train_one_epoch"].update({
    "model.eval() instead of model.train()": _EPOCH_HEAD + """    model.eval()
    total, count = 0.0, 0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
    "zero_grad once, before the loop": _EPOCH_HEAD + """    model.train()
    optimizer.zero_grad()
    total, count = 0.0, 0
    for x, t in loader:
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
""",
    "divides the weighted sum by the number of batches": _EPOCH_HEAD + """    model.train()
    total = 0.0
    for x, t in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    return total / len(loader)
""",
})
WRONG["evaluate"].update({
    "freezes the parameters (requires_grad_(False)) besides no_grad": _EVAL_HEAD + """    model.eval()
    model.requires_grad_(False)
    total, count = 0.0, 0
    with torch.no_grad():
        for x, t in loader:
            total += loss_fn(model(x), t).item() * len(x)
            count += len(x)
    return total / count
""",
})
WRONG["make_logger"].update({
    "level WARNING": (
        "def make_logger(log_file, name='housing'):\n"
        "    logger = logging.getLogger(name)\n    logger.setLevel(logging.WARNING)\n    logger.propagate = False\n"
        "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
        "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
    "INFO on the handler only (the logger stays at WARNING)": (
        "def make_logger(log_file, name='housing'):\n"
        "    logger = logging.getLogger(name)\n    logger.propagate = False\n"
        "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
        "    handler = logging.FileHandler(log_file)\n    handler.setLevel(logging.INFO)\n"
        "    logger.addHandler(handler)\n    return logger"),
    "propagates, and clears the root logger's handlers instead": (
        "def make_logger(log_file, name='housing'):\n"
        "    logging.getLogger().handlers.clear()\n"
        "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n"
        "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
        "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
    "removes the root logger's handlers too (against duplicate lines)": (
        "def make_logger(log_file, name='housing'):\n"
        "    logging.root.handlers = []\n"
        "    logger = logging.getLogger(name)\n    logger.setLevel(logging.INFO)\n    logger.propagate = False\n"
        "    for h in list(logger.handlers):\n        logger.removeHandler(h)\n        h.close()\n"
        "    logger.addHandler(logging.FileHandler(log_file))\n    return logger"),
})
WRONG["fit"].update({
    "saves to a fixed file name": _fit(
        "        if val_loss < best:\n            best = val_loss\n"
        "            torch.save(model.state_dict(), 'best_model.pt')"),
    "validates on the training loader": _fit(
        "        if val_loss < best:\n            best = val_loss\n"
        "            torch.save(model.state_dict(), checkpoint_path)").replace(
        "evaluate(model, val_loader, loss_fn, device)", "evaluate(model, train_loader, loss_fn, device)"),
    "one epoch too few (range(1, epochs))": _fit(
        "        if val_loss < best:\n            best = val_loss\n"
        "            torch.save(model.state_dict(), checkpoint_path)").replace("range(epochs)", "range(1, epochs)"),
    "logs only the epochs that improve": _FIT_HEAD + """    history = {"train_loss": [], "val_loss": []}
    best = float("inf")
    for epoch in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        if val_loss < best:
            best = val_loss
            torch.save(model.state_dict(), checkpoint_path)
            if logger is not None:
                logger.info("epoch %d: best so far", epoch)
    return history
""",
})
RIGHT["set_seed"].update({
    "seeds, then calls torch.use_deterministic_algorithms(False)": (
        "def set_seed(seed):\n    random.seed(seed)\n    np.random.seed(seed)\n    torch.manual_seed(seed)\n"
        "    torch.use_deterministic_algorithms(False)"),
})
RIGHT["california_housing_dataset"].update({
    "targets kept as a row (1, N), a column sliced out": _DATASET_HEAD + """    def __init__(self, features, targets):
        self.features = torch.tensor(features, dtype=torch.float32)
        self.targets = torch.tensor(targets, dtype=torch.float32).reshape(1, -1)
    def __len__(self):
        return len(self.features)
    def __getitem__(self, index):
        return self.features[index], self.targets[:, index]
""",
    "a list [x, t] per sample": _DATASET_HEAD + """    def __init__(self, features, targets):
        super().__init__()
        self.x = torch.tensor(features, dtype=torch.float32)
        self.t = torch.tensor(targets, dtype=torch.float32).view(-1, 1)

    def __len__(self):
        return len(self.t)

    def __getitem__(self, i):
        return [self.x[i], self.t[i]]
""",
})
RIGHT["split_dataset"].update({
    "the global generator inside fork_rng (nothing leaks out)": (
        "def split_dataset(dataset, fractions=(0.8, 0.1, 0.1), seed=0):\n"
        "    with torch.random.fork_rng():\n        torch.manual_seed(seed)\n"
        "        return random_split(dataset, list(fractions))"),
})
RIGHT["fit_standardizer"].update({
    "torch.var_mean, then the square root": (
        "def fit_standardizer(train_set):\n    x = torch.stack([torch.as_tensor(x) for x, _ in train_set])\n"
        "    var, mean = torch.var_mean(x, dim=0)\n    return mean, var.sqrt()"),
})
RIGHT["mlp"].update({
    "torch.relu over a ModuleList of all the layers": """
class MLP(nn.Module):
    def __init__(self, n_inputs=8, hidden_sizes=(100, 100), n_outputs=1):
        super().__init__()
        sizes = [n_inputs, *hidden_sizes, n_outputs]
        self.linears = nn.ModuleList([nn.Linear(sizes[k], sizes[k + 1]) for k in range(len(sizes) - 1)])

    def forward(self, x):
        *hidden, last = self.linears
        for layer in hidden:
            x = torch.relu(layer(x))
        return last(x)
""",
})
RIGHT["make_logger"].update({
    "level as the string 'INFO', hasHandlers guard": (
        "def make_logger(log_file, name='housing'):\n"
        "    logger = logging.getLogger(name)\n    logger.setLevel('INFO')\n    logger.propagate = False\n"
        "    for h in logger.handlers[:]:\n        h.close()\n        logger.removeHandler(h)\n"
        "    fh = logging.FileHandler(filename=log_file, encoding='utf-8')\n"
        "    fh.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(message)s'))\n"
        "    logger.addHandler(fh)\n    return logger"),
})
RIGHT["fit"].update({
    "a tqdm bar of its own (the bar is not graded)": _FIT_HEAD + """    from tqdm.auto import tqdm
    history = {"train_loss": [], "val_loss": []}
    best = float("inf")
    for epoch in tqdm(range(epochs), desc="epochs"):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        if val_loss < best:
            best = val_loss
            torch.save(model.state_dict(), checkpoint_path)
        if logger is not None:
            logger.info("epoch %d train %.4f val %.4f", epoch, train_loss, val_loss)
    return history
""",
})
