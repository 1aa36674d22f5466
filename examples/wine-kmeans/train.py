"""Clusters scikit-learn's wine data set with k-means (k = 3, on standardized features)
and exports the clustering as a PFA document (model.cluster.closest), together with the
input records and the expected cluster of each.

    python train.py      # writes model.pfa, input.jsonl, cases.jsonl next to this file
"""
import json
import os

from sklearn.cluster import KMeans
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))

data = load_wine()
# Avro names allow letters, digits and underscores only.
names = [n.replace("/", "_") for n in data.feature_names]
X = data.data

scaler = StandardScaler().fit(X)
km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(scaler.transform(X))

array = {"type": "array", "items": "double"}


def elementwise(op, left, right):
    return {"a.zipmap": [left, right, {"params": [{"a": "double"}, {"b": "double"}],
                                      "ret": "double", "do": {op: ["a", "b"]}}]}


doc = {
    "name": "wine_kmeans",
    "doc": "k-means clusters (k = 3) of scikit-learn's wine data set; features are "
           "standardized with the training mean and scale before the nearest center is found.",
    "input": {"type": "record", "name": "Wine",
              "fields": [{"name": n, "type": "double"} for n in names]},
    "output": {"type": "record", "name": "Assignment", "fields": [
        {"name": "cluster", "type": "string"},
        {"name": "distance", "type": "double"}]},
    "cells": {
        "mean": {"type": array, "init": [float(v) for v in scaler.mean_]},
        "scale": {"type": array, "init": [float(v) for v in scaler.scale_]},
        "clusters": {
            "type": {"type": "array", "items": {"type": "record", "name": "Cluster", "fields": [
                {"name": "id", "type": "string"},
                {"name": "center", "type": array}]}},
            "init": [{"id": "cluster_%d" % i, "center": [float(v) for v in c]}
                     for i, c in enumerate(km.cluster_centers_)]},
    },
    "action": [
        {"let": {"x": {"type": array, "new": ["input." + n for n in names]}}},
        {"let": {"z": elementwise("/", elementwise("-", "x", {"cell": "mean"}), {"cell": "scale"})}},
        {"let": {"best": {"model.cluster.closest": ["z", {"cell": "clusters"}]}}},
        {"new": {"cluster": "best.id",
                 "distance": {"metric.euclidean": [{"fcn": "metric.absDiff"}, "z", "best.center"]}},
         "type": "Assignment"},
    ],
}

with open(os.path.join(HERE, "model.pfa"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
Z = scaler.transform(X)
labels = km.predict(Z)
dist = km.transform(Z)
with open(os.path.join(HERE, "input.jsonl"), "w") as fi, \
        open(os.path.join(HERE, "cases.jsonl"), "w") as fc:
    for row, lab, d in zip(X, labels, dist):
        rec = {n: float(v) for n, v in zip(names, row)}
        fi.write(json.dumps(rec) + "\n")
        out = {"cluster": "cluster_%d" % lab, "distance": float(d[lab])}
        fc.write(json.dumps({"input": rec, "output": out}) + "\n")
print("rows", len(X), "inertia", km.inertia_)
