"""Offline-first data loaders: MNIST, CIFAR-10, California housing."""
from .files import ChecksumError, DataNotFoundError
from .mnist import load_mnist
from .cifar10 import CLASSES as CIFAR10_CLASSES, load_cifar10, load_cifar10_arrays
from .housing import load_california_housing

__all__ = ["load_mnist", "load_cifar10", "load_cifar10_arrays", "load_california_housing",
           "CIFAR10_CLASSES", "DataNotFoundError", "ChecksumError"]
