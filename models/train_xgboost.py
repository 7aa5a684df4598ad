#!/usr/bin/env python3
"""Trains an XGBoost model on a CSV training set and saves it as JSON, the file `./tandem model register` takes.

The inputs go to XGBoost as float32 with NaN meaning missing (an empty cell, 'nan' or 'NaN'),
in the order given by --inputs: the order the spec's `models[].inputs` must list them in.

  /usr/bin/python3 models/train_xgboost.py --training-set train.csv --label label \
      --inputs card_txn_count_24h,card_amount_avg_7d --model fraud.json

Needs Debian's python3-xgboost (1.7); `./tandem test` installs it.
"""
import argparse
import csv
import sys

import numpy as np
import xgboost as xgb


def read_rows(path, columns):
    """The named columns of a CSV file as a float32 matrix (missing cells NaN)."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        absent = [c for c in columns if c not in reader.fieldnames]
        if absent:
            sys.exit(f"{path} has no column {', '.join(absent)} (it has {', '.join(reader.fieldnames)})")
        rows = [[float(r[c]) if r[c] not in ("", None) else float("nan") for c in columns] for r in reader]
    return np.asarray(rows, dtype=np.float64).astype(np.float32)


def label_value(text):
    """A label cell: true/false or a number."""
    word = text.strip().lower()
    return 1.0 if word == "true" else 0.0 if word == "false" else float(word)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--training-set", required=True, help="CSV with a header row")
    parser.add_argument("--label", required=True, help="the label column: 0/1 (or true/false) for binary:logistic")
    parser.add_argument("--inputs", required=True, help="input columns, comma-separated, in the model's order")
    parser.add_argument("--model", required=True, help="where to save the model (JSON)")
    parser.add_argument("--objective", default="binary:logistic")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--eta", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    inputs = args.inputs.split(",")
    x = read_rows(args.training_set, inputs)
    with open(args.training_set, newline="") as f:
        y = np.asarray([label_value(r[args.label]) for r in csv.DictReader(f)], dtype=np.float64)
    data = xgb.DMatrix(x, label=y, feature_names=inputs, missing=np.nan)
    params = {"objective": args.objective, "max_depth": args.depth, "eta": args.eta, "seed": args.seed, "nthread": 1}
    booster = xgb.train(params, data, num_boost_round=args.trees)
    booster.save_model(args.model)
    print(f"trained {args.trees} trees of depth <= {args.depth} on {len(y)} rows; saved {args.model}")


if __name__ == "__main__":
    main()
