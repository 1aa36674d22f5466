"""Trains a random forest (25 trees) on scikit-learn's wine data set and exports it as a
PFA document: every tree walked with model.tree.simpleWalk, the class probabilities at
the leaves averaged as scikit-learn does, and the most probable cultivar chosen. Also
writes the input records and the expected prediction of each.

    python train.py      # writes model.pfa, input.jsonl, cases.jsonl next to this file
"""
import json
import os

import numpy as np

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier

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

data = load_wine()
names = [n.replace("/", "_") for n in data.feature_names]
classes = ["cultivar_%d" % c for c in range(len(data.target_names))]
X, y = data.data, data.target

forest = RandomForestClassifier(n_estimators=25, max_depth=6, random_state=0).fit(X, y)
array = {"type": "array", "items": "double"}


def tree_json(est):
    t = est.tree_

    def node(i):
        def child(j):
            if t.children_left[j] == -1:
                v = t.value[j][0]
                return {"array": [float(p) for p in v / v.sum()]}
            return {"TreeNode": node(j)}
        return {"field": names[t.feature[i]], "operator": "<", "value": split_value(t.threshold[i]),
                "pass": child(t.children_left[i]), "fail": child(t.children_right[i])}
    if t.children_left[0] == -1:
        raise SystemExit("a tree with a single leaf cannot be a TreeNode")
    return node(0)


add = {"params": [{"a": "double"}, {"b": "double"}], "ret": "double", "do": {"+": ["a", "b"]}}
doc = {
    "name": "wine_forest",
    "doc": "Random forest (%d trees) on scikit-learn's wine data set. Each tree's leaf holds "
           "class probabilities; the forest's probability is their mean." % len(forest.estimators_),
    "input": {"type": "record", "name": "Wine",
              "fields": [{"name": n, "type": "double"} for n in names]},
    "output": {"type": "record", "name": "Prediction", "fields": [
        {"name": "cultivar", "type": "string"},
        {"name": "probability", "type": "double"}]},
    "cells": {
        "classes": {"type": {"type": "array", "items": "string"}, "init": classes},
        "forest": {
            "type": {"type": "array", "items": {"type": "record", "name": "TreeNode", "fields": [
                {"name": "field", "type": {"type": "enum", "name": "Feature", "symbols": names}},
                {"name": "operator", "type": "string"},
                {"name": "value", "type": "double"},
                {"name": "pass", "type": ["TreeNode", array]},
                {"name": "fail", "type": ["TreeNode", array]}]}},
            "init": [tree_json(e) for e in forest.estimators_]},
    },
    "action": [
        {"let": {"votes": {"a.map": [{"cell": "forest"}, {
            "params": [{"tree": "TreeNode"}], "ret": array,
            "do": {"model.tree.simpleWalk": [
                "input", "tree",
                {"params": [{"d": "Wine"}, {"t": "TreeNode"}], "ret": "boolean",
                 "do": {"model.tree.simpleTest": ["d", "t"]}}]}}]}}},
        # Sum left to right and divide once, in the order scikit-learn uses.
        {"let": {"total": {"a.reduce": ["votes", {
            "params": [{"x": array}, {"y": array}], "ret": array,
            "do": {"a.zipmap": ["x", "y", add]}}]}}},
        {"let": {"n": {"a.len": [{"cell": "forest"}]}}},
        {"let": {"mean": {"a.map": ["total", {"params": [{"p": "double"}], "ret": "double",
                                              "do": {"/": ["p", "n"]}}]}}},
        {"let": {"best": {"a.argmax": ["mean"]}}},
        {"new": {"cultivar": {"cell": "classes", "path": ["best"]},
                 "probability": {"attr": "mean", "path": ["best"]}},
         "type": "Prediction"},
    ],
}

with open(os.path.join(HERE, "model.pfa"), "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
label = forest.predict(X)
proba = forest.predict_proba(X)
with open(os.path.join(HERE, "input.jsonl"), "w") as fi, \
        open(os.path.join(HERE, "cases.jsonl"), "w") as fc:
    for row, lab, p in zip(X, label, proba):
        rec = {n: float(v) for n, v in zip(names, row)}
        fi.write(json.dumps(rec) + "\n")
        out = {"cultivar": classes[lab], "probability": float(p[lab])}
        fc.write(json.dumps({"input": rec, "output": out}) + "\n")
print("rows", len(X), "trees", len(forest.estimators_), "training accuracy", forest.score(X, y))
