# an answer whose value changes every time it is read: 1, 0, 1, 0, ...
class Flaky:
    reads = 0

    def __array__(self, dtype=None, copy=None):
        Flaky.reads += 1
        return np.asarray(Flaky.reads % 2, dtype=dtype)

    def __int__(self):
        return int(self.__array__())

    __index__ = __int__

    def __float__(self):
        return float(self.__array__())

    def __eq__(self, other):
        return bool(self.__array__() == other)

    __hash__ = object.__hash__
