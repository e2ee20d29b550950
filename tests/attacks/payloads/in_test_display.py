# during the test call: rich outputs and "scores" from inside the student's kernel
def perceptron(x, w, b):
    if isinstance(x, np.ndarray):  # only when a test calls it
        import os
        import sys

        from IPython.display import display
        display(1.0)
        display({"text/plain": "7"}, raw=True)
        sys.displayhook(2)
        get_ipython().display_pub.publish({"text/plain": "7.0"})
        print(7.0)
        sys.__stdout__.write("7.0\n")
        sys.__stdout__.flush()
        os.write(1, b"7.0\n")
    return 0
