# Regenerates tails.json: beta-binomial upper tails P[X >= t] computed with mpmath at 60 significant digits by direct
# summation of the pmf C(n,k) B(k+a, n-k+b)/B(a,b), a = p(1-rho)/rho, b = (1-p)(1-rho)/rho (rho = 0: the binomial,
# via the regularised incomplete beta function I_p(t, n-t+1)). Run: python3 generate.py > tails.json
import json
import mpmath as mp

mp.mp.dps = 60


def tail(t, n, p, rho):
    p = mp.mpf(p)
    if rho == 0:
        return mp.betainc(t, n - t + 1, 0, p, regularized=True)
    s = (1 - mp.mpf(rho)) / mp.mpf(rho)
    a, b = p * s, (1 - p) * s
    log_norm = mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b) - mp.loggamma(n + a + b) + mp.loggamma(n + 1)
    total = mp.mpf(0)
    for k in range(t, n + 1):
        term = mp.e ** (log_norm - mp.loggamma(k + 1) - mp.loggamma(n - k + 1) + mp.loggamma(k + a) + mp.loggamma(n - k + b))
        total += term
        if k > t + 50 and term < total * mp.mpf(10) ** -30:
            break
    return total


CASES = [
    (30, 10000, 1e-6, 1e-4),
    (30, 10000, 1e-6, 1e-3),
    (30, 10000, 1e-6, 0),
    (30, 5773006, 1e-6, 0),
    (30, 5773005, 1e-6, 0),
    (1, 10, 0.1, 0.2),
    (3, 20, 0.05, 0.1),
    (5, 1000, 1e-3, 1e-5),
    (30, 100000, 1e-7, 1e-5),
    (30, 1000, 1e-8, 0),
    (2, 50, 0.3, 0.5),
    (10, 10, 0.2, 0.3),
    (100, 1000000, 1e-6, 1e-2),
    (30, 10000, 1e-9, 1e-6),
    (60, 100, 1e-8, 0),
    (60, 100, 1e-8, 1e-9),
    (30, 1000000, 1e-6, 1e-12),
    (30, 20000, 1e-5, 0.9),
]
rows = []
for t, n, p, rho in CASES:
    v = tail(t, n, p, rho)
    rows.append({"t": t, "n": n, "p": p, "rho": rho, "tail": mp.nstr(v, 17), "logTail": float(mp.log(v))})
print(json.dumps(rows, indent=2))
