"""Wrong and differently-right answers for 08_cnn_cifar10."""
ASSIGNMENT = "08_cnn_cifar10"

_CONV = "feature_map = [[411, 456, 501], [636, 681, 726], [861, 906, 951]]\n"
_POOL = "pooled = [[13, 14, 15], [18, 19, 20], [23, 24, 25]]\n"


def _cnn(init: str, forward: str) -> str:
    return ("class SimpleCNN(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            + "".join(f"        {line}\n" for line in init.strip().splitlines())
            + "\n    def forward(self, x):\n"
            + "".join(f"        {line}\n" for line in forward.strip().splitlines()))


_REF_INIT = """
self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
self.pool = nn.MaxPool2d(2)
self.fc = nn.Linear(64 * 8 * 8, 10)
"""
_REF_FORWARD = """
x = self.pool(F.relu(self.conv1(x)))
x = self.pool(F.relu(self.conv2(x)))
x = torch.flatten(x, 1)
"""

_TRAIN_REF = """
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (outputs.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen
"""

_EVAL_REF = """
def evaluate(model, loader, device):
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            seen += len(labels)
    return correct / seen
"""

WRONG = {
    "conv_by_hand": {
        "kernel flipped (true convolution)": (
            "feature_map = [[219, 264, 309], [444, 489, 534], [669, 714, 759]]\n" + _POOL),
        "kernel transposed": (
            "import numpy as _np\n_x = _np.arange(1, 26).reshape(5, 5); _k = _np.arange(1, 10).reshape(3, 3).T\n"
            "feature_map = [[int((_x[i:i+3, j:j+3] * _k).sum()) for j in range(3)] for i in range(3)]\n" + _POOL),
        "only the first entry right": "feature_map = [[411, 411, 411], [411, 411, 411], [411, 411, 411]]\n" + _POOL,
        "with padding 1 (5x5)": (
            "import numpy as _np\n_x = _np.pad(_np.arange(1, 26).reshape(5, 5), 1); _k = _np.arange(1, 10).reshape(3, 3)\n"
            "feature_map = [[int((_x[i:i+3, j:j+3] * _k).sum()) for j in range(5)] for i in range(5)]\n" + _POOL),
        "rows and columns swapped": "feature_map = [[411, 636, 861], [456, 681, 906], [501, 726, 951]]\n" + _POOL,
        "pool: average instead of max": _CONV + "pooled = [[7, 8, 9], [12, 13, 14], [17, 18, 19]]\n",
        "pool: stride 2 (2x2)": _CONV + "pooled = [[13, 15], [23, 25]]\n",
        "pool: minimum": _CONV + "pooled = [[1, 2, 3], [6, 7, 8], [11, 12, 13]]\n",
        "pool: window sums": _CONV + "pooled = [[63, 72, 81], [108, 117, 126], [153, 162, 171]]\n",
    },
    "conv_output_size": {
        "no floor (true division)": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                    "    return (input_size - kernel_size + 2 * padding) / stride + 1",
        "np.floor returns a float": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                    "    return np.floor((input_size - kernel_size + 2 * padding) / stride) + 1",
        "no + 1": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                  "    return (input_size - kernel_size + 2 * padding) // stride",
        "padding counted once": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                "    return (input_size - kernel_size + padding) // stride + 1",
        "ceil instead of floor": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                 "    return -(-(input_size - kernel_size + 2 * padding) // stride) + 1",
        "round instead of floor": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                  "    return round((input_size - kernel_size + 2 * padding) / stride) + 1",
        "stride and padding swapped": "def conv_output_size(input_size, kernel_size, stride=1, padding=0):\n"
                                      "    return (input_size - kernel_size + 2 * padding) // stride + 1",
        "+1 inside the division": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                  "    return (input_size - kernel_size + 2 * padding + 1) // stride",
    },
    "simple_cnn": {
        "softmax in forward": _cnn(_REF_INIT, _REF_FORWARD + "return F.softmax(self.fc(x), dim=1)"),
        "ReLU after the last layer": _cnn(_REF_INIT, _REF_FORWARD + "return F.relu(self.fc(x))"),
        "over the parameter budget": _cnn(
            _REF_INIT.replace("self.fc = nn.Linear(64 * 8 * 8, 10)",
                              "self.fc1 = nn.Linear(64 * 8 * 8, 512)\nself.fc = nn.Linear(512, 10)"),
            _REF_FORWARD + "return self.fc(F.relu(self.fc1(x)))"),
        "over the compute budget": _cnn(
            "self.c1 = nn.Conv2d(3, 96, 3, padding=1)\nself.c2 = nn.Conv2d(96, 96, 3, padding=1)\n"
            "self.c3 = nn.Conv2d(96, 96, 3, padding=1)\nself.fc = nn.Linear(96, 10)",
            "x = F.relu(self.c3(F.relu(self.c2(F.relu(self.c1(x))))))\n"
            "return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))"),
        "batch size hard-coded in view": _cnn(_REF_INIT, _REF_FORWARD.replace(
            "x = torch.flatten(x, 1)", "x = x.view(16, -1)") + "return self.fc(x)"),
        "only one convolution (an MLP on pooled pixels)": _cnn(
            "self.conv1 = nn.Conv2d(3, 16, 3, padding=1)\nself.fc = nn.Linear(16 * 16 * 16, 10)",
            "return self.fc(torch.flatten(F.max_pool2d(F.relu(self.conv1(x)), 2), 1))"),
        "100 classes": _cnn(_REF_INIT.replace("64 * 8 * 8, 10", "64 * 8 * 8, 100"),
                            _REF_FORWARD + "return self.fc(x)"),
        "detached features": _cnn(_REF_INIT, _REF_FORWARD + "return self.fc(x.detach())"),
        "in-place normalisation of the input": _cnn(_REF_INIT, "x.sub_(0.5)\n" + _REF_FORWARD + "return self.fc(x)"),
        "no classifier flatten (1x1 conv head)": _cnn(
            "self.conv1 = nn.Conv2d(3, 32, 3, padding=1)\nself.conv2 = nn.Conv2d(32, 10, 3, padding=1)",
            "return F.adaptive_avg_pool2d(self.conv2(F.relu(self.conv1(x))), 1)"),
        "needs an argument": _cnn(_REF_INIT, _REF_FORWARD + "return self.fc(x)").replace(
            "def __init__(self):", "def __init__(self, num_classes):"),
        "not written": "class SimpleCNN(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                       "        raise NotImplementedError()",
    },
    "get_device": {
        "always the CPU": "def get_device():\n    return torch.device('cpu')",
        "ignores MPS": "def get_device():\n    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
        "MPS before CUDA": ("def get_device():\n    if torch.backends.mps.is_available():\n        return torch.device('mps')\n"
                            "    if torch.cuda.is_available():\n        return torch.device('cuda')\n"
                            "    return torch.device('cpu')"),
        "'gpu' is not a device": "def get_device():\n    return 'gpu' if torch.cuda.is_available() else 'cpu'",
        "returns the availability": "def get_device():\n    return torch.cuda.is_available()",
        "always CUDA": "def get_device():\n    return torch.device('cuda')",
        "compile-time accelerator (not checked for availability)": (
            "def get_device():\n    return torch.accelerator.current_accelerator() or torch.device('cpu')"),
    },
    "train_one_epoch": {
        "no zero_grad": _TRAIN_REF.replace("        optimizer.zero_grad()\n", ""),
        "no model.train()": _TRAIN_REF.replace("    model.train()\n", ""),
        "no optimizer.step()": _TRAIN_REF.replace("        optimizer.step()\n", ""),
        "gradient ascent": _TRAIN_REF.replace("loss.backward()", "(-loss).backward()"),
        "step before backward": _TRAIN_REF.replace("        loss.backward()\n        optimizer.step()\n",
                                                   "        optimizer.step()\n        loss.backward()\n"),
        "sum of batch losses, not the mean": _TRAIN_REF.replace("return total_loss / seen,", "return total_loss,"),
        "batch means divided by the number of images": _TRAIN_REF.replace(
            "total_loss += loss.item() * len(labels)", "total_loss += loss.item()"),
        "accuracy as a count": _TRAIN_REF.replace("correct / seen", "correct"),
        "accuracy in percent": _TRAIN_REF.replace("correct / seen", "100 * correct / seen"),
        "returns tensors": _TRAIN_REF.replace("loss.item() * len(labels)", "loss.detach() * len(labels)"),
        "ignores loss_fn": _TRAIN_REF.replace("loss = loss_fn(outputs, labels)",
                                              "loss = F.cross_entropy(outputs, labels)"),
        "makes its own optimizer": _TRAIN_REF.replace(
            "    model.train()\n", "    model.train()\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"),
        "argmax over the batch axis": _TRAIN_REF.replace("outputs.argmax(dim=1)", "outputs.argmax(dim=0)"),
        "accuracy after the update (second forward)": _TRAIN_REF.replace(
            "correct += (outputs.argmax(dim=1) == labels).sum().item()",
            "correct += (model(images).argmax(dim=1) == labels).sum().item()"),
        "only the first batch": _TRAIN_REF.replace("        seen += len(labels)\n",
                                                   "        seen += len(labels)\n        break\n"),
        "seed style: mean of batch losses, numpy (wrong when the last batch is smaller)": (
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n"
            "    losses, hits, n = [], 0, 0\n    for i, (x, t) in enumerate(loader):\n"
            "        x, t = x.to(device), t.to(device)\n        optimizer.zero_grad()\n        y = model(x)\n"
            "        loss = loss_fn(y, t)\n        loss.backward()\n        optimizer.step()\n"
            "        losses.append(loss.item())\n        hits += int((y.detach().cpu().numpy().argmax(axis=1) == t.cpu().numpy()).sum())\n"
            "        n += len(t)\n    return float(np.mean(losses)), hits / n"),
    },
    "evaluate": {
        "no model.eval()": _EVAL_REF.replace("    model.eval()\n", ""),
        "no torch.no_grad()": _EVAL_REF.replace("    with torch.no_grad():\n        for", "    if True:\n        for"),
        "mean of per-batch accuracies": (
            "def evaluate(model, loader, device):\n    model.eval()\n    accs = []\n    with torch.no_grad():\n"
            "        for x, y in loader:\n            accs.append((model(x.to(device)).argmax(1) == y.to(device)).float().mean().item())\n"
            "    return sum(accs) / len(accs)"),
        "returns the count": _EVAL_REF.replace("return correct / seen", "return correct"),
        "returns a percentage": _EVAL_REF.replace("return correct / seen", "return 100 * correct / seen"),
        "returns a tensor": _EVAL_REF.replace(".sum().item()", ".sum()"),
        "argmax over the batch axis": _EVAL_REF.replace("argmax(dim=1)", "argmax(dim=0)"),
        "error rate": _EVAL_REF.replace("return correct / seen", "return 1 - correct / seen"),
        "model.train() inside": _EVAL_REF.replace("model.eval()", "model.train()"),
        "divides by the number of batches": _EVAL_REF.replace("seen += len(labels)", "seen += 1").replace(
            "return correct / seen", "return correct / seen / len(labels)"),
    },
    "save_checkpoint": {
        "the whole model object": "def save_checkpoint(model, path):\n    torch.save(model, path)",
        "parameters only (no batch-norm buffers)": (
            "def save_checkpoint(model, path):\n    torch.save(dict(model.named_parameters()), path)"),
        "a list of parameters": "def save_checkpoint(model, path):\n    torch.save(list(model.parameters()), path)",
        "the state_dict method, not its result": "def save_checkpoint(model, path):\n    torch.save(model.state_dict, path)",
        "another file name": "def save_checkpoint(model, path):\n    torch.save(model.state_dict(), str(path) + '.best')",
        "modifies the model (eval mode)": ("def save_checkpoint(model, path):\n    model.eval()\n"
                                           "    torch.save(model.state_dict(), path)"),
        "saves only the first save": ("import os\ndef save_checkpoint(model, path):\n    if not os.path.exists(path):\n"
                                      "        torch.save(model.state_dict(), path)"),
    },
}

RIGHT = {
    "conv_by_hand": {
        "nested lists": _CONV + _POOL,
        "computed with NumPy": (
            "feature_map = np.array([[np.sum(x5[i:i+3, j:j+3] * k3) for j in range(3)] for i in range(3)])\n"
            "pooled = np.array([[x5[i:i+3, j:j+3].max() for j in range(3)] for i in range(3)])"),
        "floats": ("feature_map = np.array([[411., 456., 501.], [636., 681., 726.], [861., 906., 951.]])\n"
                   "pooled = np.array([[13., 14., 15.], [18., 19., 20.], [23., 24., 25.]])"),
    },
    "conv_output_size": {
        "floor division": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                          "    return (input_size - kernel_size + 2 * padding) // stride + 1",
        "book style: 1 + int(...)": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                                    "    return 1 + int((input_size + 2 * padding - kernel_size) / stride)",
        "math.floor": "import math\ndef conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                      "    return math.floor((input_size - kernel_size + 2 * padding) / stride) + 1",
        "counting window positions": (
            "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n    count, start = 0, 0\n"
            "    while start + kernel_size <= input_size + 2 * padding:\n        count += 1\n        start += stride\n"
            "    return count"),
        "numpy integer": "def conv_output_size(input_size, kernel_size, padding=0, stride=1):\n"
                         "    return np.int64(input_size - kernel_size + 2 * padding) // stride + 1",
    },
    "simple_cnn": {
        "seed-style two conv blocks": _cnn(_REF_INIT, _REF_FORWARD + "return self.fc(x)"),
        "PyTorch tutorial LeNet (6, 16 channels, three linear layers)": _cnn(
            "self.conv1 = nn.Conv2d(3, 6, 5)\nself.pool = nn.MaxPool2d(2, 2)\nself.conv2 = nn.Conv2d(6, 16, 5)\n"
            "self.fc1 = nn.Linear(16 * 5 * 5, 120)\nself.fc2 = nn.Linear(120, 84)\nself.fc3 = nn.Linear(84, 10)",
            "x = self.pool(F.relu(self.conv1(x)))\nx = self.pool(F.relu(self.conv2(x)))\n"
            "x = x.view(x.size(0), -1)\nx = F.relu(self.fc1(x))\nx = F.relu(self.fc2(x))\nreturn self.fc3(x)"),
        "Sequential with batch norm, dropout and global pooling": _cnn(
            "self.net = nn.Sequential(\n"
            "    nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),\n"
            "    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),\n"
            "    nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.AdaptiveMaxPool2d(1),\n"
            "    nn.Flatten(), nn.Dropout(0.2), nn.Linear(128, 10))",
            "return self.net(x)"),
        "log_softmax output (harmless with CrossEntropyLoss)": _cnn(
            _REF_INIT, _REF_FORWARD + "return F.log_softmax(self.fc(x), dim=1)"),
        "optional argument with a default": _cnn(
            _REF_INIT.replace("64 * 8 * 8, 10", "64 * 8 * 8, num_classes"),
            _REF_FORWARD + "return self.fc(x)").replace("def __init__(self):", "def __init__(self, num_classes=10):"),
    },
    "get_device": {
        "seed style with strings": ("def get_device():\n    device = 'cuda' if torch.cuda.is_available() else "
                                    "('mps' if torch.backends.mps.is_available() else 'cpu')\n    return device"),
        "torch.device objects": ("def get_device():\n    if torch.cuda.is_available():\n        return torch.device('cuda')\n"
                                 "    elif torch.backends.mps.is_available():\n        return torch.device('mps')\n"
                                 "    else:\n        return torch.device('cpu')"),
        "cuda:0": ("def get_device():\n    if torch.cuda.device_count() > 0:\n        return torch.device('cuda:0')\n"
                   "    return torch.device('mps' if torch.backends.mps.is_available() else 'cpu')"),
        "torch.accelerator (PyTorch 2.6+)": (
            "def get_device():\n    if torch.accelerator.is_available():\n"
            "        return torch.accelerator.current_accelerator()\n    return torch.device('cpu')"),
    },
    "train_one_epoch": {
        "reference": _TRAIN_REF,
        "tutorial style: len(loader.dataset), torch.max, zero_grad last": (
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n"
            "    running_loss, correct = 0.0, 0\n    for inputs, targets in loader:\n"
            "        inputs = inputs.to(device)\n        targets = targets.to(device)\n"
            "        outputs = model(inputs)\n        loss = loss_fn(outputs, targets)\n        loss.backward()\n"
            "        optimizer.step()\n        optimizer.zero_grad(set_to_none=True)\n"
            "        running_loss += loss.item() * inputs.size(0)\n        _, predicted = torch.max(outputs.data, 1)\n"
            "        correct += (predicted == targets).sum().item()\n"
            "    n = len(loader.dataset)\n    return running_loss / n, correct / n"),
    },
    "evaluate": {
        "reference": _EVAL_REF,
        "inference_mode, torch.max, restores train mode": (
            "def evaluate(model, loader, device):\n    was_training = model.training\n    model.eval()\n"
            "    correct = total = 0\n    with torch.inference_mode():\n        for images, labels in loader:\n"
            "            outputs = model(images.to(device))\n            _, predicted = torch.max(outputs, 1)\n"
            "            total += labels.size(0)\n            correct += (predicted.cpu() == labels).sum().item()\n"
            "    model.train(was_training)\n    return correct / total"),
        "collect predictions, numpy at the end": (
            "def evaluate(model, loader, device):\n    model.eval()\n    preds, truth = [], []\n"
            "    with torch.no_grad():\n        for x, y in loader:\n            preds.append(model(x.to(device)).argmax(1).cpu())\n"
            "            truth.append(y)\n    return float((torch.cat(preds) == torch.cat(truth)).float().mean())"),
    },
    "save_checkpoint": {
        "reference: CPU copies": ("def save_checkpoint(model, path):\n"
                                  "    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, path)"),
        "seed style: the state_dict as is": "def save_checkpoint(model, path):\n    torch.save(model.state_dict(), path)",
        "tutorial style: a dict with the state_dict inside": (
            "def save_checkpoint(model, path):\n"
            "    torch.save({'model_state_dict': model.state_dict(), 'note': 'best'}, path)"),
        "deepcopy to the CPU": ("def save_checkpoint(model, path):\n"
                                "    torch.save(copy.deepcopy(model).cpu().state_dict(), str(path))"),
    },
}

# Issue 16: the mistakes a hidden (or visible) case shows that the first corpus did not hold.
WRONG["save_checkpoint"].update({
    "moves the model to the CPU (model.cpu())": (
        "def save_checkpoint(model, path):\n    torch.save(model.cpu().state_dict(), path)"),
    "model.to('cpu') before saving": (
        "def save_checkpoint(model, path):\n    model.to('cpu')\n    torch.save(model.state_dict(), path)"),
    "to the CPU and back": (
        "def save_checkpoint(model, path):\n    device = next(model.parameters()).device\n    model.cpu()\n"
        "    torch.save(model.state_dict(), path)\n    model.to(device)"),
    "half precision": (
        "def save_checkpoint(model, path):\n"
        "    torch.save({k: v.detach().cpu().half() for k, v in model.state_dict().items()}, path)"),
    "NumPy arrays instead of tensors": (
        "def save_checkpoint(model, path):\n"
        "    torch.save({k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}, path)"),
})
WRONG["evaluate"].update({
    "freezes the parameters (requires_grad_(False)) besides no_grad": _EVAL_REF.replace(
        "    model.eval()\n", "    model.eval()\n    model.requires_grad_(False)\n"),
    "requires_grad_(False) instead of no_grad": _EVAL_REF.replace(
        "    model.eval()\n", "    model.eval()\n    model.requires_grad_(False)\n").replace(
        "    with torch.no_grad():\n        for", "    if True:\n        for"),
})
WRONG["train_one_epoch"].update({
    "mean of per-batch accuracies": (
        "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n"
        "    total_loss, seen, accs = 0.0, 0, []\n    for images, labels in loader:\n"
        "        images, labels = images.to(device), labels.to(device)\n        outputs = model(images)\n"
        "        loss = loss_fn(outputs, labels)\n        optimizer.zero_grad()\n        loss.backward()\n"
        "        optimizer.step()\n        total_loss += loss.item() * len(labels)\n        seen += len(labels)\n"
        "        accs.append((outputs.argmax(dim=1) == labels).float().mean().item())\n"
        "    return total_loss / seen, sum(accs) / len(accs)"),
    "model.eval() instead of model.train()": _TRAIN_REF.replace("    model.train()\n", "    model.eval()\n"),
    "zero_grad once, before the loop": _TRAIN_REF.replace("        optimizer.zero_grad()\n", "").replace(
        "    model.train()\n", "    model.train()\n    optimizer.zero_grad()\n"),
})
WRONG["simple_cnn"].update({
    "softmax over the batch axis": _cnn(_REF_INIT, _REF_FORWARD + "return F.softmax(self.fc(x), dim=0)"),
    "sigmoid after the last layer": _cnn(_REF_INIT, _REF_FORWARD + "return torch.sigmoid(self.fc(x))"),
})
WRONG["get_device"].update({
    "is_available not called (a function is always true)": (
        "def get_device():\n    if torch.cuda.is_available:\n        return torch.device('cuda')\n"
        "    if torch.backends.mps.is_available():\n        return torch.device('mps')\n    return torch.device('cpu')"),
    "MPS built rather than available": (
        "def get_device():\n    if torch.cuda.is_available():\n        return torch.device('cuda')\n"
        "    if torch.backends.mps.is_built():\n        return torch.device('mps')\n    return torch.device('cpu')"),
})
RIGHT["save_checkpoint"].update({
    "OrderedDict of .to('cpu') clones": (
        "from collections import OrderedDict\ndef save_checkpoint(model, path):\n"
        "    state = OrderedDict((k, v.to('cpu').clone()) for k, v in model.state_dict().items())\n"
        "    torch.save(state, path)"),
    "deep copy of the state_dict, a loop, an open file": (
        "def save_checkpoint(model, path):\n    state = copy.deepcopy(model.state_dict())\n"
        "    for k in state:\n        state[k] = state[k].cpu()\n"
        "    with open(path, 'wb') as f:\n        torch.save(state, f)"),
})
RIGHT["train_one_epoch"].update({
    "tensor counters, float() at the end": (
        "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n"
        "    loss_sum = torch.zeros(())\n    hits = torch.zeros((), dtype=torch.long)\n    n = 0\n"
        "    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n        optimizer.zero_grad()\n"
        "        logits = model(x)\n        loss = loss_fn(logits, y)\n        loss.backward()\n        optimizer.step()\n"
        "        loss_sum += loss.detach() * y.numel()\n        hits += (logits.argmax(1) == y).sum()\n"
        "        n += y.numel()\n    return float(loss_sum) / n, float(hits) / n"),
})
RIGHT["evaluate"].update({
    "model.train(False), sum over a generator": (
        "def evaluate(model, loader, device):\n    model.train(False)\n    with torch.no_grad():\n"
        "        pairs = [((model(x.to(device)).argmax(1) == y.to(device)).sum().item(), len(y)) for x, y in loader]\n"
        "    return sum(c for c, _ in pairs) / sum(n for _, n in pairs)"),
})
RIGHT["simple_cnn"].update({
    "GELU activations, nn.Flatten, reshape": _cnn(
        "self.conv1 = nn.Conv2d(3, 16, 3, padding=1)\nself.conv2 = nn.Conv2d(16, 32, 3, padding=1)\n"
        "self.act = nn.GELU()\nself.flat = nn.Flatten()\nself.fc = nn.Linear(32 * 8 * 8, 10)",
        "x = F.max_pool2d(self.act(self.conv1(x)), 2)\nx = F.max_pool2d(self.act(self.conv2(x)), 2)\n"
        "return self.fc(self.flat(x))"),
})
