"""Fits a logistic regression to scikit-learn's breast-cancer data set (features
standardized) and exports it as a PFA document (model.reg.linear and m.link.logit),
together with the input records and the expected diagnosis and probability of each.

    python train.py      # writes model.pfa, input.csv, cases.jsonl next to this file
"""
import csv
import json
import os

from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))

data = load_breast_cancer()
# "mean radius" -> mean_radius: Avro names allow letters, digits and underscores only.
names = [n.replace(" ", "_") for n in data.feature_names]
X, y = data.data, data.target  # target 1 = benign, 0 = malignant

pipe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=10000)).fit(X, y)
scaler, reg = pipe[0], pipe[1]

array = {"type": "array", "items": "double"}


def elementwise(op, left, right):
    return {"a.zipmap": [left, right, {"params": [{"a": "double"}, {"b": "double"}],
                                      "ret": "double", "do": {op: ["a", "b"]}}]}


doc = {
    "name": "breast_cancer_logistic",
    "doc": "Logistic regression on scikit-learn's breast-cancer data set: standardize the 30 "
           "features, then P(benign) = logit(coeff . z + const).",
    "input": {"type": "record", "name": "Tumor",
              "fields": [{"name": n, "type": "double"} for n in names]},
    "output": {"type": "record", "name": "Diagnosis", "fields": [
        {"name": "diagnosis", "type": "string"},
        {"name": "p_benign", "type": "double"}]},
    "cells": {
        "mean": {"type": array, "init": [float(v) for v in scaler.mean_]},
        "scale": {"type": array, "init": [float(v) for v in scaler.scale_]},
        "model": {"type": {"type": "record", "name": "Linear", "fields": [
            {"name": "coeff", "type": array}, {"name": "const", "type": "double"}]},
            "init": {"coeff": [float(v) for v in reg.coef_[0]],
                     "const": float(reg.intercept_[0])}},
    },
    "action": [
        {"let": {"x": {"type": array, "new": ["input." + n for n in names]}}},
        {"let": {"z": elementwise("/", elementwise("-", "x", {"cell": "mean"}), {"cell": "scale"})}},
        {"let": {"score": {"model.reg.linear": ["z", {"cell": "model"}]}}},
        {"new": {"diagnosis": {"if": {">": ["score", 0]},
                               "then": {"string": "benign"}, "else": {"string": "malignant"}},
                 "p_benign": {"m.link.logit": ["score"]}},
         "type": "Diagnosis"},
    ],
}

with open(os.path.join(HERE, "model.pfa"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
label = pipe.predict(X)
proba = pipe.predict_proba(X)[:, 1]
# The scoring input is CSV (a header row naming the input record's fields).
with open(os.path.join(HERE, "input.csv"), "w", newline="") as fi, \
        open(os.path.join(HERE, "cases.jsonl"), "w") as fc:
    w = csv.writer(fi, lineterminator="\n")
    w.writerow(names)
    for row, lab, p in zip(X, label, proba):
        rec = {n: float(v) for n, v in zip(names, row)}
        w.writerow([repr(float(v)) for v in row])
        out = {"diagnosis": "benign" if lab == 1 else "malignant", "p_benign": float(p)}
        fc.write(json.dumps({"input": rec, "output": out}) + "\n")
print("rows", len(X), "training accuracy", pipe.score(X, y))
