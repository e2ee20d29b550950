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

if importlib.util.find_spec("tensorflow") is not None:
    WRONG, RIGHT = _WRONG, _RIGHT
else:  # the main venv: nothing to run here (tests/tf/ runs these in .venv-tf)
    WRONG, RIGHT = {}, {}
