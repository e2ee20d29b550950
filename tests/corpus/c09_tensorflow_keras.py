"""Corpus for 09_tensorflow_keras.  Runs only in .venv-tf (tests/tf/test_tf_corpus.py): TensorFlow is absent
from the main venv, where the main suite's test_corpus.py sees empty tables (TF and torch cannot share a process)."""
import importlib.util

ASSIGNMENT = "09_tensorflow_keras"

_WRONG = {
    "to_nhwc": {
        "reshape instead of transpose": "def to_nhwc(x):\n    n, c, h, w = x.shape\n    return tf.reshape(tf.constant(x, tf.float32), (n, h, w, c))",
        "wrong perm": "def to_nhwc(x):\n    return tf.transpose(tf.constant(x, tf.float32), perm=[0, 3, 2, 1])",
        "returns numpy": "def to_nhwc(x):\n    return np.transpose(x, (0, 2, 3, 1)).astype(np.float32)",
        "keeps float64": "def to_nhwc(x):\n    return tf.transpose(tf.constant(x), perm=[0, 2, 3, 1])",
    },
    "mse_and_gradients": {
        "no tape": "def mse_and_gradients(w, b, x, t):\n    x = tf.constant(x, tf.float32); t = tf.constant(t, tf.float32)\n    loss = tf.reduce_mean(tf.square(x @ w + b - t))\n    with tf.GradientTape() as tape:\n        pass\n    return loss, tape.gradient(loss, [w, b])",
        "sum not mean": "def mse_and_gradients(w, b, x, t):\n    x = tf.constant(x, tf.float32); t = tf.constant(t, tf.float32)\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_sum(tf.square(x @ w + b - t))\n    return loss, tape.gradient(loss, [w, b])",
        "mean over rows only": "def mse_and_gradients(w, b, x, t):\n    x = tf.constant(x, tf.float32); t = tf.constant(t, tf.float32)\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.reduce_sum(tf.square(x @ w + b - t), axis=1))\n    return loss, tape.gradient(loss, [w, b])",
        "updates the weights": "def mse_and_gradients(w, b, x, t):\n    x = tf.constant(x, tf.float32); t = tf.constant(t, tf.float32)\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.square(x @ w + b - t))\n    g = tape.gradient(loss, [w, b])\n    w.assign_sub(0.1 * g[0])\n    return loss, g",
    },
    "make_dataset": {
        "the seed's map": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t))\n    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed)\n    return ds.batch(batch_size).map(lambda x: x / 255)",
        "labels scaled too": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t))\n    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed)\n    return ds.batch(batch_size).map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, tf.cast(b, tf.float32) / 255.0))",
        "shuffle after batch": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t)).batch(batch_size)\n    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed)\n    return ds.map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b))",
        "images and labels shuffled apart": "def make_dataset(x, t, batch_size, seed=None):\n    if seed is not None:\n        x = np.random.default_rng(seed).permutation(x)\n        t = np.random.default_rng(seed + 1).permutation(t)\n    ds = tf.data.Dataset.from_tensor_slices((x, t)).batch(batch_size)\n    return ds.map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b))",
        "never shuffles": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t)).batch(batch_size)\n    return ds.map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b))",
        "float64 images": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x / 255.0, t))\n    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed)\n    return ds.batch(batch_size)",
    },
    "build_sequential": {
        "the seed's Model().add": "def build_sequential():\n    model = keras.Model()\n    model.add(keras.layers.Flatten())\n    model.add(keras.layers.Dense(100, activation='relu'))\n    model.add(keras.layers.Dense(10, activation='softmax'))\n    return model",
        "no softmax": "def build_sequential():\n    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10)])",
        "no relu": "def build_sequential():\n    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(100), keras.layers.Dense(10, activation='softmax')])",
        "no input shape": "def build_sequential():\n    return keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10, activation='softmax')])",
    },
    "build_functional": {
        "no conv branch": "def build_functional():\n    i = keras.Input((28, 28, 1))\n    a = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(i))\n    o = keras.layers.Dense(10, activation='softmax')(a)\n    return keras.Model(i, o)",
        "add instead of concatenate": "def build_functional():\n    i = keras.Input((28, 28, 1))\n    a = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(i))\n    b = keras.layers.Conv2D(8, 3, activation='relu')(i)\n    b = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(keras.layers.MaxPool2D(2)(b)))\n    o = keras.layers.Dense(10, activation='softmax')(keras.layers.Add()([a, b]))\n    return keras.Model(i, o)",
        "same padding": "def build_functional():\n    i = keras.Input((28, 28, 1))\n    a = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(i))\n    b = keras.layers.Conv2D(8, 3, padding='same', activation='relu')(i)\n    b = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(keras.layers.MaxPool2D(2)(b)))\n    o = keras.layers.Dense(10, activation='softmax')(keras.layers.Concatenate()([a, b]))\n    return keras.Model(i, o)",
        "branch B fed by branch A": "def build_functional():\n    i = keras.Input((28, 28, 1))\n    a = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(i))\n    b = keras.layers.Conv2D(8, 3, activation='relu')(keras.layers.Reshape((28, 28, 1))(keras.layers.Flatten()(i)))\n    b = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(keras.layers.MaxPool2D(2)(b)))\n    o = keras.layers.Dense(10, activation='softmax')(keras.layers.Concatenate()([a, a]))\n    return keras.Model(i, [o])",
    },
    "mlp": {
        "dropout always on": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.f = keras.layers.Flatten(); self.d1 = keras.layers.Dense(100, activation='relu')\n        self.dr = keras.layers.Dropout(0.2); self.d2 = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training=False):\n        return self.d2(self.dr(self.d1(self.f(x)), training=True))",
        "dropout never on": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.f = keras.layers.Flatten(); self.d1 = keras.layers.Dense(100, activation='relu')\n        self.dr = keras.layers.Dropout(0.2); self.d2 = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training=False):\n        return self.d2(self.dr(self.d1(self.f(x)), training=False))",
        "no dropout layer": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.f = keras.layers.Flatten(); self.d1 = keras.layers.Dense(100, activation='relu')\n        self.d2 = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training=False):\n        return self.d2(self.d1(self.f(x)))",
        "logits out": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.f = keras.layers.Flatten(); self.d1 = keras.layers.Dense(100, activation='relu')\n        self.dr = keras.layers.Dropout(0.2); self.d2 = keras.layers.Dense(10)\n    def call(self, x, training=False):\n        return self.d2(self.dr(self.d1(self.f(x)), training=training))",
    },
    "compile_and_fit": {
        "no validation": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n    return model.fit(x, t, batch_size=batch_size, epochs=epochs, verbose=0)",
        "SGD": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n    return model.fit(x, t, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)",
        "default batch size": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n    return model.fit(x, t, epochs=epochs, validation_split=0.1, verbose=0)",
        "returns the model": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n    model.fit(x, t, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)\n    return model",
    },
    "train_step": {
        "the seed's apply_gradients": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x, training=True))\n    g = tape.gradient(loss, model.trainable_weights)\n    optimizer.apply_gradients(g, model.trainable_weights)\n    return loss",
        "torch's argument order": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(model(x, training=True), t)\n    g = tape.gradient(loss, model.trainable_weights)\n    optimizer.apply_gradients(zip(g, model.trainable_weights))\n    return loss",
        "no update": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x, training=True))\n    tape.gradient(loss, model.trainable_weights)\n    return loss",
        "training=False": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x))\n    g = tape.gradient(loss, model.trainable_weights)\n    optimizer.apply_gradients(zip(g, model.trainable_weights))\n    return loss",
        "loss after the update": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x, training=True))\n    g = tape.gradient(loss, model.trainable_weights)\n    optimizer.apply_gradients(zip(g, model.trainable_weights))\n    return loss_fn(t, model(x, training=False))",
    },
}

_RIGHT = {
    "to_nhwc": {
        "numpy transpose": "def to_nhwc(x):\n    return tf.convert_to_tensor(np.transpose(x, (0, 2, 3, 1)).astype(np.float32))",
        "moveaxis + constant": "def to_nhwc(x):\n    return tf.constant(np.moveaxis(np.asarray(x, dtype=np.float32), 1, -1))",
        "einsum": "def to_nhwc(x):\n    return tf.einsum('nchw->nhwc', tf.cast(x, tf.float32))",
    },
    "mse_and_gradients": {
        "keras loss and separate gradient calls (persistent)": "def mse_and_gradients(w, b, x, t):\n    with tf.GradientTape(persistent=True) as tape:\n        y = tf.matmul(tf.cast(x, tf.float32), w) + b\n        loss = keras.losses.MeanSquaredError()(tf.cast(t, tf.float32), y)\n    out = loss, [tape.gradient(loss, w), tape.gradient(loss, b)]\n    del tape\n    return out",
        "explicit sum / size": "def mse_and_gradients(w, b, x, t):\n    x = np.asarray(x, np.float32); t = np.asarray(t, np.float32)\n    with tf.GradientTape() as tape:\n        d = x @ w + b - t\n        loss = tf.reduce_sum(d * d) / tf.cast(tf.size(d), tf.float32)\n    return loss, tape.gradient(loss, [w, b])",
    },
    "make_dataset": {
        "map before batch": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t)).map(lambda a, b: (tf.cast(a, tf.float32) / 255.0, b))\n    if seed is not None:\n        ds = ds.shuffle(buffer_size=len(x), seed=seed)\n    return ds.batch(batch_size)",
        "scale in numpy first": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices(((x / 255.0).astype(np.float32), t))\n    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)\n    return ds.batch(batch_size)",
    },
    "build_sequential": {
        "add": "def build_sequential():\n    model = keras.Sequential()\n    model.add(keras.Input(shape=(28, 28, 1)))\n    model.add(keras.layers.Flatten())\n    model.add(keras.layers.Dense(units=100, activation='relu'))\n    model.add(keras.layers.Dense(units=10, activation='softmax'))\n    return model",
        "tf.keras and a Softmax layer": "def build_sequential():\n    return tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(100, activation=tf.nn.relu), tf.keras.layers.Dense(10, activation='softmax')])",
    },
    "build_functional": {
        "concatenate function, names": "def build_functional():\n    inputs = keras.Input(shape=(28, 28, 1), name='image')\n    a = keras.layers.Dense(32, activation='relu', name='a_dense')(keras.layers.Flatten(name='a_flat')(inputs))\n    b = keras.layers.Conv2D(filters=8, kernel_size=(3, 3), padding='valid', activation='relu')(inputs)\n    b = keras.layers.MaxPooling2D(pool_size=(2, 2))(b)\n    b = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(b))\n    x = keras.layers.Concatenate(axis=-1)([a, b])\n    return keras.Model(inputs=inputs, outputs=keras.layers.Dense(10, activation='softmax')(x))",
        "separate ReLU layers, branch B first": "def build_functional():\n    i = keras.Input((28, 28, 1))\n    b = keras.layers.ReLU()(keras.layers.Conv2D(8, 3)(i))\n    b = keras.layers.Flatten()(keras.layers.MaxPool2D()(b))\n    b = keras.layers.ReLU()(keras.layers.Dense(32)(b))\n    a = keras.layers.ReLU()(keras.layers.Dense(32)(keras.layers.Flatten()(i)))\n    o = keras.layers.Softmax()(keras.layers.Dense(10)(keras.layers.Concatenate()([a, b])))\n    return keras.Model(i, o)",
    },
    "mlp": {
        "layers in a list": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.body = [keras.layers.Flatten(), keras.layers.Dense(100, activation='relu')]\n        self.drop = keras.layers.Dropout(rate=0.2)\n        self.head = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training=False):\n        for layer in self.body:\n            x = layer(x)\n        return self.head(self.drop(x, training=training))",
        "training=None default": "class MLP(tf.keras.Model):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n        self.flatten = tf.keras.layers.Flatten()\n        self.fc1 = tf.keras.layers.Dense(100)\n        self.dropout = tf.keras.layers.Dropout(0.2)\n        self.fc2 = tf.keras.layers.Dense(10)\n    def call(self, x, training=None):\n        x = tf.nn.relu(self.fc1(self.flatten(x)))\n        return tf.nn.softmax(self.fc2(self.dropout(x, training=training)))",
    },
    "compile_and_fit": {
        "strings": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n    history = model.fit(x=x, y=t, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)\n    return history",
        "tf.keras": "def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(tf.keras.optimizers.Adam(1e-3), tf.keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n    return model.fit(x, t, batch_size, epochs, verbose=0, validation_split=0.1)",
    },
    "train_step": {
        "two lists zipped in a list": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        outputs = model(x, training=True)\n        loss = loss_fn(y_true=t, y_pred=outputs)\n    weights = model.trainable_variables\n    optimizer.apply_gradients(list(zip(tape.gradient(loss, weights), weights)))\n    return loss",
        "apply(grads, vars)": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x, training=True))\n    grads = tape.gradient(loss, model.trainable_weights)\n    optimizer.apply(grads, model.trainable_weights)\n    return loss",
    },
}


# issue 16: every mistake against the statement, each shown by a test case (docs/corpus.md, "## 09")
_SEQ = "def build_sequential():\n    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), {hidden}, {out}])"
_FUN = ("def build_functional():\n    i = keras.Input((28, 28, 1))\n    a = {a}\n    b = {conv}\n    b = {pool}(b)\n"
        "    b = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(b))\n"
        "    o = keras.layers.Dense(10, activation='softmax')(keras.layers.Concatenate()({cat}))\n    return keras.Model(i, o)")
_FUN_OK = dict(a="keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(i))",
               conv="keras.layers.Conv2D(8, 3, activation='relu')(i)", pool="keras.layers.MaxPool2D(2)", cat="[a, b]")
_MLP = ("class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.f = keras.layers.Flatten()\n"
        "        self.d1 = keras.layers.Dense(100, activation={act})\n        self.dr = keras.layers.Dropout({rate})\n"
        "        self.d2 = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training={default}):\n{body}")
_MLP_BODY = "        return self.d2(self.dr(self.d1(self.f(x)), training=training))"
_MLP_OK = dict(act="'relu'", rate="0.2", default="False", body=_MLP_BODY)
_CF = ("def compile_and_fit(model, x, t, epochs, batch_size):\n    model.compile(optimizer={opt}, loss={loss}, metrics={metrics})\n"
       "    return model.fit(x, t, batch_size=batch_size, epochs=epochs, {fit}verbose={verbose})")
_CF_OK = dict(opt="keras.optimizers.Adam(1e-3)", loss="keras.losses.SparseCategoricalCrossentropy()", metrics="['accuracy']",
              fit="validation_split=0.1, ", verbose="0")
_TS = ("def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = {loss}\n"
       "    g = tape.gradient(loss, model.trainable_weights)\n    {update}\n    return {ret}")
_TS_OK = dict(loss="loss_fn(t, model(x, training=True))",
              update="optimizer.apply_gradients(zip(g, model.trainable_weights))", ret="loss")
_DS = ("def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t))\n{shuffle}"
       "    return ds.batch(batch_size{drop}).map(lambda a, b: ({scale}, b)){tail}")
_DS_OK = dict(shuffle="    if seed is not None:\n        ds = ds.shuffle(len(x), seed=seed)\n", drop="",
              scale="tf.cast(a, tf.float32) / 255.0", tail="")
_MSE = ("def mse_and_gradients(w, b, x, t):\n    x = tf.constant(x, tf.float32); t = tf.constant(t, tf.float32)\n"
        "    with tf.GradientTape() as tape:\n        loss = {loss}\n    dw, db = tape.gradient(loss, [w, b])\n    return {ret}")
_MSE_OK = dict(loss="tf.reduce_mean(tf.square(x @ w + b - t))", ret="loss, [dw, db]")

_WRONG["to_nhwc"].update({
    "returns a tf.Variable": "def to_nhwc(x):\n    return tf.Variable(tf.transpose(tf.constant(x, tf.float32), perm=[0, 2, 3, 1]))",
    "squeezes axes of length 1": "def to_nhwc(x):\n    return tf.squeeze(tf.transpose(tf.constant(x, tf.float32), perm=[0, 2, 3, 1]))",
    "the inverse permutation (0, 3, 1, 2)": "def to_nhwc(x):\n    return tf.transpose(tf.constant(x, tf.float32), perm=[0, 3, 1, 2])",
    "tf.cast to float64": "def to_nhwc(x):\n    return tf.cast(tf.transpose(x, perm=[0, 2, 3, 1]), tf.float64)",
})
_WRONG["mse_and_gradients"].update({
    "gradients in the order [db, dw]": _MSE.format(**{**_MSE_OK, "ret": "loss, [db, dw]"}),
    "half the MSE": _MSE.format(**{**_MSE_OK, "loss": "0.5 * tf.reduce_mean(tf.square(x @ w + b - t))"}),
    "RMSE": _MSE.format(**{**_MSE_OK, "loss": "tf.sqrt(tf.reduce_mean(tf.square(x @ w + b - t)))"}),
    "the loss as NumPy": _MSE.format(**{**_MSE_OK, "ret": "loss.numpy(), [dw, db]"}),
    "a loss per output (mean over rows)": _MSE.format(**{**_MSE_OK, "loss": "tf.reduce_mean(tf.square(x @ w + b - t), axis=0)"}),
    "computes in float64 (the variables cast)": "def mse_and_gradients(w, b, x, t):\n    with tf.GradientTape() as tape:\n        y = tf.constant(x) @ tf.cast(w, tf.float64) + tf.cast(b, tf.float64)\n        loss = tf.reduce_mean(tf.square(y - tf.constant(t)))\n    return loss, tape.gradient(loss, [w, b])",
    "gradients as NumPy arrays": _MSE.format(**{**_MSE_OK, "ret": "loss, [dw.numpy(), db.numpy()]"}),
    "updates b": _MSE.format(**{**_MSE_OK, "ret": "(b.assign_sub(0.1 * db), loss)[1], [dw, db]"}),
})
_WRONG["make_dataset"].update({
    "a buffer of 100": _DS.format(**{**_DS_OK, "shuffle": "    if seed is not None:\n        ds = ds.shuffle(100, seed=seed)\n"}),
    "a buffer of one batch": _DS.format(**{**_DS_OK, "shuffle": "    if seed is not None:\n        ds = ds.shuffle(batch_size, seed=seed)\n"}),
    "the seed not passed on": _DS.format(**{**_DS_OK, "shuffle": "    if seed is not None:\n        ds = ds.shuffle(len(x))\n"}),
    "a fixed seed": _DS.format(**{**_DS_OK, "shuffle": "    if seed is not None:\n        ds = ds.shuffle(len(x), seed=0)\n"}),
    "shuffles without a seed too": _DS.format(**{**_DS_OK, "shuffle": "    ds = ds.shuffle(len(x), seed=seed)\n"}),
    "drop_remainder=True": _DS.format(**{**_DS_OK, "drop": ", drop_remainder=True"}),
    "repeats forever": _DS.format(**{**_DS_OK, "tail": ".repeat()"}),
    "divides by the largest pixel": _DS.format(**{**_DS_OK, "scale": "tf.cast(a, tf.float32) / tf.cast(tf.reduce_max(a), tf.float32)"}),
    "divides by 256": _DS.format(**{**_DS_OK, "scale": "tf.cast(a, tf.float32) / 256.0"}),
    "the seed used as the buffer size": _DS.format(**{**_DS_OK, "shuffle": "    if seed is not None:\n        ds = ds.shuffle(seed + 1)\n"}),
})
_WRONG["build_sequential"].update({
    "Input((28, 28)) without the channel": "def build_sequential():\n    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10, activation='softmax')])",
    "sigmoid hidden layer": _SEQ.format(hidden="keras.layers.Dense(100, activation='sigmoid')", out="keras.layers.Dense(10, activation='softmax')"),
    "tanh hidden layer": _SEQ.format(hidden="keras.layers.Dense(100, activation='tanh')", out="keras.layers.Dense(10, activation='softmax')"),
    "leaky ReLU hidden layer": _SEQ.format(hidden="keras.layers.Dense(100, activation='leaky_relu')", out="keras.layers.Dense(10, activation='softmax')"),
    "sigmoid output": _SEQ.format(hidden="keras.layers.Dense(100, activation='relu')", out="keras.layers.Dense(10, activation='sigmoid')"),
    "an extra Dropout": _SEQ.format(hidden="keras.layers.Dense(100, activation='relu'), keras.layers.Dropout(0.2)", out="keras.layers.Dense(10, activation='softmax')"),
    "128 hidden units": _SEQ.format(hidden="keras.layers.Dense(128, activation='relu')", out="keras.layers.Dense(10, activation='softmax')"),
    "a Functional model": "def build_sequential():\n    i = keras.Input((28, 28, 1))\n    h = keras.layers.Dense(100, activation='relu')(keras.layers.Flatten()(i))\n    return keras.Model(i, keras.layers.Dense(10, activation='softmax')(h))",
})
_WRONG["build_functional"].update({
    "no ReLU after the convolution": _FUN.format(**{**_FUN_OK, "conv": "keras.layers.Conv2D(8, 3)(i)"}),
    "no ReLU in branch A": _FUN.format(**{**_FUN_OK, "a": "keras.layers.Dense(32)(keras.layers.Flatten()(i))"}),
    "sigmoid in branch A": _FUN.format(**{**_FUN_OK, "a": "keras.layers.Dense(32, activation='sigmoid')(keras.layers.Flatten()(i))"}),
    "average pooling": _FUN.format(**{**_FUN_OK, "pool": "keras.layers.AveragePooling2D(2)"}),
    "branch B first in the merge": _FUN.format(**{**_FUN_OK, "cat": "[b, a]"}),
    "pooling of 3": _FUN.format(**{**_FUN_OK, "pool": "keras.layers.MaxPool2D(3)"}),
    "no softmax": _FUN.format(**_FUN_OK).replace("Dense(10, activation='softmax')", "Dense(10)"),
})
_WRONG["mlp"].update({
    "training=True by default": _MLP.format(**{**_MLP_OK, "default": "True"}),
    "dropout on the inputs": _MLP.format(**{**_MLP_OK, "body": "        return self.d2(self.d1(self.dr(self.f(x), training=training)))"}),
    "dropout on the output": _MLP.format(**{**_MLP_OK, "body": "        return self.dr(self.d2(self.d1(self.f(x))), training=training)"}),
    "Dropout(0.5)": _MLP.format(**{**_MLP_OK, "rate": "0.5"}),
    "sigmoid hidden layer": _MLP.format(**{**_MLP_OK, "act": "'sigmoid'"}),
    "no activation in the hidden layer": _MLP.format(**{**_MLP_OK, "act": "None"}),
})
_WRONG["compile_and_fit"].update({
    "validation_split=0.2": _CF.format(**{**_CF_OK, "fit": "validation_split=0.2, "}),
    "learning rate 1e-2": _CF.format(**{**_CF_OK, "opt": "keras.optimizers.Adam(1e-2)"}),
    "a progress bar (verbose=2)": _CF.format(**{**_CF_OK, "verbose": "2"}),
    "the metric's own name": _CF.format(**{**_CF_OK, "metrics": "[keras.metrics.SparseCategoricalAccuracy()]"}),
    "shuffle=False": _CF.format(**{**_CF_OK, "fit": "validation_split=0.1, shuffle=False, "}),
    "RMSprop": _CF.format(**{**_CF_OK, "opt": "keras.optimizers.RMSprop(1e-3)"}),
    "one epoch": _CF.format(**_CF_OK).replace("epochs=epochs", "epochs=1"),
})
_WRONG["train_step"].update({
    "loss_fn ignored": _TS.format(**{**_TS_OK, "loss": "keras.losses.SparseCategoricalCrossentropy()(t, model(x, training=True))"}),
    "a new optimizer every step": _TS.format(**{**_TS_OK, "update": "type(optimizer)(learning_rate=float(optimizer.learning_rate)).apply_gradients(zip(g, model.trainable_weights))"}),
    "returns float(loss)": _TS.format(**{**_TS_OK, "ret": "float(loss)"}),
    "NumPy in the middle": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(t, model(x, training=True))\n    g = [np.asarray(gi) for gi in tape.gradient(loss, model.trainable_weights)]\n    optimizer.apply_gradients(zip(g, model.trainable_weights))\n    return loss",
    "gradient ascent": _TS.format(**{**_TS_OK, "update": "optimizer.apply_gradients(zip([-gi for gi in g], model.trainable_weights))"}),
    "the summed loss": _TS.format(**{**_TS_OK, "loss": "tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(t, model(x, training=True)))"}),
    # the statement: not decorated itself (a traced function creates Adam's moments only on its first call)
    "decorated with @tf.function": "@tf.function\ndef train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        predictions = model(x, training=True)\n        loss = loss_fn(t, predictions)\n    gradients = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(gradients, model.trainable_variables))\n    return loss",
})

_RIGHT["to_nhwc"].update({
    "tf.function": "@tf.function\ndef _nhwc(x):\n    return tf.transpose(x, perm=[0, 2, 3, 1])\n\ndef to_nhwc(x):\n    return _nhwc(tf.cast(x, tf.float32))",
    "Keras Permute layer": "def to_nhwc(x):\n    return keras.layers.Permute((2, 3, 1))(tf.constant(x, dtype=tf.float32))",
    "keras.ops": "def to_nhwc(x):\n    return tf.convert_to_tensor(keras.ops.transpose(keras.ops.cast(x, 'float32'), (0, 2, 3, 1)))",
})
_RIGHT["mse_and_gradients"].update({
    "Keras docs style: keras.ops and trainable sources": "def mse_and_gradients(w, b, x, t):\n    x = keras.ops.convert_to_tensor(x, dtype='float32')\n    t = keras.ops.convert_to_tensor(t, dtype='float32')\n    with tf.GradientTape() as tape:\n        loss = keras.ops.mean(keras.ops.square(keras.ops.matmul(x, w) + b - t))\n    grads = tape.gradient(loss, [w, b])\n    return loss, grads",
    "tf.function": "@tf.function\ndef _mse(w, b, x, t):\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean((tf.matmul(x, w) + b - t) ** 2)\n    return loss, tape.gradient(loss, [w, b])\n\ndef mse_and_gradients(w, b, x, t):\n    loss, grads = _mse(w, b, tf.cast(x, tf.float32), tf.cast(t, tf.float32))\n    return loss, list(grads)",
    "watched tensors (tape.watch)": "def mse_and_gradients(w, b, x, t):\n    with tf.GradientTape(watch_accessed_variables=False) as tape:\n        tape.watch([w, b])\n        err = tf.matmul(tf.cast(x, w.dtype), w) + b - tf.cast(t, w.dtype)\n        loss = tf.reduce_mean(err * err)\n    dw, db = tape.gradient(loss, [w, b])\n    return loss, [dw, db]",
})
_RIGHT["make_dataset"].update({
    "Keras docs style: AUTOTUNE and prefetch": "def make_dataset(x, t, batch_size, seed=None):\n    ds = tf.data.Dataset.from_tensor_slices((x, t))\n    if seed is not None:\n        ds = ds.shuffle(buffer_size=len(x), seed=seed, reshuffle_each_iteration=True)\n    ds = ds.batch(batch_size).map(lambda img, lab: (tf.image.convert_image_dtype(img, tf.float32), lab), num_parallel_calls=tf.data.AUTOTUNE)\n    return ds.prefetch(tf.data.AUTOTUNE)",
    "zip of two datasets": "def make_dataset(x, t, batch_size, seed=None):\n    images = tf.data.Dataset.from_tensor_slices(x).map(lambda a: tf.cast(a, tf.float32) / 255.0)\n    ds = tf.data.Dataset.zip((images, tf.data.Dataset.from_tensor_slices(t)))\n    if seed is not None:\n        ds = ds.shuffle(x.shape[0], seed=seed)\n    return ds.batch(batch_size)",
    "NumPy permutation from the seed": "def make_dataset(x, t, batch_size, seed=None):\n    if seed is not None:\n        order = np.random.default_rng(seed).permutation(len(x))\n        x, t = x[order], t[order]\n    return tf.data.Dataset.from_tensor_slices((x.astype(np.float32) / 255, t)).batch(batch_size)",
})
_RIGHT["build_sequential"].update({
    "separate ReLU and Softmax layers": "def build_sequential():\n    return keras.Sequential([keras.layers.Input(shape=(28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(100), keras.layers.ReLU(), keras.layers.Dense(10), keras.layers.Softmax()])",
    "Activation layers and Reshape": "def build_sequential():\n    model = keras.Sequential(name='mlp')\n    model.add(keras.Input((28, 28, 1)))\n    model.add(keras.layers.Reshape((784,)))\n    model.add(keras.layers.Dense(100))\n    model.add(keras.layers.Activation('relu'))\n    model.add(keras.layers.Dense(10))\n    model.add(keras.layers.Activation(tf.nn.softmax))\n    return model",
})
_RIGHT["build_functional"].update({
    "keras.layers.concatenate function": "def build_functional():\n    inputs = keras.Input(shape=(28, 28, 1))\n    x1 = keras.layers.Flatten()(inputs)\n    x1 = keras.layers.Dense(32, activation=keras.activations.relu)(x1)\n    x2 = keras.layers.Conv2D(8, (3, 3), activation='relu')(inputs)\n    x2 = keras.layers.MaxPooling2D((2, 2))(x2)\n    x2 = keras.layers.Dense(32, activation='relu')(keras.layers.Flatten()(x2))\n    merged = keras.layers.concatenate([x1, x2])\n    return keras.Model(inputs, keras.layers.Dense(10, activation='softmax')(merged), name='branches')",
})
_RIGHT["mlp"].update({
    "Keras docs style: kwargs, keras.ops.relu": "class MLP(keras.Model):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n        self.flatten = keras.layers.Flatten()\n        self.hidden = keras.layers.Dense(100)\n        self.dropout = keras.layers.Dropout(0.2)\n        self.out = keras.layers.Dense(10)\n    def call(self, inputs, training=False):\n        h = keras.ops.relu(self.hidden(self.flatten(inputs)))\n        h = self.dropout(h, training=training)\n        return keras.ops.softmax(self.out(h))",
    "a Sequential body inside": "class MLP(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.body = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(100, activation='relu')])\n        self.drop = keras.layers.Dropout(0.2)\n        self.head = keras.layers.Dense(10, activation='softmax')\n    def call(self, x, training=False):\n        return self.head(self.drop(self.body(x, training=training), training=training))",
})
_RIGHT["compile_and_fit"].update({
    "optimizer='adam' (its default rate is 1e-3)": _CF.format(**{**_CF_OK, "opt": "'adam'", "loss": "'sparse_categorical_crossentropy'"}),
    "Keras docs style: a named metric": _CF.format(**{**_CF_OK, "metrics": "[keras.metrics.SparseCategoricalAccuracy(name='accuracy')]"}),
    # Keras 3 computes this loss from the logits it keeps on a softmax output (`_keras_logits`): the same numbers
    "from_logits=True on a softmax model": _CF.format(**{**_CF_OK, "loss": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"}),
})
_RIGHT["train_step"].update({
    "Keras docs style: gradients outside the with block, a dict of pairs": "def train_step(model, loss_fn, optimizer, x, t):\n    with tf.GradientTape() as tape:\n        logits = model(x, training=True)\n        loss_value = loss_fn(t, logits)\n    grads = tape.gradient(loss_value, model.trainable_weights)\n    pairs = [(g, v) for g, v in zip(grads, model.trainable_weights)]\n    optimizer.apply_gradients(pairs)\n    return loss_value",
})

# issue 25: the metric object (seed 004's SparseCategoricalAccuracy) in inference mode
_EA = ("def evaluate_accuracy(model, dataset):\n    metric = keras.metrics.SparseCategoricalAccuracy()\n"
       "    for x, t in dataset:\n        metric.update_state({args})\n    return {ret}")
_EA_OK = dict(args="t, model(x, training=False)", ret="float(metric.result())")
_WRONG["evaluate_accuracy"] = {
    "training=True": _EA.format(**{**_EA_OK, "args": "t, model(x, training=True)"}),
    "one metric for every call, never reset": "_metric = keras.metrics.SparseCategoricalAccuracy()\n\ndef evaluate_accuracy(model, dataset):\n    for x, t in dataset:\n        _metric.update_state(t, model(x, training=False))\n    return float(_metric.result())",
    "mean of the batches' accuracies": "def evaluate_accuracy(model, dataset):\n    accs = []\n    for x, t in dataset:\n        m = keras.metrics.SparseCategoricalAccuracy()\n        m.update_state(t, model(x, training=False))\n        accs.append(float(m.result()))\n    return float(np.mean(accs))",
    "the last batch only (a new metric in the loop)": "def evaluate_accuracy(model, dataset):\n    for x, t in dataset:\n        metric = keras.metrics.SparseCategoricalAccuracy()\n        metric.update_state(t, model(x, training=False))\n    return float(metric.result())",
    "Accuracy() on the probabilities": "def evaluate_accuracy(model, dataset):\n    metric = keras.metrics.Accuracy()\n    for x, t in dataset:\n        metric.update_state(tf.cast(t, tf.float32)[:, None], model(x, training=False))\n    return float(metric.result())",
    "argmax over the batch axis": "def evaluate_accuracy(model, dataset):\n    right = total = 0\n    for x, t in dataset:\n        y = model(x, training=False).numpy()\n        right += int(np.sum(np.argmax(y, axis=0)[:len(t)] == t.numpy()[:y.shape[1]]))\n        total += len(t)\n    return right / total",
    "the number of right answers": "def evaluate_accuracy(model, dataset):\n    right = 0\n    for x, t in dataset:\n        right += int(np.sum(np.argmax(model(x, training=False), axis=1) == t.numpy()))\n    return float(right)",
    "the error rate": _EA.format(**{**_EA_OK, "ret": "1.0 - float(metric.result())"}),
    "nan for an empty count": "def evaluate_accuracy(model, dataset):\n    return float('nan')",
}
_RIGHT["evaluate_accuracy"] = {
    "NumPy count": "def evaluate_accuracy(model, dataset):\n    right = total = 0\n    for x, t in dataset:\n        y = model(x, training=False).numpy()\n        right += int(np.sum(y.argmax(axis=1) == t.numpy()))\n        total += len(t)\n    return right / total",
    "Accuracy() on the argmax": "def evaluate_accuracy(model, dataset):\n    metric = keras.metrics.Accuracy()\n    for x, t in dataset:\n        metric.update_state(t, tf.argmax(model(x, training=False), axis=1))\n    return float(metric.result())",
    "one metric, reset_state first": "_metric = keras.metrics.SparseCategoricalAccuracy()\n\ndef evaluate_accuracy(model, dataset):\n    _metric.reset_state()\n    for x, t in dataset:\n        _metric.update_state(t, model(x, training=False))\n    return float(_metric.result())",
    "predict_on_batch": _EA.format(**{**_EA_OK, "args": "t, model.predict_on_batch(x)"}),
    "model(x): inference is the default": _EA.format(**{**_EA_OK, "args": "t, model(x)"}),
    "returns the tensor": _EA.format(**{**_EA_OK, "ret": "metric.result()"}),
    "keyword arguments, tf.function": "@tf.function\ndef _outputs(model, x):\n    return model(x, training=False)\n\ndef evaluate_accuracy(model, dataset):\n    metric = tf.keras.metrics.SparseCategoricalAccuracy(name='acc')\n    for images, labels in dataset:\n        metric.update_state(y_true=labels, y_pred=_outputs(model, images))\n    return metric.result().numpy().item()",
}

if importlib.util.find_spec("tensorflow") is not None:
    WRONG, RIGHT = _WRONG, _RIGHT
else:  # the main venv: nothing to run here (tests/tf/ runs these in .venv-tf)
    WRONG, RIGHT = {}, {}
