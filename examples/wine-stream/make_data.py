"""Turns scikit-learn's wine data set into a stream of (cultivar, color intensity)
samples in a fixed random order, and computes the alerts model.yaml must emit for each
(the same running-statistics arithmetic as stat.sample.update), and the tally
summary.yaml must hold after each.

    python make_data.py  # writes input.jsonl, cases.jsonl, summary-cases.jsonl here
"""
import json
import math
import os

import numpy as np
from sklearn.datasets import load_wine

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLD, WARMUP = 2.0, 10

data = load_wine()
col = list(data.feature_names).index("color_intensity")
order = np.random.default_rng(0).permutation(len(data.target))

stats = {}
seen = 0
with open(os.path.join(HERE, "input.jsonl"), "w") as fi, \
        open(os.path.join(HERE, "cases.jsonl"), "w") as fc, \
        open(os.path.join(HERE, "summary-cases.jsonl"), "w") as fs:
    for i in order:
        rec = {"cultivar": "cultivar_%d" % data.target[i], "color_intensity": float(data.data[i, col])}
        fi.write(json.dumps(rec) + "\n")
        seen += 1
        count, mean, var = stats.get(rec["cultivar"], (0.0, 0.0, 0.0))
        x = rec["color_intensity"]
        emitted = []
        if count >= WARMUP:
            z = (x - mean) / math.sqrt(var)
            if abs(z) > THRESHOLD:
                emitted.append({"cultivar": rec["cultivar"], "value": x, "mean": mean,
                                "zscore": z, "seen": seen})
        # stat.sample.update with weight 1
        new_count = count + 1.0
        delta = x - mean
        shift = delta / new_count
        stats[rec["cultivar"]] = (new_count, mean + shift,
                                  (var * count + count * delta * shift) / new_count)
        fc.write(json.dumps({"input": rec, "emitted": emitted}) + "\n")
        tally = {k: {"count": c, "mean": m, "variance": v} for k, (c, m, v) in stats.items()}
        fs.write(json.dumps({"input": rec, "output": tally}) + "\n")
print("samples", len(order), "cultivars", len(stats))
