#!/usr/bin/env python3
"""scikit-learn on exactly the data of `streamkmeans bench --data-dir DIR`, side by side.

For every case header DIR/<case>.json written by the Java bench, this loads the same points
(raw little-endian float32, row-major n x d), the same initial K-Means++ centroids and, for the
silhouette cases, the same labels, and times what the Java bench times:

* Lloyd, isolated pass: ms per assignment+update pass = median (and best) time of one call of
  scikit-learn's pass kernel (the private `sklearn.cluster._k_means_lloyd.lloyd_iter_chunked_dense`
  that `KMeans.fit` loops over, on data centred as `fit` centres it, BLAS limited to one thread
  around it as `fit` does) from the K-Means++ centroids. This is the bare pass, without the per-fit
  set-up that the Java side's measurement (a one-pass run minus a labelling) still contains.
* Lloyd, per iteration in a fit: (time of `KMeans(init=random_init, n_init=1, max_iter=N, tol=0,
  algorithm="lloyd").fit` - time of the same with max_iter=1) / (N - 1), in interleaved pairs,
  from the k random data points the Java side wrote (N from the header, 10 by default), exactly as
  the Java side measures its own fits. tol=0 leaves only the pass cap or unchanged labels to stop a
  fit; both sides' pass counts are reported (they must be N, or the difference covers fewer).
* A whole fit from the same centroids: `KMeans(init=centroids, n_init=1, tol=1e-4).fit`.
* Greedy K-Means++ seeding: `sklearn.cluster.kmeans_plusplus` (2 + ln k local trials, seed 0).
* Silhouette: `silhouette_score` exact where the header says exact, sampled (random_state=0)
  where it says sampled.

Threads are limited with threadpoolctl (OpenMP and BLAS) to --threads (default 2), and the
Lloyd loop gets n_threads explicitly, as KMeans would.

Only numpy, scikit-learn and threadpoolctl are needed (Debian: python3-sklearn). Run it with
/usr/bin/python3. Exit status 0 on success, 2 on bad input.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
from sklearn.cluster._kmeans import _kmeans_single_lloyd
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_info, threadpool_limits

CASES = ["W1", "W2", "W3", "W4", "W5"]
TARGET_SECONDS = 1.0
WARMUP_SECONDS = 0.5
MIN_REPEATS = 5
MAX_REPEATS = 1000


def load_case(data_dir, case):
    """The header of one case and its arrays (points, initial centroids, labels or None)."""
    with open(os.path.join(data_dir, case + ".json"), encoding="utf-8") as f:
        header = json.load(f)
    arrays = {}
    for name in ("points", "init", "labels", "random_init"):
        spec = header.get(name)
        if spec is None:
            arrays[name] = None
            continue
        data = np.fromfile(os.path.join(data_dir, spec["file"]), dtype=np.dtype(spec["dtype"]))
        arrays[name] = data.reshape(spec["shape"])
    return header, arrays["points"], arrays["init"], arrays["labels"], arrays["random_init"]


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def lloyd_per_pass(x, init, threads, repeats):
    """ms per Lloyd pass: median time of one call of scikit-learn's pass kernel.

    Returns (median ms per pass, best ms per pass, repeats, inertia after one pass from `init`).
    """
    # KMeans.fit centres the data (and the initial centres) before its Lloyd loop.
    mean = x.mean(axis=0)
    xc = x - mean
    ic = (init - mean).astype(x.dtype)
    k = ic.shape[0]
    weights = np.ones(xc.shape[0], dtype=xc.dtype)
    centers = np.empty_like(ic)
    centers_new = np.empty_like(ic)
    weight_in_clusters = np.zeros(k, dtype=xc.dtype)
    labels = np.full(xc.shape[0], -1, dtype=np.int32)
    center_shift = np.zeros(k, dtype=xc.dtype)

    def one_pass():
        centers[:] = ic
        lloyd_iter_chunked_dense(xc, weights, centers, centers_new, weight_in_clusters, labels,
                                 center_shift, threads)

    # As in KMeans.fit: BLAS single-threaded inside, OpenMP over chunks of points outside.
    with threadpool_limits(limits=1, user_api="blas"):
        warm_end = time.perf_counter() + WARMUP_SECONDS
        pass_s = timed(one_pass)[0]
        while time.perf_counter() < warm_end:
            pass_s = timed(one_pass)[0]
        if repeats is None:
            repeats = int(min(MAX_REPEATS, max(MIN_REPEATS, -(-TARGET_SECONDS // pass_s))))
        times = [timed(one_pass)[0] for _ in range(repeats)]
    inertia = float(_kmeans_single_lloyd(
        xc, weights, ic.copy(), max_iter=1, verbose=False, tol=0.0, n_threads=threads)[1])
    return statistics.median(times) * 1e3, min(times) * 1e3, repeats, inertia


def per_iteration(x, start, k, passes, repeats):
    """ms per Lloyd iteration inside a fit: (fit of `passes` passes - fit of 1) / (passes - 1).

    Both fits start from `start` with tol=0, timed in interleaved pairs after one warm-up pair.
    Returns (median ms per iteration, best ms per iteration, pairs, passes the long fit made,
    passes the short fit made, inertia of the long fit).
    """
    def fit(max_iter):
        # From random points a pass can leave clusters empty (both sides repair them); the
        # warning that the final labels use fewer than k clusters says nothing about the timing.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return KMeans(n_clusters=k, init=start, n_init=1, max_iter=max_iter, tol=0.0,
                          algorithm="lloyd", random_state=0).fit(x)

    first, model = timed(lambda: fit(passes))
    one = fit(1)
    if repeats is None:
        repeats = MIN_REPEATS if first > 1.0 else int(
            min(MAX_REPEATS, max(MIN_REPEATS, -(-2 * TARGET_SECONDS // first))))
    longs, shorts = [], []
    for _ in range(repeats):
        seconds, model = timed(lambda: fit(passes))
        longs.append(seconds)
        seconds, one = timed(lambda: fit(1))
        shorts.append(seconds)
    between = max(1, int(model.n_iter_) - 1)
    median = statistics.median(a - b for a, b in zip(longs, shorts))
    return (median * 1e3 / between, (min(longs) - min(shorts)) * 1e3 / between, repeats,
            int(model.n_iter_), int(one.n_iter_), float(model.inertia_))


def fit_from(x, init, k, max_iter, tol):
    """A whole KMeans fit from the given centroids: (median seconds, runs, passes, inertia)."""
    def fit():
        return KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=tol,
                      algorithm="lloyd", random_state=0).fit(x)
    seconds, runs = median_time(fit)
    model = fit()
    return seconds, runs, int(model.n_iter_), float(model.inertia_)


def median_time(fn):
    """Seconds of fn: one run when it takes a second or more, else the median of 3 after it."""
    first, _ = timed(fn)
    if first > 1.0:
        return first, 1
    return statistics.median(timed(fn)[0] for _ in range(3)), 3


def silhouette(x, labels, spec):
    if spec["method"] == "exact":
        method, score = "exact", lambda: silhouette_score(x, labels)
    else:
        sample = int(spec["sample"])
        method = "sampled:%d" % sample
        score = lambda: silhouette_score(
            x, labels, sample_size=sample, random_state=int(spec.get("seed", 0)))
    seconds, runs = median_time(score)
    return {"method": method, "seconds": seconds, "runs": runs, "value": float(score())}


def sgemm_gflops():
    """Float32 matrix-product speed of the BLAS in use (a health check of its kernels)."""
    rng = np.random.default_rng(0)
    a = rng.random((2048, 2048), dtype=np.float32)
    b = rng.random((2048, 2048), dtype=np.float32)
    a @ b
    seconds = min(timed(lambda: a @ b)[0] for _ in range(3))
    return 2 * 2048 ** 3 / seconds / 1e9


def bench(args, java):
    if args.cases:
        cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    elif java:
        cases = [r["case"] for r in java["cases"]]
    else:
        cases = [c for c in CASES if os.path.exists(os.path.join(args.data_dir, c + ".json"))]
    if not cases:
        raise ValueError("no case headers (W1.json ...) in " + args.data_dir)
    rows, silhouettes = [], []
    with threadpool_limits(limits=args.threads):
        gflops = sgemm_gflops()
        blas = [
            {k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for i in threadpool_info()]
        for case in cases:
            header, x, init, labels, random_init = load_case(args.data_dir, case)
            n, d, k = header["n"], header["d"], header["k"]
            ms, best_ms, repeats, inertia = lloyd_per_pass(x, init, args.threads, args.repeat)
            marginal = {}
            if random_init is not None:
                passes = int(header.get("marginal", {}).get("passes", 10))
                it_ms, it_best, pairs, it_passes, one_passes, it_inertia = per_iteration(
                    x, random_init, k, passes, args.repeat)
                marginal = {
                    "ms_per_iteration": it_ms, "best_ms_per_iteration": it_best,
                    "marginal_pass_cap": passes, "marginal_iterations": it_passes,
                    "marginal_short_iterations": one_passes, "marginal_pairs": pairs,
                    "marginal_inertia": it_inertia,
                }
            seed_s, seed_runs = median_time(lambda: kmeans_plusplus(x, k, random_state=0))
            fit = header.get("fit", {})
            fit_s, fit_runs, fit_iter, fit_inertia = fit_from(
                x, init, k, fit.get("max_iter", 300), fit.get("tol", 1e-4))
            row = {
                "case": case, "n": n, "d": d, "k": k, "repeats": repeats,
                "ms_per_pass": ms, "best_ms_per_pass": best_ms,
                "gflops": 3.0 * n * k * d / (ms * 1e6) if ms > 0 else None,
                "one_pass_inertia": inertia,
                "seeding_s": seed_s, "seeding_runs": seed_runs,
                "fit_ms": fit_s * 1e3, "fit_runs": fit_runs, "fit_iterations": fit_iter,
                "fit_inertia": fit_inertia,
            }
            row.update(marginal)
            rows.append(row)
            print("sklearn %s: %.3f ms/pass isolated, %s ms/iteration in a fit, seeding %.3f s"
                  % (case, ms, fmt(marginal.get("ms_per_iteration")), seed_s), file=sys.stderr)
            if header.get("silhouette") and labels is not None:
                s = silhouette(x, labels, header["silhouette"])
                s.update({"case": case, "n": n})
                silhouettes.append(s)
                print("sklearn %s: silhouette %s %.3f s" % (case, s["method"], s["seconds"]),
                      file=sys.stderr)
    return {
        "machine": {
            "python": platform.python_version(), "sklearn": sklearn.__version__,
            "numpy": np.__version__, "threads": args.threads, "blas": blas,
            "sgemm_gflops": gflops,
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        },
        "cases": rows,
        "silhouette": silhouettes,
    }


def fmt(v, digits=3):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return ("%." + str(digits) + "f") % v


def ratio(slow, fast):
    """Ours against scikit-learn: '3.10× faster' when ours is quicker, else '1.40× slower'."""
    if not slow or not fast or slow <= 0 or fast <= 0:
        return "-"
    return "%.2f× faster" % (slow / fast) if fast <= slow else "%.2f× slower" % (fast / slow)


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def markdown(result, java):
    m = result["machine"]
    blas = ", ".join("%s%s (%s%s threads)" % (
        b["internal_api"], " " + b["version"] if b["version"] else "",
        b["architecture"] + ", " if b["architecture"] else "", b["num_threads"])
        for b in m["blas"])
    out = [
        "scikit-learn %s, numpy %s, Python %s, %d threads; thread pools: %s; float32 matmul %.0f"
        " GFLOP/s"
        % (m["sklearn"], m["numpy"], m["python"], m["threads"], blas or "none", m["sgemm_gflops"]),
        "",
    ]
    ours = {r["case"]: r for r in (java or {}).get("cases", [])}
    both = [(r, ours[r["case"]]) for r in result["cases"] if r["case"] in ours]
    if both:
        out += [
            "| case | n | d | k | ms/iteration in a fit ours (best) [passes] | sklearn (best)"
            " [passes] | ours vs sklearn (best) | ms/pass isolated ours (best) | sklearn (best) |"
            " ours vs sklearn (best) | GFLOP/s isolated ours / sklearn |"
            " inertia rel. diff after 1 pass |",
            "|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|",
        ]
        for r, o in both:
            if "ms_per_iteration" in r and "ms_per_iteration" in o:
                ours_it = "%s (%s) [%d]" % (fmt(o["ms_per_iteration"]),
                                            fmt(o["best_ms_per_iteration"]),
                                            o["marginal_iterations"])
                theirs_it = "%s (%s) [%d]" % (fmt(r["ms_per_iteration"]),
                                              fmt(r["best_ms_per_iteration"]),
                                              r["marginal_iterations"])
                ratio_it = "%s (%s)" % (ratio(r["ms_per_iteration"], o["ms_per_iteration"]),
                                        ratio(r["best_ms_per_iteration"],
                                              o["best_ms_per_iteration"]))
            else:
                ours_it = theirs_it = ratio_it = "-"
            out.append("| %s | %d | %d | %d | %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s / %s"
                       " | %.1e |" % (
                r["case"], r["n"], r["d"], r["k"], ours_it, theirs_it, ratio_it,
                fmt(o["ms_per_pass"]), fmt(o["best_ms_per_pass"]), fmt(r["ms_per_pass"]),
                fmt(r["best_ms_per_pass"]), ratio(r["ms_per_pass"], o["ms_per_pass"]),
                ratio(r["best_ms_per_pass"], o["best_ms_per_pass"]), fmt(o["gflops"], 1),
                fmt(r["gflops"], 1), rel(o["one_pass_inertia"], r["one_pass_inertia"])))
        out += [
            "",
            "ms/iteration in a fit: (fit of N passes - fit of 1 pass) / (N - 1), tol 0, from the"
            " same k random data points on both sides; [passes]: what the N-pass fit made. ms/pass"
            " isolated: ours = one-pass run minus a labelling, sklearn = one call of"
            " lloyd_iter_chunked_dense, from the K-Means++ centroids.",
        ]
        out += [
            "",
            "| case | fit ms ours (passes) | fit ms sklearn (passes) | ours vs sklearn"
            " | fit inertia rel. diff | seeding s ours | seeding s sklearn | ours vs sklearn |",
            "|---|---:|---:|---|---:|---:|---:|---|",
        ]
        for r, o in both:
            out.append("| %s | %s (%d) | %s (%d) | %s | %.1e | %s | %s | %s |" % (
                r["case"], fmt(o["fit_ms"]), o["fit_iterations"], fmt(r["fit_ms"]),
                r["fit_iterations"], ratio(r["fit_ms"], o["fit_ms"]),
                rel(o["fit_inertia"], r["fit_inertia"]), fmt(o["seeding_s"], 4),
                fmt(r["seeding_s"], 4), ratio(r["seeding_s"], o["seeding_s"])))
    else:
        out += [
            "| case | n | d | k | ms/iteration in a fit (best) [passes] | ms/pass isolated (best)"
            " | GFLOP/s | fit ms (passes) | seeding s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in result["cases"]:
            per_it = ("%s (%s) [%d]" % (fmt(r["ms_per_iteration"]),
                                        fmt(r["best_ms_per_iteration"]),
                                        r["marginal_iterations"])
                      if "ms_per_iteration" in r else "-")
            out.append("| %s | %d | %d | %d | %s | %s (%s) | %s | %s (%d) | %s |" % (
                r["case"], r["n"], r["d"], r["k"], per_it, fmt(r["ms_per_pass"]),
                fmt(r["best_ms_per_pass"]), fmt(r["gflops"], 1), fmt(r["fit_ms"]),
                r["fit_iterations"], fmt(r["seeding_s"], 4)))
    if result["silhouette"]:
        ours_s = {(s["case"], s["method"]): s for s in (java or {}).get("silhouette", [])}
        out += ["", "| silhouette | n | ours s | sklearn s | ours vs sklearn | ours value"
                    " | sklearn value |", "|---|---:|---:|---:|---|---:|---:|"]
        for s in result["silhouette"]:
            o = ours_s.get((s["case"], s["method"]))
            out.append("| %s %s | %d | %s | %s | %s | %s | %.6f |" % (
                s["case"], s["method"], s["n"], fmt(o["seconds"]) if o else "-",
                fmt(s["seconds"]), ratio(s["seconds"], o["seconds"]) if o else "-",
                "%.6f" % o["value"] if o else "-", s["value"]))
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default="bench/out/data", help="where `bench --data-dir` wrote")
    p.add_argument("--cases", help="comma-separated cases (default: those in --java, else every"
                                   " header in the data dir)")
    p.add_argument("--threads", type=int, default=2, help="OpenMP and BLAS threads (default 2)")
    p.add_argument("--repeat", type=int, help="timed Lloyd runs (default: about 1 s per case)")
    p.add_argument("--java", help="the Java bench's --json output, for a side-by-side table")
    p.add_argument("--json-out", help="write this run's results as JSON here")
    p.add_argument("--out", help="write the Markdown table here as well")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = p.parse_args()
    try:
        java = None
        if args.java:
            with open(args.java, encoding="utf-8") as f:
                java = json.load(f)
        result = bench(args, java)
    except (OSError, ValueError, KeyError) as e:
        print("sklearn_bench: " + str(e), file=sys.stderr)
        return 2
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    table = markdown(result, java)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(table)
    print(json.dumps(result, indent=2) if args.json else table, end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
