#!/bin/bash
# Benchmark (not a test) for `dom0cuda smoke` on a real GPU host (issue 6, 10).
# In one process session, interleaved so drift hits both sides alike:
#  a. `smoke --quick` cold (a new process each run) against the driver floor
#     (bench/smoke_floor.c: dlopen + cuInit + primary context), median of RUNS
#     each; target: smoke <= 1.15x floor;
#  b. pinned H2D/D2H bandwidth of `smoke` against bench/smoke_bw_ref.cu built
#     here with nvcc (cudaMemcpyAsync, events, same sizes, best of 5);
#     target >= 0.99x;
#  c. `python3 -c 'import torch; torch.zeros(1).cuda()'` if torch imports;
#  d. (issue 10) `smoke --quick --all` against `--device 0` and against the
#     driver floor for N GPUs (N floor processes at once, one GPU each), and
#     per-GPU bandwidth of --all against each GPU alone.
# Peak RSS comes from wait4. Prints a summary; writes $OUT_DIR/*.
# usage: bench/smoke.sh [RUNS] [OUT_DIR]   (needs build/dom0cuda, nvcc, cc, python3)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-9}
out=${2:-${OUT:-/tmp/d0c-bench-smoke}}
bin=$PWD/build/dom0cuda
[ -x "$bin" ] || { echo "build first: make" >&2; exit 64; }
mkdir -p "$out" /tmp/d0c-bench
cc -O2 -o /tmp/d0c-bench/floor bench/smoke_floor.c -ldl
nvcc -O2 -o /tmp/d0c-bench/bwref bench/smoke_bw_ref.cu

{
	echo "date: $(date -u +%FT%TZ)"
	echo "kernel: $(uname -r)"
	echo "cpus: $(nproc)"
	nvidia-smi --query-gpu=index,name,driver_version,pci.bus_id,pcie.link.gen.max,pcie.link.width.max,memory.total --format=csv 2>&1
	echo "binary: $("$bin" --version)"
	echo "nvcc: $(nvcc --version | tail -1)"
} | tee "$out/machine.txt"

python3 - "$bin" "$runs" "$out" <<'EOF'
import json, os, statistics, subprocess, sys, time

bin_, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def run(argv, capture=True, env=None):
    """Wall ms, peak RSS KiB, exit status, stdout of one cold process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    data = p.stdout.read() if capture else b""
    _, status, ru = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t0) * 1e3
    p.returncode = os.waitstatus_to_exitcode(status)
    return ms, ru.ru_maxrss, p.returncode, data.decode(errors="replace")

def run_together(argvs):
    """Wall ms until every process exits, max peak RSS, worst exit status:
    one process per GPU (CUDA_VISIBLE_DEVICES=i), all started at once."""
    t0 = time.perf_counter()
    ps = [subprocess.Popen(a, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, CUDA_VISIBLE_DEVICES=str(i)))
          for i, a in enumerate(argvs)]
    rss, rc = 0, 0
    for p in ps:
        _, status, ru = os.wait4(p.pid, 0)
        rss, rc = max(rss, ru.ru_maxrss), rc or os.waitstatus_to_exitcode(status)
    return (time.perf_counter() - t0) * 1e3, rss, rc, ""

def bench(label, cmds, n, env=None):
    """Runs the commands interleaved n times after one warm-up round. A value
    that is a tuple of argvs runs them at once (run_together)."""
    res = {k: [] for k in cmds}
    for i in range(n + 1):
        for k, argv in cmds.items():
            ms, rss, rc, _ = run_together(argv) if isinstance(argv, tuple) else run(argv, env=env)
            if rc != 0:
                print(f"{label}: {k} exited {rc}", file=sys.stderr)
            if i:
                res[k].append((ms, rss))
    return {k: {"median_ms": statistics.median(m for m, _ in v),
                "min_ms": min(m for m, _ in v),
                "max_ms": max(m for m, _ in v),
                "peak_rss_kib": max(r for _, r in v)} for k, v in res.items()}

report = {}
floor = "/tmp/d0c-bench/floor"
ngpus = int(subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout.count("GPU "))
a = bench("verdict", {"floor": [floor],
                      # the driver's own cost of N GPUs: N floor processes
                      # at once, one GPU each
                      "floor_all": tuple([floor] for _ in range(max(ngpus, 1))),
                      "smoke_quick": [bin_, "smoke", "--quick", "--device", "0"],
                      "smoke_quick_all": [bin_, "smoke", "--quick", "--all"]}, runs)
report["verdict"] = a
ratio = a["smoke_quick"]["median_ms"] / a["floor"]["median_ms"]
print(f"(a) floor median {a['floor']['median_ms']:.1f} ms, smoke --quick --device 0 "
      f"median {a['smoke_quick']['median_ms']:.1f} ms -> {ratio:.3f}x floor (target <= 1.15)")
print(f"    smoke --quick --all median {a['smoke_quick_all']['median_ms']:.1f} ms -> "
      f"{a['smoke_quick_all']['median_ms'] / a['smoke_quick']['median_ms']:.3f}x --device 0 "
      f"(issue 10 target <= 1.3)")
print(f"    floor x{ngpus} at once (one process per GPU) median {a['floor_all']['median_ms']:.1f} ms "
      f"= {a['floor_all']['median_ms'] / a['floor']['median_ms']:.3f}x one floor; smoke --all -> "
      f"{a['smoke_quick_all']['median_ms'] / a['floor_all']['median_ms']:.3f}x that")
print(f"    peak RSS: floor {a['floor']['peak_rss_kib']} KiB, smoke --quick "
      f"{a['smoke_quick']['peak_rss_kib']} KiB")
report["verdict_ratio"] = ratio

# The PTX JIT cache (~/.nv/ComputeCache) is warm after the first run above;
# a host's very first run compiles the kernel. Same comparison without it.
nocache = dict(os.environ, CUDA_CACHE_DISABLE="1")
a2 = bench("verdict-nocache", {"floor": [floor],
                               "smoke_quick": [bin_, "smoke", "--quick", "--device", "0"]},
           max(3, runs // 3), env=nocache)
report["verdict_no_jit_cache"] = a2
print(f"(a2) CUDA_CACHE_DISABLE=1: floor median {a2['floor']['median_ms']:.1f} ms, smoke --quick "
      f"median {a2['smoke_quick']['median_ms']:.1f} ms -> "
      f"{a2['smoke_quick']['median_ms'] / a2['floor']['median_ms']:.3f}x floor")

# One --json quick run kept for the step timings.
_, _, _, js = run([bin_, "--json", "smoke", "--quick", "--device", "0"])
open(os.path.join(out, "smoke-quick.json"), "w").write(js)

# (b) bandwidth, interleaved, best over rounds on each side.
bw = {}
for size in (64 << 20, 256 << 20):
    ref_h2d = ref_d2h = sm_h2d = sm_d2h = 0.0
    rss = 0
    for _ in range(3):
        _, _, rc, txt = run(["/tmp/d0c-bench/bwref", str(size), "5"])
        h, d = map(float, txt.split())
        ref_h2d, ref_d2h = max(ref_h2d, h), max(ref_d2h, d)
        _, r, rc, js = run([bin_, "--json", "smoke", "--device", "0", "--size", str(size)])
        rss = max(rss, r)
        doc = json.loads(js)
        st = {s["name"]: s for s in doc["gpus"][0]["steps"]}
        sm_h2d = max(sm_h2d, st["bandwidth pinned"]["h2d_gbs"])
        sm_d2h = max(sm_d2h, st["bandwidth pinned"]["d2h_gbs"])
    bw[size] = {"ref_h2d": ref_h2d, "ref_d2h": ref_d2h, "smoke_h2d": sm_h2d,
                "smoke_d2h": sm_d2h, "smoke_peak_rss_kib": rss}
    print(f"(b) {size >> 20} MiB pinned: H2D smoke {sm_h2d:.2f} / ref {ref_h2d:.2f} GB/s = "
          f"{sm_h2d / ref_h2d:.4f}x; D2H smoke {sm_d2h:.2f} / ref {ref_d2h:.2f} GB/s = "
          f"{sm_d2h / ref_d2h:.4f}x (target >= 0.99); smoke peak RSS {rss} KiB")
report["bandwidth"] = bw
_, _, _, txt = run([bin_, "smoke"])
open(os.path.join(out, "smoke-full.txt"), "w").write(txt)
_, _, _, js = run([bin_, "--json", "smoke"])
open(os.path.join(out, "smoke-full.json"), "w").write(js)

# (c) the PyTorch one-liner people use today.
try:
    t = bench("torch", {"torch": ["python3", "-c", "import torch; torch.zeros(1).cuda()"]},
              min(runs, 3))
    report["torch"] = t["torch"]
    print(f"(c) torch.zeros(1).cuda() median {t['torch']['median_ms']:.0f} ms "
          f"({t['torch']['median_ms'] / a['smoke_quick']['median_ms']:.1f}x smoke --quick)")
except Exception as e:  # torch missing or broken: say so, do not fail the bench
    print(f"(c) torch: not run ({e})")

# (d) issue 10: per-GPU bandwidth alone vs all together (same size).
doc = json.loads(run([bin_, "--json", "smoke", "--all"])[3])
ngpu = len(doc["gpus"])
together = {g["index"]: {s["name"]: s for s in g["steps"]}["bandwidth pinned"] for g in doc["gpus"]
            if g["ok"]}
alone = {}
for i in together:
    d1 = json.loads(run([bin_, "--json", "smoke", "--device", str(i)])[3])
    alone[i] = {s["name"]: s for s in d1["gpus"][0]["steps"]}["bandwidth pinned"]
    print(f"(d) GPU {i} pinned H2D alone {alone[i]['h2d_gbs']:.2f} together "
          f"{together[i]['h2d_gbs']:.2f} GB/s; D2H alone {alone[i]['d2h_gbs']:.2f} together "
          f"{together[i]['d2h_gbs']:.2f} GB/s ({ngpu} GPU{'s' if ngpu != 1 else ''})")
report["multi_gpu"] = {"gpus": ngpu, "alone": alone, "together": together}
json.dump(report, open(os.path.join(out, "results.json"), "w"), indent=1, default=str)
EOF
