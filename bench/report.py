#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Merges the JSON outputs of asyncsync-bench and asyncio_bench.py.

Called by build-aux/bench with every per-run JSON file.  Prints the table
(median and min-max of each side, the ratio against the floor B0 and
against asyncio, the target and PASS/MISS, all from this one run) and
writes, in --out-dir: results.json, results.md, results-table.xml (a
DocBook <informaltable> for the reference manual) and bench.png (needs
matplotlib; skipped with a warning if it cannot be imported).

Standard library only, apart from the plot.
"""

import argparse
import datetime
import html
import json
import os
import statistics
import subprocess
import sys

# (metric, short description), in table order.
ROWS = [
    ("B0", "floor: bare GTask returned in its _async, 1e6 (asyncio: future + call_soon)"),
    ("B0.iter", "one bare main-loop iteration (asyncio: sleep(0))"),
    ("B1", "uncontended acquire_async -> callback -> release, 1e6"),
    ("B2", "try_acquire + release (asyncio: async with lock: pass)"),
    ("B3", "Lock, 100 tasks x 1000, held across one idle / sleep(0)"),
    ("B4", "Lock, 100 tasks x 1e4, pure hand-off"),
    ("B5", "Semaphore(10), 1000 tasks x 100, held across one yield"),
    ("B6", "Event, 1e5 waiters, set() -> last callback, per waiter"),
    ("B6.mem", "Event: memory per parked waiter (RSS growth)"),
    ("B7", "Condition, 1e5 waiters, notify_all() -> last re-acquire, per waiter"),
    ("B8.fifo.10k", "cancel 1e4 queued waiters, FIFO order, per cancel"),
    ("B8.fifo.100k", "cancel 1e5 queued waiters, FIFO order, per cancel"),
    ("B8.lifo.10k", "cancel 1e4 queued waiters, LIFO order, per cancel"),
    ("B8.lifo.100k", "cancel 1e5 queued waiters, LIFO order, per cancel"),
    ("B9", "2 threads, own contexts, one Lock, 1e5 acquisitions each"),
    ("B10", "Queue(maxsize 100), 1 producer + 1 consumer, 1e5 items, per put+get"),
    ("B11", "Barrier(100), 100 parties x 1000 cycles, per party-wait"),
    ("B12", "uncontended acquire_async with a fresh Timeout, 1e5 "
            "(asyncio: async with timeout(1): async with lock)"),
    ("B13", "RWLock, 10 readers + 1 writer x 1000, held across one idle (no asyncio twin)"),
]

# Not in the table, kept in results.json.
EXTRAS = {
    "B6.park": "Event: one wait_async() that parks, per call",
    "B6.heap": "Event: heap growth per parked waiter (mallinfo2)",
    "B8.fifo.10k.cancel": "the g_cancellable_cancel() loop alone",
    "B8.fifo.100k.cancel": "the g_cancellable_cancel() loop alone",
    "B8.lifo.10k.cancel": "the g_cancellable_cancel() loop alone",
    "B8.lifo.100k.cancel": "the g_cancellable_cancel() loop alone",
}


def summary(samples):
    if not samples:
        return None
    return {"samples": samples, "median": statistics.median(samples),
            "min": min(samples), "max": max(samples), "runs": len(samples)}


def load(files, diag=None):
    impls = {"asyncsync-glib": {}, "asyncio": {}}
    info = {}
    if diag:
        with open(diag) as f:
            for name, m in json.load(f)["metrics"].items():
                if "iterations_per_op" in m:
                    impls["asyncsync-glib"].setdefault(
                        name, {"unit": m["unit"], "n": m["n"], "samples": []}
                    )["iterations_per_op"] = m["iterations_per_op"]
    for path in files:
        with open(path) as f:
            data = json.load(f)
        impl = data["impl"]
        info[impl] = {"version": data["version"], "runtime": data["runtime"],
                      "scale": data["scale"], "clock": data.get("clock", "wall")}
        for name, m in data["metrics"].items():
            entry = impls[impl].setdefault(name, {"unit": m["unit"], "n": m["n"], "samples": []})
            entry["samples"].extend(m["samples"])
    return impls, info


def median(impls, impl, name):
    m = impls[impl].get(name)
    return statistics.median(m["samples"]) if m and m["samples"] else None


def targets(impls):
    """[(metric, target text, measured text, ok)] for every target of B0..B9.

    B10..B13 have no target: measured side by side only."""
    c = lambda n: median(impls, "asyncsync-glib", n)
    py = lambda n: median(impls, "asyncio", n)
    out = {}

    def ratio(a, b):
        return a / b if a is not None and b else None

    def add(name, text, value, fmt, ok):
        out.setdefault(name, []).append((text, fmt % value if value is not None else "n/a",
                                         None if value is None else ok))

    r = ratio(c("B1"), c("B0"))
    add("B1", "<= 1.10 x B0", r, "%.2f x B0", r is not None and r <= 1.10)
    add("B2", "<= 60 ns", c("B2"), "%.1f ns", c("B2") is not None and c("B2") <= 60)
    r = ratio(py("B2"), c("B2"))
    add("B2", ">= 5 x faster than asyncio", r, "%.1f x", r is not None and r >= 5)
    r = ratio(py("B3"), c("B3"))
    add("B3", ">= 3.5 x faster than asyncio", r, "%.2f x", r is not None and r >= 3.5)
    r = ratio(c("B4"), c("B0"))
    add("B4", "<= 0.25 x B0", r, "%.3f x B0", r is not None and r <= 0.25)
    r = ratio(py("B5"), c("B5"))
    add("B5", ">= 5 x faster than asyncio", r, "%.2f x", r is not None and r >= 5)
    r = ratio(py("B6"), c("B6"))
    add("B6", ">= 6 x faster than asyncio", r, "%.2f x", r is not None and r >= 6)
    add("B6.mem", "<= 300 bytes", c("B6.mem"), "%.0f bytes",
        c("B6.mem") is not None and c("B6.mem") <= 300)
    r = ratio(py("B7"), c("B7"))
    add("B7", ">= 5 x faster than asyncio", r, "%.2f x", r is not None and r >= 5)
    for order in ("fifo", "lifo"):
        r = ratio(c("B8.%s.100k" % order), c("B8.%s.10k" % order))
        add("B8.%s.100k" % order, "<= 1.3 x the cost at 10k", r, "%.2f x 10k",
            r is not None and r <= 1.3)
    return out


def fmt_ns(v, unit):
    if v is None:
        return "-"
    if unit == "bytes":
        return "%.0f B" % v
    if v >= 1e5:
        return "%.0f us" % (v / 1e3)
    if v >= 1e4:
        return "%.1f us" % (v / 1e3)
    if v >= 100:
        return "%.0f ns" % v
    return "%.1f ns" % v


def cell(impls, impl, name):
    m = impls[impl].get(name)
    if not m or not m["samples"]:
        return "n/a"
    s = m["samples"]
    u = m["unit"]
    text = "%s (%s-%s)" % (fmt_ns(statistics.median(s), u), fmt_ns(min(s), u), fmt_ns(max(s), u))
    if len(s) == 1:
        text += " [1 run]"
    return text


def build_table(impls):
    tg = targets(impls)
    b0 = median(impls, "asyncsync-glib", "B0")
    rows = []
    for name, what in ROWS:
        cm = impls["asyncsync-glib"].get(name)
        unit = cm["unit"] if cm else "ns/op"
        c_med = median(impls, "asyncsync-glib", name)
        p_med = median(impls, "asyncio", name)
        vs_floor = "%.3f" % (c_med / b0) if unit == "ns/op" and c_med and b0 else "-"
        vs_asyncio = "%.2f x" % (p_med / c_med) if c_med and p_med else "-"
        its = cm.get("iterations_per_op") if cm else None
        t_text = "; ".join(t for t, _, _ in tg.get(name, [])) or "-"
        measured = "; ".join(v for _, v, _ in tg.get(name, []))
        oks = [ok for _, _, ok in tg.get(name, [])]
        if not oks:
            verdict = "-"
        elif any(ok is None for ok in oks):
            verdict = "n/a"
        else:
            verdict = "PASS" if all(oks) else "MISS"
        rows.append({
            "scenario": name, "what": what, "unit": unit,
            "asyncsync": cell(impls, "asyncsync-glib", name),
            "asyncio": cell(impls, "asyncio", name),
            "vs_floor": vs_floor, "vs_asyncio": vs_asyncio,
            "iterations": "%.3g" % its if its is not None else "-",
            "target": t_text, "measured": measured or "-", "result": verdict,
        })
    return rows, tg


COLUMNS = [("scenario", "scenario"), ("asyncsync", "asyncsync-glib median (min-max)"),
           ("asyncio", "asyncio median (min-max)"), ("vs_floor", "x floor (B0)"),
           ("vs_asyncio", "asyncio / ours"), ("iterations", "loop iterations/op"),
           ("target", "target"), ("measured", "measured"), ("result", "result")]


def text_table(rows):
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in COLUMNS]
    lines = ["  ".join(h.ljust(w) for (_, h), w in zip(COLUMNS, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(r[k].ljust(w) for (k, _), w in zip(COLUMNS, widths)))
    return "\n".join(lines)


def md_table(rows):
    lines = ["| " + " | ".join(h for _, h in COLUMNS) + " |",
             "|" + "|".join(" --- " for _ in COLUMNS) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(r[k].replace("|", "\\|") for k, _ in COLUMNS) + " |")
    return "\n".join(lines)


# The manual's two tables (a nine-column one does not fit a page): what
# each side costs, then the targets.
XML_TIMINGS = [("scenario", "scenario"), ("asyncsync", "asyncsync-glib, median (min-max)"),
               ("asyncio", "asyncio, median (min-max)"), ("vs_asyncio", "asyncio / ours")]
XML_TARGETS = [("scenario", "scenario"), ("target", "target"), ("measured", "measured"),
               ("result", "result")]


def xml_informaltable(columns, rows):
    e = lambda s: html.escape(s, quote=False)
    out = ['<informaltable>',
           '  <tgroup cols="%d">' % len(columns),
           "    <thead>",
           "      <row>" + "".join("<entry>%s</entry>" % e(h) for _, h in columns) + "</row>",
           "    </thead>",
           "    <tbody>"]
    for r in rows:
        out.append("      <row>" + "".join("<entry>%s</entry>" % e(r[k]) for k, _ in columns)
                   + "</row>")
    out += ["    </tbody>", "  </tgroup>", "</informaltable>"]
    return out


def xml_table(rows, machine, info, runs, stamp):
    """results-table.xml: the machine and versions, the timings, the
    targets; the benchmarks chapter includes it."""
    e = lambda s: html.escape(s, quote=False)
    c_info = info.get("asyncsync-glib", {})
    py_info = info.get("asyncio", {})
    out = ["<!-- SPDX-License-Identifier: LGPL-2.1-or-later -->",
           "<!-- Generated by build-aux/bench on %s; do not edit. -->" % e(stamp),
           '<simplesect id="benchmarks-run"><title>This run</title>',
           "<para>",
           "  %d interleaved runs of each side, %s, on %s." % (
               runs, "process CPU time" if c_info.get("clock") == "cpu" else "wall-clock time",
               e(stamp)),
           "</para>",
           "<itemizedlist>",
           "  <listitem><para>Machine: %s, %s CPUs; %s</para></listitem>" % (
               e(machine["cpu"]), e(machine["nproc"]), e(machine["uname"])),
           "  <listitem><para>asyncsync-glib %s on %s</para></listitem>" % (
               e(str(c_info.get("version", "?"))), e(machine["glib"])),
           "  <listitem><para>asyncio on %s</para></listitem>" % e(machine["python"])]
    if "load1" in machine:
        out.append("  <listitem><para>1-minute load during the run: median %.2f "
                   "(the benchmark itself counts about 1)</para></listitem>"
                   % machine["load1"]["median"])
    out += ["</itemizedlist>",
            "<para>What each side costs, per operation (per item, waiter or cancel where",
            "  the scenario says so); <literal>asyncio / ours</literal> above 1 means",
            "  asyncsync-glib is faster:</para>"]
    out += xml_informaltable(XML_TIMINGS, rows)
    targeted = [r for r in rows if r["result"] != "-"]
    out += ["<para>The targets, from this same run:</para>"]
    out += xml_informaltable(XML_TARGETS, targeted)
    out += ["</simplesect>", ""]
    return "\n".join(out)


def machine_info(info, loads):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    m = {
        "uname": run(["uname", "-a"]),
        "cpu": cpu,
        "nproc": run(["nproc"]),
        "glib": info.get("asyncsync-glib", {}).get("runtime", "?"),
        "python": info.get("asyncio", {}).get("runtime", "?"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    if loads:
        m["load1"] = {"min": min(loads), "median": statistics.median(loads), "max": max(loads)}
    return m


COLORS = (("asyncsync-glib", "asyncsync-glib", "#3465a4"),
          ("asyncio", "Python asyncio", "#f57900"))


def plot(impls, path, cancel_path):
    """bench.png: the cost per operation of each scenario; bench-cancel.png:
    B8's cost per cancel at 10k and 100k waiters.  Each is at most 900 px
    wide, the text column of the manual at 1024 px."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("warning: matplotlib missing (apt-get install python3-matplotlib): no plot",
              file=sys.stderr)
        return False

    names = [n for n, _ in ROWS if not n.startswith("B8") and n != "B6.mem"]
    fig, ax1 = plt.subplots(figsize=(10, 4.6))
    width = 0.38
    for k, (impl, label, color) in enumerate(COLORS):
        xs, meds, lo, hi = [], [], [], []
        for i, n in enumerate(names):
            m = impls[impl].get(n)
            if not m or not m["samples"]:
                continue
            s = m["samples"]
            med = statistics.median(s)
            xs.append(i + (k - 0.5) * width)
            meds.append(med)
            lo.append(med - min(s))
            hi.append(max(s) - med)
        ax1.bar(xs, meds, width, yerr=[lo, hi], capsize=2, label=label, color=color)
    ax1.set_yscale("log")
    ax1.set_xticks(range(len(names)))
    ax1.set_xticklabels(names)
    ax1.set_ylabel("ns per operation (median, min-max)\nlog scale: lower is faster")
    ax1.set_title("Cost per operation")
    ax1.legend()
    ax1.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)

    groups = [("fifo", "FIFO order"), ("lifo", "LIFO order")]
    fig, ax2 = plt.subplots(figsize=(7, 4.2))
    for k, (impl, label, color) in enumerate(COLORS):
        for j, size in enumerate(("10k", "100k")):
            xs, meds = [], []
            for i, (order, _) in enumerate(groups):
                v = median(impls, impl, "B8.%s.%s" % (order, size))
                if v is None:
                    continue
                xs.append(i * 2.2 + k * 1.0 + j * 0.45)
                meds.append(v)
            ax2.bar(xs, meds, 0.42, color=color, alpha=1.0 if j == 0 else 0.55,
                    label="%s, %s waiters" % (label, size), edgecolor="black", linewidth=0.4)
    ax2.set_yscale("log")
    ax2.set_xticks([0.7, 2.9])
    ax2.set_xticklabels([label for _, label in groups])
    ax2.set_ylabel("ns per cancel, log scale")
    ax2.set_title("B8: cost per cancel at 10k and 100k waiters")
    ax2.legend(fontsize=8)
    ax2.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(cancel_path, dpi=90)
    plt.close(fig)
    return True


def from_json(path):
    """impls, info and machine as a run left them in results.json."""
    with open(path) as f:
        results = json.load(f)
    impls = {"asyncsync-glib": {}, "asyncio": {}}
    for name, entry in results["metrics"].items():
        for impl in impls:
            if entry.get(impl):
                impls[impl][name] = {"unit": entry["unit"], "n": entry["n"],
                                     "samples": entry[impl]["samples"]}
                if "iterations_per_op" in entry[impl]:
                    impls[impl][name]["iterations_per_op"] = entry[impl]["iterations_per_op"]
    return impls, results["implementations"], results["machine"], results["command"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out-dir", required=True)
    p.add_argument("--command", default="build-aux/bench")
    p.add_argument("--loads", help="file of 1-minute load averages sampled during the run")
    p.add_argument("--diag", help="asyncsync-bench --diag --json output (iterations/op)")
    p.add_argument("--from-json", metavar="RESULTS_JSON",
                   help="write the outputs again from an earlier run's results.json "
                        "(after a change to this script), measuring nothing")
    p.add_argument("files", nargs="*")
    args = p.parse_args()

    if args.from_json:
        impls, info, machine, args.command = from_json(args.from_json)
    else:
        if not args.files:
            p.error("no result files")
        impls, info = load(args.files, args.diag)
        loads = []
        if args.loads and os.path.exists(args.loads):
            with open(args.loads) as f:
                loads = [float(x.split()[0]) for x in f if x.strip()]
        machine = machine_info(info, loads)
    rows, tg = build_table(impls)

    n_runs = max((len(m["samples"]) for m in impls["asyncsync-glib"].values()), default=0)
    scale = info.get("asyncsync-glib", {}).get("scale", 1.0)
    load_text = ("1-min load during the run: min %.2f, median %.2f, max %.2f "
                 "(the benchmark itself counts about 1)" %
                 (machine["load1"]["min"], machine["load1"]["median"], machine["load1"]["max"])
                 if "load1" in machine else "")
    table = text_table(rows)
    print(table)
    print()
    print("runs: %d, scale %g, %s clock; %s" % (n_runs, scale,
                                               info.get("asyncsync-glib", {}).get("clock", "wall"),
                                               load_text))
    n_miss = sum(1 for r in rows if r["result"] == "MISS")
    n_pass = sum(1 for r in rows if r["result"] == "PASS")
    print("targets: %d PASS, %d MISS" % (n_pass, n_miss))

    os.makedirs(args.out_dir, exist_ok=True)
    results = {
        "command": args.command,
        "machine": machine,
        "runs": n_runs,
        "scale": scale,
        "implementations": info,
        "metrics": {},
        "targets": [],
        "table": rows,
    }
    for name in [n for n, _ in ROWS] + list(EXTRAS):
        entry = {"what": dict(ROWS).get(name) or EXTRAS.get(name)}
        for impl in ("asyncsync-glib", "asyncio"):
            m = impls[impl].get(name)
            if m:
                entry["unit"] = m["unit"]
                entry["n"] = m["n"]
                entry[impl] = summary(m["samples"])
                if "iterations_per_op" in m and entry[impl] is not None:
                    entry[impl]["iterations_per_op"] = m["iterations_per_op"]
        results["metrics"][name] = entry
    for name, items in tg.items():
        for text, value, ok in items:
            results["targets"].append({"scenario": name, "target": text, "measured": value,
                                       "result": "n/a" if ok is None else ("PASS" if ok else "MISS")})
    with open(os.path.join(args.out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")

    stamp = machine["date"]
    md = ["<!-- SPDX-License-Identifier: LGPL-2.1-or-later -->",
          "<!-- Generated by build-aux/bench; do not edit. -->",
          "# Benchmark results",
          "",
          "Output of `%s` (%d interleaved runs of each side, scale %g, %s), %s." %
          (args.command, n_runs, scale,
           "process CPU time" if info.get("asyncsync-glib", {}).get("clock") == "cpu"
           else "wall-clock time", stamp),
          "Medians with min-max; `x floor` is our median over our B0 median,",
          "`asyncio / ours` is asyncio's median over ours (above 1: we are faster),",
          "all measured in this one run.",
          "",
          md_table(rows),
          "",
          "Targets: %d PASS, %d MISS." % (n_pass, n_miss),
          "",
          "## Scenarios",
          ""] + ["- **%s**: %s" % (n, w) for n, w in ROWS] + [
          "",
          "## Machine",
          "",
          "- `uname -a`: `%s`" % machine["uname"],
          "- CPU: %s, %s CPUs (nproc)" % (machine["cpu"], machine["nproc"]),
          "- %s; asyncio on %s" % (machine["glib"], machine["python"]),
          "- date: %s" % stamp]
    if load_text:
        md.append("- %s" % load_text)
    md += ["",
           "## Notes",
           "",
           "- B0 is the floor: under the GIO rule a callback never runs inside its",
           "  `_async` call, so one uncontended acquisition costs at least one GTask",
           "  round trip (one main-loop iteration).  asyncio does not yield on a free",
           "  lock at all, so its B1 is the same fast path as its B2; ours is",
           "  `try_acquire` (B2).",
           "- `loop iterations/op` comes from a separate `asyncsync-bench --diag` pass",
           "  (a source counting iterations; not used for timing).",
           "- B6.mem divides the growth of the resident set (/proc/self/statm) by the",
           "  number of parked waiters; ours includes the waiter and its GTask.",
           "- B8 times the cancel loop plus the delivery of every callback.  asyncio's",
           "  LIFO order is quadratic (deque.remove() scans from the left): at 100,000",
           "  waiters it is measured once per invocation.",
           "- B9 has no asyncio counterpart: asyncio's primitives are not thread-safe.",
           "- B10..B13 have no target.  B10 counts one put plus one get per",
           "  item; asyncio's put/get do not yield while the queue is neither full nor",
           "  empty, ours complete through the main loop (the GIO rule), as in B1.",
           "  B12 is B1 with a fresh Timeout per acquisition (asyncio: B2's free-lock",
           "  path inside `asyncio.timeout(1)`).  B13 has no asyncio counterpart:",
           "  asyncio has no read-write lock.",
           ""]
    with open(os.path.join(args.out_dir, "results.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(args.out_dir, "results-table.xml"), "w") as f:
        f.write(xml_table(rows, machine, info, n_runs, stamp))
    if plot(impls, os.path.join(args.out_dir, "bench.png"),
            os.path.join(args.out_dir, "bench-cancel.png")):
        print("wrote %s/{results.json,results.md,results-table.xml,bench.png,bench-cancel.png}"
              % args.out_dir)
    else:
        print("wrote %s/{results.json,results.md,results-table.xml}" % args.out_dir)


if __name__ == "__main__":
    main()
