"""Trains a depth-10 regression tree on scikit-learn's diabetes data set and exports it
as a PFA document (model.tree.simpleWalk over a tree held in a cell), together with the
input records and the expected predictions.

    python train.py      # writes model.pfa, input.jsonl, cases.jsonl next to this file
"""
import json
import os

import numpy as np

from sklearn.datasets import load_diabetes
from sklearn.tree import DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))


def split_value(threshold):
    """scikit-learn compares float32(x) <= threshold. For double x that is exactly
    x < m, with m halfway between the largest float32 T <= threshold and the next float32
    (round-to-nearest), so the exported test is "x < m"."""
    t32 = np.float32(threshold)
    if float(t32) > threshold:
        t32 = np.nextafter(t32, np.float32(-np.inf))
    up = np.nextafter(t32, np.float32(np.inf))
    return (float(t32) + float(up)) / 2.0

data = load_diabetes(scaled=False)
names = list(data.feature_names)  # age, sex, bmi, bp, s1..s6
X, y = data.data, data.target

model = DecisionTreeRegressor(max_depth=10, min_samples_leaf=3, random_state=0).fit(X, y)
t = model.tree_


def node(i):
    """A tree node as PFA's TreeNode record; leaves are the predicted value."""
    def child(j):
        if t.children_left[j] == -1:
            return {"double": float(t.value[j][0][0])}
        return {"TreeNode": node(j)}
    # scikit-learn sends x[feature] <= threshold (in float32) to the left child.
    return {
        "field": names[t.feature[i]],
        "operator": "<",
        "value": split_value(t.threshold[i]),
        "pass": child(t.children_left[i]),
        "fail": child(t.children_right[i]),
    }


doc = {
    "name": "diabetes_tree",
    "doc": "Disease progression one year after baseline, from a depth-%d regression tree "
           "trained by scikit-learn on its diabetes data set." % model.get_depth(),
    "input": {"type": "record", "name": "Patient",
              "fields": [{"name": n, "type": "double"} for n in names]},
    "output": "double",
    "cells": {"tree": {
        "type": {"type": "record", "name": "TreeNode", "fields": [
            {"name": "field", "type": {"type": "enum", "name": "Feature", "symbols": names}},
            {"name": "operator", "type": "string"},
            {"name": "value", "type": "double"},
            {"name": "pass", "type": ["TreeNode", "double"]},
            {"name": "fail", "type": ["TreeNode", "double"]}]},
        "init": node(0)}},
    "action": [{"model.tree.simpleWalk": [
        "input", {"cell": "tree"},
        {"params": [{"d": "Patient"}, {"t": "TreeNode"}], "ret": "boolean",
         "do": {"model.tree.simpleTest": ["d", "t"]}}]}],
}

with open(os.path.join(HERE, "model.pfa"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
pred = model.predict(X)
with open(os.path.join(HERE, "input.jsonl"), "w") as fi, \
        open(os.path.join(HERE, "cases.jsonl"), "w") as fc:
    for row, p in zip(X, pred):
        rec = {n: float(v) for n, v in zip(names, row)}
        fi.write(json.dumps(rec) + "\n")
        fc.write(json.dumps({"input": rec, "output": float(p)}) + "\n")
print("depth", model.get_depth(), "leaves", model.get_n_leaves(), "rows", len(X))
