#!/usr/bin/python3
"""Checks that no training image is a near-duplicate of an evaluation image: for each algorithm in two `scanlab hash`
CSVs, prints the smallest distances between a training hash and any evaluation hash.

usage: /usr/bin/python3 models/train/check-overlap.py TRAIN.csv EVAL.csv
"""
import csv
import sys


def load(path):
    hashes = {}
    for row in csv.DictReader(open(path)):
        if row['hash']:
            hashes.setdefault(row['algo'], []).append((row['file'], int(row['hash'], 16)))
    return hashes


train, evaluation = load(sys.argv[1]), load(sys.argv[2])
for algo, items in train.items():
    closest = sorted(min((bin(h ^ e).count('1'), f, g) for g, e in evaluation[algo]) for f, h in items)
    print(f'{algo}: smallest distances {[d for d, _, _ in closest[:5]]}; closest pair {closest[0][1]} ~ {closest[0][2]}')
