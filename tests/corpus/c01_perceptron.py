"""Wrong and differently-right answers for 01_perceptron."""
ASSIGNMENT = "01_perceptron"

WRONG = {
    "perceptron": {
        ">= instead of >": "def perceptron(x, w, b):\n    return 1 if np.dot(x, w) + b >= 0 else 0",
        "bias subtracted": "def perceptron(x, w, b):\n    return 1 if np.dot(x, w) - b > 0 else 0",
        "returns the sum": "def perceptron(x, w, b):\n    return np.dot(x, w) + b",
        "inverted output": "def perceptron(x, w, b):\n    return 0 if np.dot(x, w) + b > 0 else 1",
        "ignores bias": "def perceptron(x, w, b):\n    return int(np.dot(x, w) > 0)",
        "returns array": "def perceptron(x, w, b):\n    return (np.asarray(x) * w + b > 0).astype(int)",
        "mutates x": ("def perceptron(x, w, b):\n    x = np.asarray(x)\n    x *= 1\n    x[...] = x * w\n"
                      "    return 1 if x.sum() + b > 0 else 0"),
        "only first input": "def perceptron(x, w, b):\n    return 1 if x[0] * w[0] + b > 0 else 0",
        "not written": "def perceptron(x, w, b):\n    raise NotImplementedError()",
    },
    "and": {
        "OR weights": "def AND(x1, x2):\n    return perceptron([x1, x2], [0.5, 0.5], -0.2)",
        "always 0": "def AND(x1, x2):\n    return 0",
        "bool-or": "def AND(x1, x2):\n    return int(x1 or x2)",
    },
    "nand": {
        "is AND": "def NAND(x1, x2):\n    return perceptron([x1, x2], [0.5, 0.5], -0.7)",
        "is NOR": "def NAND(x1, x2):\n    return perceptron([x1, x2], [-0.5, -0.5], 0.2)",
        "returns -1/0": "def NAND(x1, x2):\n    return -perceptron([x1, x2], [0.5, 0.5], -0.7)",
    },
    "or": {
        "is AND": "def OR(x1, x2):\n    return perceptron([x1, x2], [0.5, 0.5], -0.7)",
        "returns sum": "def OR(x1, x2):\n    return x1 + x2",
        "returns True/False array": "def OR(x1, x2):\n    return np.array([x1, x2]) > 0",
    },
    "xor": {
        "is OR": "def XOR(x1, x2):\n    return OR(x1, x2)",
        "is NAND": "def XOR(x1, x2):\n    return NAND(x1, x2)",
        "XNOR": "def XOR(x1, x2):\n    return 1 - AND(NAND(x1, x2), OR(x1, x2))",
        "one perceptron": "def XOR(x1, x2):\n    return perceptron([x1, x2], [1.0, -1.0], -0.5)",
    },
}

RIGHT = {
    "perceptron": {
        "book style, explicit bias": (
            "def perceptron(x, w, b):\n    x = np.array(x)\n    w = np.array(w)\n"
            "    tmp = np.sum(w * x) + b\n    if tmp <= 0:\n        return 0\n    else:\n        return 1"),
        "loop": ("def perceptron(x, w, b):\n    s = b\n    for xi, wi in zip(x, w):\n        s += xi * wi\n"
                 "    return int(s > 0)"),
        "seed style, bias as a third weight": (
            "def perceptron(x, w, b):\n    xx = np.append(np.asarray(x, float), 1)\n"
            "    ww = np.append(np.asarray(w, float), b)\n    y = np.dot(xx, ww)\n"
            "    ans = 0\n    if y <= 0:\n        ans = 0\n    else:\n        ans = 1\n    return ans"),
        "numpy int result": "def perceptron(x, w, b):\n    return (np.dot(x, w) + b > 0).astype(np.int64)",
        "numpy where, 0-d": "def perceptron(x, w, b):\n    return np.where(np.dot(x, w) + b > 0, 1, 0)",
    },
    "and": {
        "seed weights (1, 1, -1)": "def AND(x1, x2):\n    return perceptron([x1, x2], [1, 1], -1)",
        "book, no perceptron call": (
            "def AND(x1, x2):\n    x = np.array([x1, x2])\n    w = np.array([0.5, 0.5])\n    b = -0.7\n"
            "    tmp = np.sum(w*x) + b\n    if tmp <= 0:\n        return 0\n    else:\n        return 1"),
    },
    "nand": {
        "seed weights (-1, -1, 1.1)": "def NAND(x1, x2):\n    return perceptron([x1, x2], [-1, -1], 1.1)",
        "via AND": "def NAND(x1, x2):\n    return 1 - AND(x1, x2)",
    },
    "or": {
        "seed weights (1, 1, 0)": "def OR(x1, x2):\n    return perceptron([x1, x2], [1, 1], 0)",
        "large weights": "def OR(x1, x2):\n    return perceptron(np.array([x1, x2]), np.array([10.0, 10.0]), -5.0)",
    },
    "xor": {
        "seed order": "def XOR(x1, x2):\n    s1 = OR(x1, x2)\n    s2 = NAND(x1, x2)\n    return AND(s1, s2)",
        "one line": "def XOR(x1, x2):\n    return AND(NAND(x1, x2), OR(x1, x2))",
    },
}

# Issue 12: more right styles, written from the statements (arrays in, one number out).
RIGHT["perceptron"].update({
    "the book's np.sum(w * x), arrays only": (
        "def perceptron(x, w, b):\n    tmp = np.sum(w * x) + b\n    if tmp <= 0:\n        return 0\n"
        "    else:\n        return 1"),
    "matmul operator": "def perceptron(x, w, b):\n    return int(x @ w + b > 0)",
    "generator sum": "def perceptron(x, w, b):\n    return 1 if sum(wi * xi for wi, xi in zip(w, x)) + b > 0 else 0",
    "numpy integer from a bool": "def perceptron(x, w, b):\n    return np.int64(np.sum(x * w) + b > 0)",
    "index loop": ("def perceptron(x, w, b):\n    total = b\n    for i in range(len(x)):\n"
                   "        total = total + w[i] * x[i]\n    return 1 if total > 0 else 0"),
})
RIGHT["and"].update({
    "arrays, weights (1, 1), b = -1.5": "def AND(x1, x2):\n    return perceptron(np.array([x1, x2]), np.array([1.0, 1.0]), -1.5)",
    "the notes' bias as a third input": (
        "def AND(x1, x2):\n    x = np.array([x1, x2, 1])\n    w = np.array([1, 1, -1])\n    return perceptron(x, w, 0)"),
})
RIGHT["nand"].update({
    "the book, no perceptron call": (
        "def NAND(x1, x2):\n    x = np.array([x1, x2])\n    w = np.array([-0.5, -0.5])\n    b = 0.7\n"
        "    tmp = np.sum(w*x) + b\n    if tmp <= 0:\n        return 0\n    else:\n        return 1"),
    "the notes' bias as a third input": (
        "def NAND(x1, x2):\n    x = np.array([x1, x2, 1])\n    w = np.array([-1, -1, 1.1])\n    return perceptron(x, w, 0)"),
})
RIGHT["or"].update({
    "the book, no perceptron call": (
        "def OR(x1, x2):\n    x = np.array([x1, x2])\n    w = np.array([0.5, 0.5])\n    b = -0.2\n"
        "    tmp = np.sum(w*x) + b\n    if tmp <= 0:\n        return 0\n    else:\n        return 1"),
    "the notes' bias as a third input": (
        "def OR(x1, x2):\n    x = np.array([x1, x2, 1])\n    w = np.array([1, 1, 0])\n    return perceptron(x, w, 0)"),
})
RIGHT["xor"].update({
    "int() around the result": "def XOR(x1, x2):\n    return int(AND(NAND(x1, x2), OR(x1, x2)))",
    "the book's names": "def XOR(x1, x2):\n    s1 = NAND(x1, x2)\n    s2 = OR(x1, x2)\n    y = AND(s1, s2)\n    return y",
})
