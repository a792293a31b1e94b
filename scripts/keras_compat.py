#!/usr/bin/env python3
"""Checks that Keras 3 reads weight files written by Mesoscope and predicts what Mesoscope predicts.

Usage: keras_compat.py WEIGHTS.h5 MESOSCOPE_PREDICT.jsonl
Builds Meso-4 exactly as the authors' classifiers.py, loads WEIGHTS.h5 with model.load_weights
(Keras' legacy positional HDF5 loader), predicts the four reference inputs
(../shared/reference/inputs/*_u8.npy times float32(1/255)) and compares each P(real) with the
p_real of `mesoscope predict --json` on the same images. Exit 1 when any differs by more than 1e-5.
Runs in the bench venv (tensorflow-cpu), see scripts/keras-compat.
"""
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
from keras import layers  # noqa: E402


def with_head(x, y):
    """Both networks' classifier head on the features y: Flatten, Dropout, Dense(16), LeakyReLU(0.1), Dropout, Dense(1, sigmoid)."""
    y = layers.Flatten()(y)
    y = layers.Dropout(0.5)(y)
    y = layers.Dense(16)(y)
    y = layers.LeakyReLU(negative_slope=0.1)(y)
    y = layers.Dropout(0.5)(y)
    y = layers.Dense(1, activation="sigmoid")(y)
    return keras.Model(inputs=x, outputs=y)


def meso4(dense_only=False):
    x = keras.Input(shape=(256, 256, 3))
    y = x
    for filters, kernel, pool in [(8, 3, 2), (8, 5, 2), (16, 5, 2), (16, 5, 4)]:
        y = layers.Conv2D(filters, (kernel, kernel), padding="same", activation="relu")(y)
        y = layers.BatchNormalization()(y)
        y = layers.MaxPooling2D(pool_size=(pool, pool), padding="same")(y)
    model = with_head(x, y)
    if dense_only:
        # The write-up's fine-tuning: everything before the head (Dense(16), LeakyReLU, Dropout, Dense(1)) is frozen.
        for layer in model.layers[:-4]:
            layer.trainable = False
    return model


def mesoinception4():
    """MesoInception-4 as the authors' classifiers.py builds it: two InceptionLayer blocks, two conv blocks, Meso-4's head."""
    def inception(x, a, b, c, d):
        x1 = layers.Conv2D(a, (1, 1), padding="same", activation="relu")(x)
        x2 = layers.Conv2D(b, (1, 1), padding="same", activation="relu")(x)
        x2 = layers.Conv2D(b, (3, 3), padding="same", activation="relu")(x2)
        x3 = layers.Conv2D(c, (1, 1), padding="same", activation="relu")(x)
        x3 = layers.Conv2D(c, (3, 3), dilation_rate=2, padding="same", activation="relu")(x3)
        x4 = layers.Conv2D(d, (1, 1), padding="same", activation="relu")(x)
        x4 = layers.Conv2D(d, (3, 3), dilation_rate=3, padding="same", activation="relu")(x4)
        return layers.Concatenate(axis=-1)([x1, x2, x3, x4])

    x = keras.Input(shape=(256, 256, 3))
    y = x
    for a, b, c, d in [(1, 4, 4, 2), (2, 4, 4, 2)]:
        y = inception(y, a, b, c, d)
        y = layers.BatchNormalization()(y)
        y = layers.MaxPooling2D(pool_size=(2, 2), padding="same")(y)
    for pool in (2, 4):
        y = layers.Conv2D(16, (5, 5), padding="same", activation="relu")(y)
        y = layers.BatchNormalization()(y)
        y = layers.MaxPooling2D(pool_size=(pool, pool), padding="same")(y)
    return with_head(x, y)


def main():
    weights, predictions = sys.argv[1], sys.argv[2]
    shared = os.environ.get("MESOSCOPE_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    model = meso4()
    model.load_weights(weights)
    ours = {}
    with open(predictions) as f:
        for line in f:
            row = json.loads(line)
            ours[os.path.splitext(os.path.basename(row["path"]))[0]] = row["p_real"]
    worst = 0.0
    for stem in sorted(ours):
        u8 = np.load(os.path.join(shared, "reference", "inputs", f"{stem}_u8.npy"))
        x = u8.astype(np.float32) * np.float32(1 / 255)
        keras_p = float(model.predict(x[None], verbose=0)[0, 0])
        worst = max(worst, abs(keras_p - ours[stem]))
        print(f"{stem}: Keras {keras_p:.8f}  Mesoscope {ours[stem]:.8f}  |diff| {abs(keras_p - ours[stem]):.2e}")
    print(f"keras {keras.__version__}: loaded {weights}; largest |diff| {worst:.2e}")
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()
