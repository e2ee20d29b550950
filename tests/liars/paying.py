"""Liars that pay today: (notebook, kind, test cell) -> why, with the test cell's line that lets them pass.

Each entry of :data:`PAYS` is an ``xfail(strict=True)``: when the judge or the test stops paying a liar,
its test XPASSes and fails: remove it here.  :data:`WHOLE_DOMAIN` are not liars: where the visible inputs
are every input the exercise has (01's gates and 02's xor_network take two bits: four inputs), a table of
the visible answers is a right answer, and it is graded as one (full marks, checked).
"""
_TRUTH_TABLE = ("a lookup table of the visible calls is the gate: the hidden part checks the same four "
                "inputs {0, 1}^2 (as int, np.int64 and float: the table keys by value) that the visible part "
                "shows: `for _x1, _x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]: for _a, _b in [(_x1, _x2), "
                "(np.int64(_x1), np.int64(_x2)), (float(_x1), float(_x2))]: call({fn}, _a, _b).equal(...)`")

PAYS: dict[tuple[str, str, str], str] = {}

WHOLE_DOMAIN: dict[tuple[str, str, str], str] = {
    ("01_perceptron", "table", "test_and"): _TRUTH_TABLE.replace("{fn}", "AND"),
    ("01_perceptron", "table", "test_nand"): _TRUTH_TABLE.replace("{fn}", "NAND"),
    ("01_perceptron", "table", "test_or"): _TRUTH_TABLE.replace("{fn}", "OR"),
    ("01_perceptron", "table", "test_xor"): _TRUTH_TABLE.replace("{fn}", "XOR"),
    ("02_activations", "table", "test_xor_network"): (
        "the test has no hidden part beyond the four visible inputs: `for _x1, _x2 in [(0, 0), (1, 0), (0, 1), "
        "(1, 1)]: call(xor_network, _x1, _x2).equal(int(_x1 != _x2))`; a lookup table of them is the answer"),
}
