#!/usr/bin/env python3
"""WF6 in NumPy: an independent implementation of shared/spec/wf6_workload.md.

Vectorised across paths, float64 throughout, NumPy's own generator (PCG64), the real APY
formulas, and the day-by-day loss model exactly as the workload states it: each day a
Poisson(0.025) number of claims, each coverage * min(1, X) with X ~ LogNormal(ln 0.004, 1),
and with probability 0.0005 a catastrophe of coverage * Uniform(0.05, 0.25).

Prints the per-tier summary the engine prints (mean final capital, P(impaired), P(wiped out),
mean loss, 99% VaR and ES of the loss; P(breaker), P(shortfall)) with standard errors, and
the throughput in path-days per second. --json writes the same numbers for a comparison.

Run: /usr/bin/python3 tools/wf6_numpy.py --paths 200000 --seed 1
"""
import argparse
import json
import math
import time

import numpy as np

NAMES = ["SURE-BTC", "SURE-SNR", "SURE-MEZZ", "SURE-JNR", "SURE-JNR+", "SURE-EQT"]
INITIAL = np.array([25e6, 20e6, 18e6, 15e6, 12e6, 10e6])
COVERAGE = 80e6
PREMIUM_PER_DAY = COVERAGE * 0.15 / 365
DAYS = 1095


def apy(u):
    """APY of the six tiers at utilisation u (shape (paths,)) -> shape (6, paths)."""
    out = np.empty((6, u.size))
    out[0] = 0.04
    out[1] = 0.065 + 0.035 * np.log1p(u) / math.log(2.0)
    out[2] = 0.09 + 0.06 * u
    out[3] = 0.125 + 0.035 / (1.0 + np.exp(-10.0 * (u - 0.5)))
    out[4] = 0.16 + 0.06 * u * u
    out[5] = 0.15 + 0.10 * np.expm1(2.0 * u) / math.expm1(2.0)
    return out


def simulate(paths, seed, days=DAYS):
    rng = np.random.default_rng(seed)
    capital = np.repeat(INITIAL[:, None], paths, axis=1)
    premiums = np.zeros((6, paths))
    wiped = np.full((6, paths), -1)
    breaker = np.full(paths, -1)
    shortfall = np.zeros(paths)
    min_total = np.full(paths, INITIAL.sum())
    mu, sigma = math.log(0.004), 1.0

    for day in range(1, days + 1):
        total = capital.sum(axis=0)
        with np.errstate(divide="ignore"):
            u = np.minimum(1.0, COVERAGE / total)   # no capital: u = 1, and every due is 0 anyway
        due = capital * apy(u) / 365.0
        left = np.full(paths, PREMIUM_PER_DAY)
        for tier in range(6):                          # senior first
            paid = np.minimum(due[tier], left)
            capital[tier] += paid
            premiums[tier] += paid
            left -= paid

        # The day's claims: only paths with at least one claim or a catastrophe are touched.
        counts = rng.poisson(0.025, paths)
        hit = np.flatnonzero(counts)
        sizes = COVERAGE * np.minimum(1.0, rng.lognormal(mu, sigma, counts[hit].sum()))
        loss = np.bincount(np.repeat(np.arange(hit.size), counts[hit]), weights=sizes, minlength=hit.size)
        cat = np.flatnonzero(rng.random(paths) < 0.0005)
        if cat.size:
            hit, where = np.unique(np.concatenate([hit, cat]), return_inverse=True)
            loss = np.bincount(where, weights=np.concatenate([loss, COVERAGE * rng.uniform(0.05, 0.25, cat.size)]))
        if hit.size == 0:
            continue

        trips = (loss > 0.1 * total[hit]) & (breaker[hit] < 0)
        breaker[hit[trips]] = day
        left = loss.copy()
        for tier in range(5, -1, -1):                  # junior first
            take = np.minimum(capital[tier, hit], left)
            capital[tier, hit] -= take
            left -= take
            newly = (capital[tier, hit] == 0) & (wiped[tier, hit] < 0)
            wiped[tier, hit[newly]] = day
        shortfall[hit] += left
        min_total[hit] = np.minimum(min_total[hit], capital[:, hit].sum(axis=0))

    return capital, wiped, premiums, breaker, shortfall, min_total


def expected_shortfall(sorted_losses, level):
    """Mean of the worst (1 - level) share, the boundary observation weighted by its fraction (Acerbi-Tasche)."""
    n = sorted_losses.size
    t = n * (1 - level)
    m = int(math.floor(t + 1e-9))
    tail = sorted_losses[n - m:].sum() if m > 0 else 0.0
    boundary = (t - m) * sorted_losses[n - m - 1] if t > m else 0.0
    return (tail + boundary) / t


def summarise(capital, wiped, breaker, shortfall):
    n = capital.shape[1]
    p_breaker = float(np.mean(breaker >= 0))
    p_shortfall = float(np.mean(shortfall > 0))
    rows = []
    for tier in range(6):
        final = capital[tier]
        loss = np.maximum(0.0, INITIAL[tier] - final)
        p_imp = float(np.mean(final < INITIAL[tier]))
        p_wip = float(np.mean(wiped[tier] >= 0))
        ordered = np.sort(loss)
        rows.append({
            "tier": tier + 1,
            "name": NAMES[tier],
            "paths": n,
            "mean_final": float(final.mean()),
            "mean_final_se": float(final.std(ddof=1) / math.sqrt(n)),
            "p_impaired": p_imp,
            "p_impaired_se": math.sqrt(p_imp * (1 - p_imp) / n),
            "p_wiped": p_wip,
            "p_wiped_se": math.sqrt(p_wip * (1 - p_wip) / n),
            "mean_loss": float(loss.mean()),
            "mean_loss_se": float(loss.std(ddof=1) / math.sqrt(n)),
            "var99_loss": float(np.quantile(ordered, 0.99, method="inverted_cdf")),
            "es99_loss": float(expected_shortfall(ordered, 0.99)),
            "p_breaker": p_breaker,
            "p_breaker_se": math.sqrt(p_breaker * (1 - p_breaker) / n),
            "p_shortfall": p_shortfall,
            "p_shortfall_se": math.sqrt(p_shortfall * (1 - p_shortfall) / n),
        })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--json", help="also write the summary and throughput to this file")
    args = parser.parse_args()

    start = time.perf_counter()
    capital, wiped, _, breaker, shortfall, _ = simulate(args.paths, args.seed, args.days)
    seconds = time.perf_counter() - start
    rows = summarise(capital, wiped, breaker, shortfall)
    rate = args.paths * args.days / seconds

    print(f"WF6 NumPy {np.__version__}: {args.paths} paths x {args.days} days in {seconds:.2f} s = {rate / 1e6:.2f} M path-days/s (one thread)")
    print(f"{'tier':<4} {'name':<10} {'mean_final':>16} {'p_impaired':>11} {'p_wiped':>9} {'mean_loss':>14} {'var99_loss':>14} {'es99_loss':>14}")
    for r in rows:
        print(f"{r['tier']:<4} {r['name']:<10} {r['mean_final']:>16.2f} {r['p_impaired']:>11.5f} {r['p_wiped']:>9.5f} "
              f"{r['mean_loss']:>14.2f} {r['var99_loss']:>14.2f} {r['es99_loss']:>14.2f}")
    print(f"P(breaker) {rows[0]['p_breaker']:.5f}   P(shortfall) {rows[0]['p_shortfall']:.5f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"implementation": "numpy", "numpy": np.__version__, "paths": args.paths, "days": args.days,
                       "seconds": seconds, "path_days_per_second": rate, "tiers": rows}, f, indent=1)


if __name__ == "__main__":
    main()
