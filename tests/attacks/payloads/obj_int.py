# an int that is equal to everything
class Int(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__
    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __bool__(self):
        return True
