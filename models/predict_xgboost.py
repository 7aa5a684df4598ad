#!/usr/bin/env python3
"""XGBoost's own predictions for the rows of a CSV file: margin and score per row, exactly as float32.

Tests compare Tandem's scorer with these:
  /usr/bin/python3 models/predict_xgboost.py --model m.json --rows rows.csv --inputs a,b --out predictions.csv
"""
import argparse

import numpy as np
import xgboost as xgb

from train_xgboost import read_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--rows", required=True, help="CSV with a header row holding every input column")
    parser.add_argument("--inputs", required=True, help="input columns, comma-separated, in the model's order")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    inputs = args.inputs.split(",")
    booster = xgb.Booster(model_file=args.model)
    data = xgb.DMatrix(read_rows(args.rows, inputs), feature_names=inputs, missing=np.nan)
    margins = booster.predict(data, output_margin=True)
    scores = booster.predict(data)
    with open(args.out, "w") as out:
        out.write("margin,score\n")
        for m, s in zip(margins, scores):
            # repr of the float32's exact double value: read back without any rounding
            out.write(f"{float(m)!r},{float(s)!r}\n")


if __name__ == "__main__":
    main()
