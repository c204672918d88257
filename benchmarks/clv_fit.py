"""The lifetime-value fit on a million customers: pymc-marketing (what the platform uses)
next to lifetimes' fit of the same models on the same data, in the same run, and the
parameters each recovers against the ones that drew the data.

    .venv/bin/python benchmarks/clv_fit.py [--customers 1000000] [--seed 1]

1. draws --customers customers from BG/NBD with known parameters (r, α, a, b) and, for
   those who bought again, a mean spend from Gamma-Gamma with known (p, q, v) — the
   stories the papers tell, vectorised over all customers at once — in whole days, as
   the platform's summaries are, and saves them;
2. fits each engine in its own process (so each one's peak memory is its own, read from
   the kernel's maximum resident set size): lifetimes (BetaGeoFitter + GammaGammaFitter,
   the baseline), pymc-marketing through `insights.clv.fit` (a cold run — PyTensor's
   compile cache emptied — and a warm one, as a refit on a running server is), and the
   SciPy fallback (`insights/btyd.py`);
3. writes benchmarks/results/clv_fit.md: wall time, peak memory and each parameter's
   error against the truth.

No database, no Django settings: the models alone.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "clv_fit.md"
TRUTH_BGNBD = {"r": 0.8, "alpha": 40.0, "a": 1.3, "b": 5.0}
TRUTH_GG = {"p": 4.0, "q": 3.0, "v": 500.0}


def draw(n: int, seed: int):
    """BG/NBD and Gamma-Gamma customers, all at once: each step gives every still-alive
    customer their next purchase time; a customer stops at their horizon or when they
    drop out after a repeat purchase."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(90, 730, n)
    lam = rng.gamma(TRUTH_BGNBD["r"], 1 / TRUTH_BGNBD["alpha"], n)
    p = rng.beta(TRUTH_BGNBD["a"], TRUTH_BGNBD["b"], n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = rng.exponential(1 / lam)
    active = t <= T
    while active.any():
        idx = np.flatnonzero(active)
        x[idx] += 1
        tx[idx] = t[idx]
        dropped = rng.random(len(idx)) < p[idx]
        t[idx] += rng.exponential(1 / lam[idx])
        active[idx] = ~dropped & (t[idx] <= T[idx])
    # Whole days, as the platform's summaries are (clv.summarise).
    T = np.floor(T)
    tx = np.minimum(np.floor(tx), T)
    nu = rng.gamma(TRUTH_GG["q"], 1 / TRUTH_GG["v"], n)
    # The mean of x purchases each ~ Gamma(p, ν) is Gamma(p·x, ν·x).
    m = np.where(x > 0, rng.gamma(TRUTH_GG["p"] * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return x, tx, T, m


def fit_in_this_process(engine: str, data: Path) -> dict:
    loaded = np.load(data)
    x, tx, T, m = loaded["x"], loaded["tx"], loaded["T"], loaded["m"]
    repeat = x > 0
    # Each engine's libraries are loaded before the clock starts and timed apart: a
    # worker that refits has them loaded already (the cold run's compiling stays inside
    # the fit, where it happens).
    started = time.perf_counter()
    if engine == "lifetimes":
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    else:
        sys.path.insert(0, str(ROOT))
        import pandas  # noqa: F401
        import pymc_marketing.clv  # noqa: F401
        from pymc_extras.prior import Prior  # noqa: F401

        from fanrepublic.insights import clv
    imported = time.perf_counter() - started
    started = time.perf_counter()
    if engine == "lifetimes":
        bg = BetaGeoFitter().fit(x, tx, T)
        gg = GammaGammaFitter().fit(x[repeat], m[repeat])
        params = {
            **{k: float(bg.params_[k]) for k in TRUTH_BGNBD},
            **{k: float(gg.params_[k]) for k in TRUTH_GG},
        }
    else:
        summary = clv.Summary(
            customers=np.arange(len(x)),
            x=x,
            tx=tx,
            T=T,
            m=m,
            first=np.zeros(len(x), dtype="datetime64[D]"),
            transactions=int(x.sum() + len(x)),
        )
        models = clv.fit(summary, engine=clv.PYMC if engine.startswith("pymc") else clv.SCIPY)
        params = {**models.bgnbd.as_dict(), **models.gamma_gamma.as_dict()}
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "seconds": seconds, "imported": imported, "peak_mb": peak_mb, "params": params}


def run_engine(engine: str, data: Path, *, cold: bool = False) -> dict:
    env = dict(os.environ)
    if cold:
        env["PYTENSOR_FLAGS"] = f"compiledir={tempfile.mkdtemp(prefix='pytensor-cold-')}"
    output = subprocess.run(
        [sys.executable, __file__, "--fit", engine, "--data", str(data)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    if cold:
        shutil.rmtree(env["PYTENSOR_FLAGS"].split("=", 1)[1], ignore_errors=True)
        result["engine"] += " (cold: compiling)"
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fit", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fit:
        print(json.dumps(fit_in_this_process(args.fit, Path(args.data))))
        return
    started = time.perf_counter()
    x, tx, T, m = draw(args.customers, args.seed)
    drawn = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "customers.npz"
        np.savez(data, x=x, tx=tx, T=T, m=m)
        runs = [
            run_engine("lifetimes", data),
            run_engine("pymc-marketing", data, cold=True),
            run_engine("pymc-marketing", data),
            run_engine("scipy", data),
        ]
    truth = {**TRUTH_BGNBD, **TRUTH_GG}
    baseline = runs[0]["seconds"]
    lines = [
        "# Lifetime-value fit: pymc-marketing next to lifetimes",
        "",
        f"{args.customers:,} customers drawn in {drawn:.1f} s ({int((x > 0).sum()):,} bought again); "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. "
        "`.venv/bin/python benchmarks/clv_fit.py`",
        "",
        "| engine | fit (s) | ÷ lifetimes | libraries loaded (s) | peak memory (MB) | "
        + " | ".join(f"{k} (true {v:g})" for k, v in truth.items())
        + " | worst error |",
        "| --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in truth) + " | ---: |",
    ]
    for run in runs:
        errors = [abs(run["params"][k] / v - 1) for k, v in truth.items()]
        lines.append(
            f"| {run['engine']} | {run['seconds']:.1f} | {run['seconds'] / baseline:.2f} "
            f"| {run['imported']:.1f} | {run['peak_mb']:.0f} | "
            + " | ".join(f"{run['params'][k]:.4g}" for k in truth)
            + f" | {100 * max(errors):.2f} % |"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
