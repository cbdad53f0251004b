#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn lab console logs of the bench_* scenarios into results.

  bench/report.py --kver K --date D --out bench/results/D-K [--plots bench] LOG...

Writes OUT.json and OUT.md (the readable tables), plot data under
OUT.plot/ and, with --plots DIR, DIR/release-<series>.png and
DIR/cost-<series>.png via gnuplot.  Only parses IMR-REPORT / TRACE lines;
every figure comes from those runs.
"""
import argparse, json, os, re, statistics, subprocess, sys

MODES = ["none", "fpr", "imr", "imr4k", "imrnodrain", "imrnohot", "ksm", "swap"]


def parse(paths):
    reps, traces, octr, btr, notes = [], {}, {}, {}, []
    for p in paths:
        if not os.path.exists(p):
            notes.append(f"missing log {p}")
            continue
        for line in open(p, errors="replace"):
            line = line.replace("\r", "").rstrip("\n")
            # The harness's periodic echo of a guest's last console line
            # (vm.sh progress, quirks.sh heartbeat) repeats a report.
            if re.match(r"^\[[^\]]*-(progress|wait [^\]]*)\] ", line):
                continue
            line = re.sub(r"^(\[[^\]]*\] )+", "", line) if line.startswith("[") and "IMR-REPORT" in line else line
            i = line.find("IMR-REPORT ")
            if i >= 0:
                toks = line[i + 11:].split()
                if not toks:
                    continue
                r = {"kind": toks[0], "tags": [], "src": os.path.basename(p)}
                for t in toks[1:]:
                    if "=" in t:
                        k, v = t.split("=", 1)
                        try:
                            v = float(v) if "." in v or v.lstrip("-").isdigit() else v
                        except ValueError:
                            pass
                        r[k] = v
                    else:
                        r["tags"].append(t)
                reps.append(r)
            m = re.match(r"^TRACE (\S+) (-?\d+) (\d+)$", line)
            if m:
                traces.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3))))
            m = re.match(r"^OCTRACE (\S+) (\d+) (\d+)$", line)
            if m:
                octr.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3))))
            m = re.match(r"^BTRACE (\S+) (-?\d+\.\d+) (\d+)$", line)
            if m:
                btr.setdefault(m.group(1), []).append((float(m.group(2)), int(m.group(3))))
    return reps, traces, octr, btr, notes


def pick(reps, kind, tag=None, **kv):
    out = []
    for r in reps:
        if r["kind"] != kind or (tag and tag not in r["tags"]):
            continue
        if all(r.get(k) == v for k, v in kv.items()):
            out.append(r)
    return out


def one(reps, kind, tag=None, **kv):
    o = pick(reps, kind, tag, **kv)
    return o[-1] if o else None


def ms(v):
    return None if v is None or v < 0 else v


def ratio(a, b):
    return None if a is None or b in (None, 0) else round(a / b, 2)


def fmt(v, unit="", nd=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        v = round(v, nd)
        if nd == 0:
            v = int(v)
    return f"{v}{unit}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kver", required=True)
    ap.add_argument("--date", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots")
    ap.add_argument("--series", default="")
    ap.add_argument("--cpus", type=int, default=1, help="vCPUs of each benchmark guest")
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()
    reps, traces, octr, btr, notes = parse(a.logs)
    notes += a.note
    res = {"date": a.date, "kernel": a.kver, "guest_cpus": a.cpus, "lab": "L2 = QEMU TCG -cpu max 2 vCPU 4 GiB; L3 = nested KVM; all times are TCG-lab times",
           "notes": notes}
    l2 = one(reps, "l2")
    if l2:
        res["l2"] = {k: v for k, v in l2.items() if k not in ("kind", "tags", "src")}

    # --- release -------------------------------------------------------
    floor = one(reps, "floor")
    gfl = {r["mode"]: r.get("munmap_us") for r in pick(reps, "gfloor") if "mode" in r}
    # The guest's own munmap: the fastest one seen in this L2 run (every
    # mode prints it; TCG noise only ever adds time), so the floor is the
    # strictest one the run supports.
    vals = [v for v in gfl.values() if isinstance(v, float)]
    mun = min(vals) if vals else None
    rel = {}
    for m in MODES:
        r = one(reps, "release", mode=m)
        if not r:
            continue
        if "skipped" in r:
            rel[m] = {"skipped": r["skipped"]}
            continue
        if "error" in r:
            rel[m] = {"error": r["error"]}
            continue
        rel[m] = {k: r.get(k) for k in ("share_pct", "returned_kib", "base_kib", "end_kib", "window_ms")}
        for k in ("t50_ms", "t90_ms", "t98_ms"):
            rel[m][k] = ms(r.get(k))
        rel[m]["guest_munmap_us"] = gfl.get(m)
        h = one(reps, "hstats", "release", mode=m)
        if h:
            rel[m]["host_reclaimed_delta"] = h.get("reclaimed_delta")
    flo = None
    if floor:
        flo = {"madvise_thp_ms": floor.get("thp_ms"), "madvise_4k_ms": floor.get("k4_ms"),
               "madvise_thp_gibps": floor.get("thp_gibps"), "madvise_4k_gibps": floor.get("k4_gibps"),
               "guest_munmap_ms": None if mun is None else round(mun / 1000, 2)}
        if mun is not None:
            flo["floor_ms"] = round(mun / 1000 + floor["thp_ms"], 2)
            flo["floor_4k_ms"] = round(mun / 1000 + floor["k4_ms"], 2)
    res["release"] = {"freed_kib": 524288, "floor": flo, "modes": rel}
    k = one(reps, "ksm")
    if k:
        res["release"]["ksm_stats"] = {x: v for x, v in k.items() if x not in ("kind", "tags", "src")}
    s = one(reps, "swapstats")
    if s:
        res["release"]["swap_stats"] = {x: v for x, v in s.items() if x not in ("kind", "tags", "src")}

    # --- throughput ----------------------------------------------------
    tp = {}
    for m in ("imr", "imr4k", "imrnodrain", "imrnohot"):
        t = one(reps, "tput", "release", mode=m)
        if t:
            tp[m] = {"calls": t.get("calls"), "bytes": t.get("bytes"), "us": t.get("us"),
                     "max_us": t.get("max_us"), "gibps": t.get("gibps")}
        h = one(reps, "htput", "release", mode=m)
        if h:
            tp[m + "_host"] = {"calls": h.get("calls"), "bytes": h.get("bytes"), "span_us": h.get("span_us"), "gibps": h.get("gibps")}
    if floor:
        tp["madvise_thp_gibps"] = floor.get("thp_gibps")
        tp["madvise_4k_gibps"] = floor.get("k4_gibps")
    res["throughput"] = tp

    # --- fragmented ----------------------------------------------------
    fr = {}
    for m in MODES:
        r = one(reps, "frag", mode=m)
        g = one(reps, "fragguest", mode=m)
        if not r or "error" in r:
            if r:
                fr[m] = {"error": r["error"]}
            continue
        exp = g.get("expected_kib") if g else None
        fr[m] = {"expected_free_kib": exp, "returned_kib": r.get("returned_kib"),
                 "share_pct": r.get("share_pct"),
                 "stayed_kib": None if exp is None else exp - r.get("returned_kib", 0),
                 "t90_ms": ms(r.get("t90_ms")), "window_ms": r.get("window_ms")}
        u = one(reps, "fragused", mode=m)
        if u and "error" not in u:
            fr[m].update({"l2_returned_kib": u.get("returned_kib"), "l2_share_pct": u.get("share_pct"),
                          "l2_t90_ms": ms(u.get("t90_ms"))})
            sh = one(reps, "fragshrink", mode=m)
            if sh and exp and sh.get("guest_alive") == 1 and isinstance(u.get("base_kib"), (int, float)) and isinstance(sh.get("used_after_kib"), (int, float)):
                back = u["base_kib"] - sh["used_after_kib"]
                fr[m].update({"l2_after_shrink_kib": back, "l2_after_shrink_pct": round(100 * back / exp, 1)})
    res["fragmented"] = fr

    # --- guest cost ----------------------------------------------------
    cost = {}
    for m in MODES:
        rows = pick(reps, "cost", mode=m)
        if not rows:
            continue
        cost[m] = {}
        for thp in (1.0, 0.0):
            rr = [r for r in rows if r.get("thp") == thp]
            if not rr:
                continue
            pps = [r["pages_per_s"] for r in rr]
            sysv = [r["cpu_sys_s"] / r["wall_s"] for r in rr]
            psys = [r["proc_sys_s"] / r["wall_s"] for r in rr]
            cost[m]["thp" if thp else "4k"] = {
                "n": len(pps), "wall_s_mean": round(statistics.mean(r["wall_s"] for r in rr), 1), "pages_per_s_mean": round(statistics.mean(pps)),
                "pages_per_s_min": round(min(pps)), "pages_per_s_max": round(max(pps)),
                "spread_pct": round(100 * (max(pps) - min(pps)) / statistics.mean(pps), 1),
                "cpu_sys_frac": round(statistics.mean(sysv), 3),
                "proc_sys_frac": round(statistics.mean(psys), 3)}
    for m in cost:
        for v in cost[m]:
            base = cost.get("none", {}).get(v)
            if base:
                cost[m][v]["vs_none_pct"] = round(100 * (cost[m][v]["pages_per_s_mean"] / base["pages_per_s_mean"] - 1), 1)
    res["guest_cost"] = cost

    # --- overcommit ----------------------------------------------------
    oc = {}
    for m in MODES:
        r = one(reps, "oc", mode=m)
        if r:
            oc[m] = {x: v for x, v in r.items() if x not in ("kind", "tags", "src", "mode")}
    res["overcommit"] = oc

    # --- build-like workload -------------------------------------------
    # One fresh guest per mode and round (rep=N); the mean over the rounds,
    # and the range, for the run time and the footprint.
    bld = {}
    for m in MODES:
        gs, hs = pick(reps, "build", mode=m), pick(reps, "buildfp", mode=m)
        if not gs and not hs:
            continue
        r = {"n": len(gs)}
        if gs:
            r.update({x: gs[-1].get(x) for x in ("rounds", "slots", "files")})
            r["failed"] = sum(g.get("failed", 0) for g in gs if isinstance(g.get("failed"), (int, float)))
            for x in ("wall_s", "user_s", "sys_s"):
                v = [g[x] for g in gs if isinstance(g.get(x), (int, float))]
                if v:
                    r[x] = round(statistics.mean(v), 2)
                    r[x + "_min"], r[x + "_max"] = min(v), max(v)
        ok = [h for h in hs if "error" not in h]
        if hs and not ok:
            r["error"] = hs[-1]["error"]
        for x in ("run_gibs", "tail_gibs", "mean_mib", "peak_mib", "start_mib", "done_mib", "end_mib", "run_s", "tail_s"):
            v = [h[x] for h in ok if isinstance(h.get(x), (int, float))]
            if v:
                r[x] = round(statistics.mean(v), 2)
                r[x + "_min"], r[x + "_max"] = min(v), max(v)
        st = pick(reps, "gstats", "build", mode=m)
        for x in ("reported_bytes", "reused_bytes", "hot_holds"):
            v = [g[x] for g in st if isinstance(g.get(x), (int, float))]
            if v:
                r[x] = statistics.mean(v)
        bld[m] = r
    base = bld.get("none", {})
    fb = bld.get("fpr", {})
    for m, r in bld.items():
        if base.get("wall_s") and r.get("wall_s"):
            r["wall_vs_none_pct"] = round(100 * (r["wall_s"] / base["wall_s"] - 1), 1)
        if fb.get("run_gibs") and r.get("run_gibs"):
            r["run_gibs_vs_fpr"] = round(r["run_gibs"] / fb["run_gibs"], 2)
        if base.get("run_gibs") and r.get("run_gibs"):
            r["run_gibs_vs_none"] = round(r["run_gibs"] / base["run_gibs"], 2)
    res["build"] = bld

    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump(res, f, indent=1, sort_keys=False)
    md = table(res)
    with open(a.out + ".md", "w") as f:
        f.write(md)
    print(md)
    if a.plots:
        plots(a, traces, cost, octr, btr)


def table(res):
    L = [f"# IMR bench {res['date']} — kernel {res['kernel']} (L2 host and L3 guest)", "",
         "All absolute times are TCG-lab times (L2 under QEMU TCG, L3 nested).", ""]
    rel = res["release"]["modes"]
    fl = res["release"]["floor"] or {}
    F = fl.get("floor_ms")
    L += [f"## release: 512 MiB freed by a 1 GiB {res.get('guest_cpus', 1)}-vCPU guest whose process stays alive (host RSS, from the guest's free)", "",
          f"floor = fastest guest munmap of the run {fmt(fl.get('guest_munmap_ms'), ' ms', 2)} + L2 madvise(DONTNEED) THP {fmt(fl.get('madvise_thp_ms'), ' ms', 2)} = **{fmt(F, ' ms', 2)}** "
          f"(4 KiB-backed madvise: {fmt(fl.get('madvise_4k_ms'), ' ms', 1)})", "",
          "| mode | returned | share | t50 | t90 | t98 | t90/floor | t98/floor | window |",
          "|---|---|---|---|---|---|---|---|---|"]
    for m, r in rel.items():
        if "skipped" in r or "error" in r:
            L.append(f"| {m} | {r.get('skipped') or r.get('error')} | | | | | | | |")
            continue
        L.append(f"| {m} | {fmt(r['returned_kib'] / 1024 if r.get('returned_kib') is not None else None, ' MiB', 0)} | {fmt(r['share_pct'], '%')} | "
                 f"{fmt(r['t50_ms'], ' ms', 0)} | {fmt(r['t90_ms'], ' ms', 0)} | {fmt(r['t98_ms'], ' ms', 0)} | "
                 f"{fmt(ratio(r['t90_ms'], F), '×', 1)} | {fmt(ratio(r['t98_ms'], F), '×', 1)} | {fmt(r['window_ms'] / 1000 if r.get('window_ms') else None, ' s', 1)} |")
    i, f = rel.get("imr", {}), rel.get("fpr", {})
    if i.get("t90_ms") and f.get("t90_ms"):
        L += ["", f"IMR vs FPR: t90 {fmt(ratio(f['t90_ms'], i['t90_ms']), '×', 1)} faster; "
              f"t98 {'FPR never reached 98%' if not f.get('t98_ms') else fmt(ratio(f['t98_ms'], i.get('t98_ms')), '× faster', 1)}; "
              f"share {fmt(i.get('share_pct'), '%')} vs {fmt(f.get('share_pct'), '%')}."]
    tp = res["throughput"]
    if tp:
        L += ["", "## throughput of the drop", "",
              "| what | GiB/s |", "|---|---|"]
        for m in ("imr", "imr4k", "imrnodrain", "imrnohot"):
            if m in tp:
                L.append(f"| {m}: bytes reported / guest-measured hypercall time ({fmt(tp[m]['calls'], '', 0)} calls) | {fmt(tp[m]['gibps'], '', 2)} |")
        for m in ("imr", "imr4k", "imrnodrain", "imrnohot"):
            if m + "_host" in tp:
                L.append(f"| {m}: bytes dropped / L2 time from first imr_host:reclaim to imr_host:report per call ({fmt(tp[m + '_host']['calls'], '', 0)} calls) | {fmt(tp[m + '_host']['gibps'], '', 2)} |")
        L.append(f"| L2 madvise(DONTNEED), THP-backed | {fmt(tp.get('madvise_thp_gibps'), '', 2)} |")
        L.append(f"| L2 madvise(DONTNEED), 4 KiB-backed | {fmt(tp.get('madvise_4k_gibps'), '', 2)} |")
    fr = res["fragmented"]
    if fr:
        L += ["", "## fragmented: 4 interleaved processes + page cache, odd ones exit, even ones free every other 64 KiB, drop_caches", "",
              "By the guest QEMU's RSS, and by L2's free memory (what the host really has again: a drop inside a THP lowers the RSS but frees nothing until the THP is split).", "",
              "| mode | freed (expected) | returned (RSS) | share (RSS) | stayed behind (RSS) | returned (L2 free memory) | share (L2) | t90 (L2) | L2, after its shrinkers ran |", "|---|---|---|---|---|---|---|---|---|"]
        for m, r in fr.items():
            if "error" in r:
                L.append(f"| {m} | {r['error']} | | | | | | | |")
                continue
            l2r = r.get("l2_returned_kib")
            l2s = r.get("l2_after_shrink_kib")
            L.append(f"| {m} | {fmt(r['expected_free_kib'] / 1024 if r['expected_free_kib'] else None, ' MiB', 0)} | {fmt(r['returned_kib'] / 1024, ' MiB', 0)} | "
                     f"{fmt(r['share_pct'], '%')} | {fmt(r['stayed_kib'] / 1024 if r['stayed_kib'] is not None else None, ' MiB', 0)} | "
                     f"{fmt(l2r / 1024 if l2r is not None else None, ' MiB', 0)} | {fmt(r.get('l2_share_pct'), '%')} | {fmt(r.get('l2_t90_ms'), ' ms', 0)} | "
                     f"{fmt(l2s / 1024 if l2s is not None else None, ' MiB', 0)} ({fmt(r.get('l2_after_shrink_pct'), '%')}) |")
    c = res["guest_cost"]
    if c:
        walls = [v["wall_s_mean"] for vv in c.values() for v in vv.values() if isinstance(v, dict) and "wall_s_mean" in v]
        secs = round(min(walls)) if walls else 2
        L += ["", f"## guest cost: pfbench (mmap 128 MiB, touch, munmap; {secs} s per run)", "",
              "| mode | pages | runs | pages/s mean (min–max) | vs none | guest CPU sys share | process sys share |",
              "|---|---|---|---|---|---|---|"]
        for m, vv in c.items():
            for v, r in vv.items():
                L.append(f"| {m} | {v} | {r['n']} | {r['pages_per_s_mean']} ({r['pages_per_s_min']}–{r['pages_per_s_max']}) | "
                         f"{fmt(r.get('vs_none_pct'), '%')} | {fmt(100 * r['cpu_sys_frac'], '%')} | {fmt(100 * r['proc_sys_frac'], '%')} |")
    oc = res["overcommit"]
    if oc:
        L += ["", "## overcommit: 1.5 GiB guests in turn (touch 1.2 GiB, free), L2 4 GiB, no swap", "",
              "| mode | finished | MemAvailable start → low | OOM kills | guests' RSS at end |", "|---|---|---|---|---|"]
        for m, r in oc.items():
            rss = "/".join(str(int(x) // 1024) for x in str(r.get("rss_end_kib", "")).split(",") if x.strip().isdigit())
            L.append(f"| {m} | {fmt(r.get('finished'), '', 0)}/{fmt(r.get('guests'), '', 0)} | {fmt(r.get('memavail_start_kib', 0) / 1024, '', 0)} → {fmt(r.get('memavail_min_kib', 0) / 1024, ' MiB', 0)} | "
                     f"{fmt(r.get('oom_kills'), '', 0)} | {rss} MiB |")
    b = res.get("build")
    if b:
        r0 = next(iter(b.values()))
        L += ["", f"## build-like workload: {fmt(r0.get('rounds'), '', 0)} round(s) of gcc -O2 -c (dtc, {fmt(r0.get('files'), '', 0)} files), xz -6 and gzip -9 (3.5 MiB of text), {fmt(r0.get('slots'), '', 0)} job slots; a fresh 1 GiB guest per mode and repetition", "",
              "Footprint: the guest QEMU's RSS in L2 integrated over the build (and over the tail after it, the programs gone); means over the repetitions, (min–max).", "",
              "| mode | runs | run time (min–max) | vs none | guest user / sys | footprint (min–max) | vs none | vs FPR | mean RSS | RSS at start → end of build → after tail | reported / reused per run |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
        for m, r in b.items():
            num = lambda k: r.get(k) if isinstance(r.get(k), (int, float)) else None
            rng = lambda k, u, nd=1: f"{fmt(num(k), u, nd)} ({fmt(num(k + '_min'), '', nd)}–{fmt(num(k + '_max'), '', nd)})"
            ru = "" if num("reported_bytes") is None or num("reused_bytes") is None else f"{r['reported_bytes'] / 2**30:.2f} / {r['reused_bytes'] / 2**30:.2f} GiB"
            fp = f"footprint: {r['error']}" if r.get("error") else rng("run_gibs", " GiB·s")
            L.append(f"| {m} | {fmt(r.get('n'), '', 0)} | {rng('wall_s', ' s')} | {fmt(r.get('wall_vs_none_pct'), '%')} | {fmt(num('user_s'), ' s', 1)} / {fmt(num('sys_s'), ' s', 1)} | "
                     f"{fp} | {fmt(r.get('run_gibs_vs_none'), '×', 2)} | {fmt(r.get('run_gibs_vs_fpr'), '×', 2)} | {fmt(num('mean_mib'), ' MiB', 0)} | "
                     f"{fmt(num('start_mib'), '', 0)} → {fmt(num('done_mib'), '', 0)} → {fmt(num('end_mib'), ' MiB', 0)} | {ru} |")
    if res.get("notes"):
        L += ["", "Notes:"] + [f"- {n}" for n in res["notes"]]
    return "\n".join(L) + "\n"


def plots(a, traces, cost, octr, btr):
    d = a.out + ".plot"
    os.makedirs(d, exist_ok=True)
    series = a.series or a.kver
    rel = [m for m in MODES if m in traces]
    if rel:
        for m in rel:
            with open(f"{d}/release-{m}.dat", "w") as f:
                for t, k in traces[m]:
                    f.write(f"{t / 1000:.3f} {k / 1024:.1f}\n")
        png = f"{a.plots}/release-{series}.png"
        gp = [f"set terminal pngcairo size 1000,560 font ',11'" , f"set output '{png}'",
              f"set title 'Host RSS of a 1 GiB guest that frees 512 MiB at t=0 ({a.kver}, {a.date}, TCG lab)'",
              "set xlabel 'seconds since the guest started freeing'", "set ylabel 'guest QEMU VmRSS in L2 (MiB)'",
              "set grid", "set key outside right", "set xrange [-2:*]"]
        gp.append("plot " + ", ".join(f"'{d}/release-{m}.dat' using 1:2 with lines lw 2 title '{m}'" for m in rel))
        run_gnuplot(gp)
    if cost:
        with open(f"{d}/cost.dat", "w") as f:
            f.write("# mode thp thpmin thpmax k4 k4min k4max\n")
            for m, vv in cost.items():
                base = {v: cost.get("none", {}).get(v, {}).get("pages_per_s_mean") for v in ("thp", "4k")}
                row = [m]
                for v in ("thp", "4k"):
                    r, b = vv.get(v), base[v]
                    if r and b:
                        row += [f"{100 * r['pages_per_s_mean'] / b:.1f}", f"{100 * r['pages_per_s_min'] / b:.1f}", f"{100 * r['pages_per_s_max'] / b:.1f}"]
                    else:
                        row += ["0", "0", "0"]
                f.write(" ".join(row) + "\n")
        png = f"{a.plots}/cost-{series}.png"
        gp = ["set terminal pngcairo noenhanced size 900,520 font ',11'", f"set output '{png}'",
              f"set title 'Guest cost: pfbench page faults/s relative to none (bars: mean, whiskers: min–max; {a.kver}, TCG lab)'",
              "set ylabel '% of none'", "set style data histograms", "set style histogram errorbars gap 2 lw 1",
              "set style fill solid 0.6 border -1", "set yrange [0:*]", "set grid ytics", "set key top right",
              f"plot '{d}/cost.dat' using 2:3:4:xtic(1) title 'THP' , '' using 5:6:7 title '4 KiB (MADV_NOHUGEPAGE)'"]
        run_gnuplot(gp)
    # The first repetition's trace of each mode (BTRACE MODE-REP).
    bm = [m for m in MODES if m + "-1" in btr or m in btr]
    if bm:
        for m in bm:
            with open(f"{d}/build-{m}.dat", "w") as f:
                for t, k in btr.get(m + "-1", btr.get(m, [])):
                    f.write(f"{t:.2f} {k / 1024:.1f}\n")
        png = f"{a.plots}/build-{series}.png"
        gp = ["set terminal pngcairo noenhanced size 1000,560 font ',11'", f"set output '{png}'",
              f"set title 'Host RSS of a 1 GiB guest building (gcc, xz, gzip) from t=0 ({a.kver}, {a.date}, TCG lab)'",
              "set xlabel 'seconds since the build started'", "set ylabel 'guest QEMU VmRSS in L2 (MiB)'",
              "set grid", "set key outside right", "set yrange [0:*]"]
        gp.append("plot " + ", ".join(f"'{d}/build-{m}.dat' using 1:2 with lines lw 2 title '{m}'" for m in bm))
        run_gnuplot(gp)
    if octr:
        for m, v in octr.items():
            with open(f"{d}/oc-{m}.dat", "w") as f:
                for t, k in v:
                    f.write(f"{t / 1000:.1f} {k / 1024:.0f}\n")


def run_gnuplot(lines):
    try:
        subprocess.run(["gnuplot"], input="\n".join(lines) + "\n", text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"report: gnuplot failed: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
