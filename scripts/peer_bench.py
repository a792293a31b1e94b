#!/usr/bin/env python3
"""Peer benchmark for `make bench` (run by scripts/bench inside .venv-bench/).

    peer_bench.py
        Runs the peers and prints ONE JSON object on stdout:
        {"onnxruntime": {"meso4": {"b1": img/s, "b32": ..., "b256": ...}, "mesoinception4": {...}},
         "keras_forward": {same}, "keras": {"train": {"all_ms", "dense_only_ms"}},
         "keras_epoch": {"epoch_1000": {"all_s", "frozen_s"}},
         "keras_predict_folder": {"predict_folder": {"images", "images_per_s", "peak_rss_mb"}},
         "settings": {...}, "machine": {...}, "versions": {...}}
        Progress goes to stderr.

    peer_bench.py report MESOSCOPE.json PEER.json [--json OUT.json]
        Prints every comparison (forward vs onnxruntime and Keras, share of the physical limit,
        training step, epoch, predict on a folder, detect vs the original pipeline) on stdout;
        with --json also writes the merged numbers to OUT.json. Needs only the standard library.

    peer_bench.py best OUT.json IN.json...
        Merges repeated passes (see best()).

    peer_bench.py predict-folder OUT
        Writes the bulk-scoring folder: 2,000 JPEG face crops of mixed sizes (needs Pillow).

    peer_bench.py keras-predict-folder FOLDER
        The Keras bulk-scoring peer alone, in this process (bench_keras_predict_folder runs it).

Env overrides:
    MESOSCOPE_SHARED                the shared folder (default: <repo>/../shared)
    PEER_BENCH_ROUND_SECONDS        target length of one timing round (default 1.2)
    MESOSCOPE_BENCH_CROPS           the epoch peer's class folders (skipped when unset)
    MESOSCOPE_BENCH_PREDICT_FOLDER  the bulk-scoring peer's folder (skipped when unset)

Each peer is one function, bench_<peer>(), returning {model: {"bN": img/s}}; add new peers
(e.g. a Keras training step) to PEERS.
"""

import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The physical limit (issue 6): this machine's measured float32 matmul peak over each network's
# work per 256x256 face. The same constants are in MesoscopeKit's Benchmark (limit_share).
PEAK_FLOPS = 321e9
# key -> (display name, ONNX file under reference/onnx, physical limit in img/s on this machine)
MODELS = {
    "meso4": ("Meso-4", "Meso4.onnx", PEAK_FLOPS / 120e6),
    "mesoinception4": ("MesoInception-4", "MesoInception4.onnx", PEAK_FLOPS / 114e6),
}
# The original Python pipeline on the shared videos at 30 sampled frames, measured on this
# machine in the video issue (it cannot run here): analysed frames/s, and peak RSS.
ORIGINAL_DETECT_FPS = (0.6, 1.6)
ORIGINAL_DETECT_RSS_MB = 1000.0
BATCHES = (1, 32, 256)
ROUNDS = 3
WARMUP_SECONDS = 0.5


def log(message):
    print(f"peer_bench: {message}", file=sys.stderr, flush=True)


def shared_dir():
    env = os.environ.get("MESOSCOPE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def round_seconds():
    return float(os.environ.get("PEER_BENCH_ROUND_SECONDS", "1.2"))


def throughput(run, batch):
    """Best images/s of ROUNDS timed rounds of run() (one call = `batch` images).

    Warms up for WARMUP_SECONDS (at least 2 calls), then sizes a round to take about
    round_seconds() and keeps the best round.
    """
    start = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - start < WARMUP_SECONDS:
        t0 = time.perf_counter()
        run()
        last = time.perf_counter() - t0
        calls += 1
    reps = max(1, math.ceil(round_seconds() / max(last, 1e-6)))
    best = 0.0
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(reps):
            run()
        elapsed = time.perf_counter() - t0
        best = max(best, batch * reps / elapsed)
    return best, reps


# ---------------------------------------------------------------------------------------
# Peers


def bench_onnxruntime(info):
    """onnxruntime inference on reference/onnx/*.onnx, default session options."""
    import numpy as np
    import onnxruntime as ort

    info["versions"]["onnxruntime"] = ort.__version__
    info["versions"]["numpy"] = np.__version__
    rng = np.random.default_rng(0)
    results = {}
    for key, (name, file, _) in MODELS.items():
        path = shared_dir() / "reference" / "onnx" / file
        if not path.is_file():
            sys.exit(f"peer_bench: missing {path} (set MESOSCOPE_SHARED)")
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        if "onnxruntime" not in info["settings"]:
            options = session.get_session_options()
            info["settings"]["onnxruntime"] = {
                "session_options": "default",
                "providers": session.get_providers(),
                "intra_op_num_threads": options.intra_op_num_threads,
                "intra_op_num_threads_note": "0 = onnxruntime's default: one thread per physical core",
                "inter_op_num_threads": options.inter_op_num_threads,
                "execution_mode": str(options.execution_mode),
                "graph_optimization_level": str(options.graph_optimization_level),
                "input": "random float32 NCHW [batch,3,256,256] in [0,1)",
            }
        results[key] = {}
        for batch in BATCHES:
            x = rng.random((batch, 3, 256, 256), dtype=np.float32)
            y = session.run(["y"], {"x": x})[0]
            if y.shape != (batch, 1) or not np.all(np.isfinite(y)):
                sys.exit(f"peer_bench: {file} gave output of shape {y.shape} (finite: {np.all(np.isfinite(y))})")
            rate, reps = throughput(lambda: session.run(["y"], {"x": x}), batch)
            results[key][f"b{batch}"] = round(rate, 2)
            log(f"onnxruntime {name} b{batch}: {rate:.1f} img/s (best of {ROUNDS} rounds x {reps} runs)")
    return results


def bench_keras_forward(info):
    """Keras/TF inference (model.predict_on_batch) of both networks, built as the authors'
    classifiers.py, on the same random inputs as the onnxruntime peer (NHWC)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import keras_compat

    rng = np.random.default_rng(0)
    results = {}
    for key, (name, _, _) in MODELS.items():
        model = getattr(keras_compat, key)()
        results[key] = {}
        for batch in BATCHES:
            x = rng.random((batch, 256, 256, 3), dtype=np.float32)
            rate, reps = throughput(lambda: model.predict_on_batch(x), batch)
            results[key][f"b{batch}"] = round(rate, 2)
            log(f"keras {name} b{batch}: {rate:.1f} img/s (best of {ROUNDS} rounds x {reps} runs)")
    return results


def bench_keras_train(info):
    """Keras/TF training step of Meso-4 at batch 32 (MSE + Adam, train_on_batch): all layers
    trainable, and the convolutions frozen (only the dense head trains), as `mesoscope bench`."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import keras
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from keras_compat import meso4

    info["versions"]["keras"] = keras.__version__
    rng = np.random.default_rng(0)
    x = rng.random((32, 256, 256, 3), dtype=np.float32)
    y = (np.arange(32) % 2).astype(np.float32).reshape(32, 1)
    results = {}
    for key, dense_only in (("all_ms", False), ("dense_only_ms", True)):
        model = meso4(dense_only)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mean_squared_error")
        for _ in range(2):
            model.train_on_batch(x, y)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            model.train_on_batch(x, y)
            best = min(best, time.perf_counter() - start)
        results[key] = round(best * 1000, 1)
        log(f"keras train step b32 {'dense only' if dense_only else 'all layers'}: {best * 1000:.1f} ms")
    return {"train": results}


def epoch_crops():
    """The epoch benchmark's data: the first 500 fake and 500 real crops (sorted names) of
    $MESOSCOPE_BENCH_CROPS (df/ and real/ folders), stretched to 256x256 with NEAREST as Keras'
    load_img does, as float32 0..255 (ImageDataGenerator augments before it rescales)."""
    import numpy as np
    from PIL import Image
    root = Path(os.environ["MESOSCOPE_BENCH_CROPS"])
    xs, ys = [], []
    for folder, label in (("df", 0.0), ("real", 1.0)):
        for path in sorted((root / folder).iterdir())[:500]:
            image = Image.open(path).convert("RGB").resize((256, 256), Image.NEAREST)
            xs.append(np.asarray(image, dtype=np.float32))
            ys.append(label)
    return np.stack(xs), np.array(ys, dtype=np.float32).reshape(-1, 1)


def bench_keras_epoch(info):
    """One Keras epoch over the 1,000 crops with the write-up's ImageDataGenerator
    (datagen.flow + model.fit, batch 32, MSE + Adam), all layers trainable and convolutions
    frozen; skipped when MESOSCOPE_BENCH_CROPS is unset."""
    if not os.environ.get("MESOSCOPE_BENCH_CROPS"):
        return {}
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from keras_compat import meso4

    x, y = epoch_crops()
    datagen = ImageDataGenerator(rotation_range=120, width_shift_range=0.5, height_shift_range=0.5, shear_range=120,
                                 zoom_range=0.9, horizontal_flip=True, vertical_flip=True, rescale=1 / 255)
    results = {}
    for key, dense_only in (("all_s", False), ("frozen_s", True)):
        model = meso4(dense_only)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mean_squared_error", metrics=["accuracy"])
        model.fit(datagen.flow(x, y, batch_size=32, seed=0), epochs=1, steps_per_epoch=2, verbose=0)  # compile
        start = time.perf_counter()
        model.fit(datagen.flow(x, y, batch_size=32, seed=1), epochs=1, verbose=0)
        results[key] = round(time.perf_counter() - start, 2)
        log(f"keras epoch over {len(x)} crops, writeup augmentation, {'dense only' if dense_only else 'all layers'}: "
            f"{results[key]:.1f} s")
    return {"epoch_1000": results}


# The bulk-scoring folder: face crops stretched to these sizes (width, height), in turn, and saved
# as JPEG, so decoding is part of the work and no size is favoured. 468x468 is the crops' own size.
PREDICT_FOLDER_SIZES = ((96, 96), (128, 160), (192, 192), (256, 256), (320, 320), (400, 360), (468, 468), (600, 600))


def make_predict_folder(out, count=2000):
    """Writes `count` JPEG face crops of mixed sizes to OUT/df and OUT/real (half each): the
    shared test faces first, then mesonet-train-2k crops in sorted order. Kept when complete."""
    from PIL import Image
    out = Path(out)
    stamp = out / f".complete-{count}"
    if stamp.is_file():
        return
    shared = shared_dir()
    for folder in ("df", "real"):
        sources = sorted((shared / "mesonet" / "test_images" / folder).glob("*.jpg"))
        sources += sorted((shared / "datasets" / "mesonet-train-2k" / folder).glob("*.jpg"))
        if len(sources) < count // 2:
            sys.exit(f"peer_bench: {len(sources)} {folder} crops under {shared}, {count // 2} needed")
        (out / folder).mkdir(parents=True, exist_ok=True)
        for index, source in enumerate(sources[:count // 2]):
            size = PREDICT_FOLDER_SIZES[index % len(PREDICT_FOLDER_SIZES)]
            image = Image.open(source).convert("RGB").resize(size, Image.BILINEAR)
            image.save(out / folder / f"{index:05d}_{source.stem}.jpg", quality=90)
    stamp.touch()
    log(f"wrote {count} crops of mixed sizes to {out}")


def keras_predict_folder(folder):
    """Keras' own bulk scoring, as a user writes it: ImageDataGenerator(rescale=1/255)
    .flow_from_directory(folder, 256x256, batch 32) + model.predict on Meso-4. Prints
    {"images", "images_per_s"} on stdout. Runs in its own process, so that its peak RSS is its own.

    The model is built and run once on one batch before the clock starts (Keras' graph tracing
    is not counted); the clock covers the folder scan, every decode and resize, and predict."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from keras_compat import meso4

    model = meso4()
    model.predict(np.zeros((32, 256, 256, 3), dtype=np.float32), batch_size=32, verbose=0)
    start = time.perf_counter()
    flow = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        folder, target_size=(256, 256), batch_size=32, class_mode=None, shuffle=False)
    scores = model.predict(flow, verbose=0)
    elapsed = time.perf_counter() - start
    if len(scores) != flow.samples:
        sys.exit(f"peer_bench: predict gave {len(scores)} scores for {flow.samples} images")
    json.dump({"images": flow.samples, "images_per_s": round(flow.samples / elapsed, 2)}, sys.stdout)
    sys.stdout.write("\n")


def bench_keras_predict_folder(info):
    """keras_predict_folder() in a child process on $MESOSCOPE_BENCH_PREDICT_FOLDER, with the
    child's peak RSS from wait4; skipped when the variable is unset."""
    folder = os.environ.get("MESOSCOPE_BENCH_PREDICT_FOLDER")
    if not folder:
        return {}
    child = subprocess.Popen([sys.executable, __file__, "keras-predict-folder", folder], stdout=subprocess.PIPE)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"peer_bench: the Keras predict-folder peer failed (exit code {child.returncode})")
    result = json.loads(output.splitlines()[-1])  # flow_from_directory prints "Found N images" first
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # kilobytes on Linux
    log(f"keras flow_from_directory + predict on {result['images']} images: {result['images_per_s']:.1f} img/s, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB")
    return {"predict_folder": result}


# name in the JSON -> function(info) returning its figures. The predict-folder peer goes first,
# while this process is small: Linux counts the parent's memory at the fork in a child's peak RSS.
PEERS = {
    "keras_predict_folder": bench_keras_predict_folder,
    "onnxruntime": bench_onnxruntime,
    "keras_forward": bench_keras_forward,
    "keras": bench_keras_train,
    "keras_epoch": bench_keras_epoch,
}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_busy_seconds():
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat; None elsewhere."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def run_peers():
    load = load_average()
    start = (time.perf_counter(), cpu_busy_seconds(), own_cpu_seconds())
    info = {
        "settings": {},
        "machine": {
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "load_average_at_start": load,
        },
        "versions": {"python": platform.python_version()},
    }
    out = {}
    for peer, bench in PEERS.items():
        log(f"running {peer}")
        out[peer] = bench(info)
    # How much CPU the rest of the machine used meanwhile: the numbers are only good when ~0.
    wall, busy, own = time.perf_counter() - start[0], cpu_busy_seconds(), own_cpu_seconds() - start[2]
    if busy is not None and start[1] is not None:
        other = max(0.0, (busy - start[1]) - own) / (wall * (os.cpu_count() or 1))
        info["machine"]["other_cpu_busy_pct"] = round(100 * other, 1)
        if other > 0.05:
            log(f"warning: other processes kept {100 * other:.0f}% of the CPUs busy during the run: "
                "the numbers are skewed")
    out.update(info)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------------------
# Report


def number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def report(mesoscope_path, peer_path, json_out=None):
    mesoscope = json.loads(Path(mesoscope_path).read_text())
    peer = json.loads(Path(peer_path).read_text())
    ort = peer.get("onnxruntime", {})
    keras_forward = peer.get("keras_forward", {})

    def fmt(value, spec):
        return "-" if value is None else format(value, spec)

    header = ("model", "batch", "Mesoscope img/s", "onnxruntime img/s", "ratio", "Keras img/s", "ratio",
              "Mesoscope % limit", "onnxruntime % limit")
    rows = []
    merged = {}
    for key, (name, _, limit) in MODELS.items():
        merged[key] = {}
        for batch in BATCHES:
            b = f"b{batch}"
            ours = number(mesoscope.get(key, {}).get(b))
            theirs = number(ort.get(key, {}).get(b))
            keras = number(keras_forward.get(key, {}).get(b))
            ratio = ours / theirs if ours is not None and theirs else None
            keras_ratio = ours / keras if ours is not None and keras else None
            share = 100 * ours / limit if ours is not None else None
            peer_share = 100 * theirs / limit if theirs is not None else None
            merged[key][b] = {"mesoscope": ours, "onnxruntime": theirs, "ratio": ratio, "keras": keras,
                              "keras_ratio": keras_ratio, "mesoscope_pct_of_limit": share,
                              "onnxruntime_pct_of_limit": peer_share, "limit": limit}
            rows.append((name, str(batch), fmt(ours, ".1f"), fmt(theirs, ".1f"), fmt(ratio, ".2f"),
                         fmt(keras, ".1f"), fmt(keras_ratio, ".2f"),
                         fmt(share, ".1f") + ("%" if share is not None else ""),
                         fmt(peer_share, ".1f") + ("%" if peer_share is not None else "")))

    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    limits = ", ".join(f"{name} {limit:.0f} img/s" for name, _, limit in MODELS.values())
    lines.append("")
    lines.append(f"ratio = Mesoscope / peer; % limit = share of the physical limit ({limits}: "
                 f"{PEAK_FLOPS / 1e9:.0f} GFLOP/s over 120 and 114 MFLOP per face).")
    shares = mesoscope.get("limit_share", {})
    if shares:
        best = ", ".join(f"{MODELS[k][0]} {100 * number(v):.1f}%" for k, v in shares.items() if k in MODELS and number(v) is not None)
        lines.append(f"Mesoscope's best batch reaches {best} of the limit (limit_share).")
        merged["limit_share"] = shares
    settings = peer.get("settings", {}).get("onnxruntime", {})
    versions = peer.get("versions", {})
    lines.append(f"onnxruntime {versions.get('onnxruntime', '?')}, default session options "
                 f"(intra_op_num_threads={settings.get('intra_op_num_threads', '?')}: all cores), "
                 f"{peer.get('machine', {}).get('cpu_count', '?')} CPUs.")
    other = number(peer.get("machine", {}).get("other_cpu_busy_pct"))
    if other is not None and other > 5:
        lines.append(f"WARNING: other processes kept {other:.0f}% of the CPUs busy during the peer run: "
                     "its numbers are skewed.")
    keras_train = peer.get("keras", {}).get("train", {})
    ours_train = mesoscope.get("train", {})
    lines.append("")
    lines.append("Meso-4 training step, batch 32, MSE + Adam (ms; speed-up = Keras ms / Mesoscope ms):")
    for key, label in (("all_ms", "all layers trainable"), ("dense_only_ms", "convolutions frozen")):
        ours, theirs = number(ours_train.get(key)), number(keras_train.get(key))
        speedup = theirs / ours if ours and theirs else None
        merged.setdefault("train", {})[key] = {"mesoscope": ours, "keras": theirs, "speedup": speedup}
        lines.append(f"  {label:22}  Mesoscope {fmt(ours, '8.1f')}  Keras {fmt(theirs, '8.1f')}  speed-up {fmt(speedup, '.2f')}")
    keras_epoch = peer.get("keras_epoch", {}).get("epoch_1000", {})
    ours_epoch = mesoscope.get("epoch_1000", {})
    if keras_epoch or ours_epoch:
        lines.append("")
        lines.append("Meso-4 epoch over 1,000 crops, writeup augmentation, batch 32, MSE + Adam "
                     "(s; speed-up = Keras s / Mesoscope s):")
        for key, label in (("all_s", "all layers trainable"), ("frozen_s", "convolutions frozen")):
            ours, theirs = number(ours_epoch.get(key)), number(keras_epoch.get(key))
            speedup = theirs / ours if ours and theirs else None
            merged.setdefault("epoch_1000", {})[key] = {"mesoscope": ours, "keras": theirs, "speedup": speedup}
            lines.append(f"  {label:22}  Mesoscope {fmt(ours, '8.1f')}  Keras {fmt(theirs, '8.1f')}  speed-up {fmt(speedup, '.2f')}")
    ours_folder = mesoscope.get("predict_folder", {})
    keras_folder = peer.get("keras_predict_folder", {}).get("predict_folder", {})
    if ours_folder or keras_folder:
        ours, theirs = number(ours_folder.get("images_per_s")), number(keras_folder.get("images_per_s"))
        ours_rss, theirs_rss = number(ours_folder.get("peak_rss_mb")), number(keras_folder.get("peak_rss_mb"))
        speedup = ours / theirs if ours and theirs else None
        merged["predict_folder"] = {"mesoscope": ours_folder, "keras": keras_folder, "speedup": speedup}
        lines.append("")
        lines.append(f"Bulk scoring, {keras_folder.get('images', 2000)} JPEG face crops of mixed sizes, end to end with decoding "
                     "(images/s; speed-up = Mesoscope / Keras flow_from_directory + predict; target >= 3x, RSS < 300 MB):")
        lines.append(f"  Mesoscope predict  {fmt(ours, '8.1f')} img/s  peak RSS {fmt(ours_rss, '6.0f')} MB")
        lines.append(f"  Keras              {fmt(theirs, '8.1f')} img/s  peak RSS {fmt(theirs_rss, '6.0f')} MB")
        lines.append(f"  speed-up {fmt(speedup, '.2f')}")
    detect = mesoscope.get("detect", {})
    videos = {label: figures for label, figures in detect.items() if isinstance(figures, dict)}
    if videos:
        low, high = ORIGINAL_DETECT_FPS
        stages = list(next(iter(videos.values())).get("stages_ms", {}))
        lines.append("")
        lines.append(f"detect end to end, 30 sampled frames (ms per analysed frame by stage; the original pipeline: "
                     f"{low}-{high} frames/s, ~{ORIGINAL_DETECT_RSS_MB:.0f} MB peak RSS, quoted from the video issue):")
        lines.append(f"  {'video':<6} {'frames/s':>8} {'vs original':>12} " + " ".join(f"{s:>14}" for s in stages))
        merged["detect"] = {}
        for label, figures in videos.items():
            fps = number(figures.get("frames_per_s"))
            ratio = (fps / high, fps / low) if fps else None
            merged["detect"][label] = {"mesoscope": figures, "vs_original": ratio}
            cells = " ".join(f"{fmt(number(figures['stages_ms'].get(s)), '14.1f')}" for s in stages)
            lines.append(f"  {label:<6} {fmt(fps, '8.1f')} {(f'{ratio[0]:.0f}-{ratio[1]:.0f}x' if ratio else '-'):>12} {cells}")
        rss = number(detect.get("peak_rss_mb"))
        lines.append(f"  peak RSS {fmt(rss, '.0f')} MB (original ~{ORIGINAL_DETECT_RSS_MB:.0f} MB)")
    print("\n".join(lines))

    if json_out:
        summary = {"comparison": merged, "mesoscope": mesoscope, "peer": peer}
        Path(json_out).write_text(json.dumps(summary, indent=2) + "\n")


def best(out_path, paths):
    """Merges the result files of repeated passes: the best figure of each (the highest img/s,
    the lowest *_ms and *_s but the highest *_per_s), the highest peak RSS (the worst); a detect video keeps its
    fastest pass whole; strings and other values come from the first file."""
    def merge(key, values):
        first = values[0]
        if isinstance(first, dict) and "frames_per_s" in first:
            # A detect video: its stage times come from the same pass as its best frames/s.
            return max(values, key=lambda v: number(v.get("frames_per_s")) or 0.0)
        if isinstance(first, dict):
            return {k: merge(k, [v[k] for v in values if isinstance(v, dict) and k in v]) for k in first}
        if number(first) is None or any(number(v) is None for v in values):
            return first
        duration = key.endswith(("_ms", "_s")) and not key.endswith("_per_s")
        return min(values) if duration else max(values)

    runs = [json.loads(Path(p).read_text()) for p in paths]
    Path(out_path).write_text(json.dumps(merge("", runs), indent=2) + "\n")


def main(argv):
    if not argv:
        run_peers()
    elif argv[0] == "best" and len(argv) >= 3:
        best(argv[1], argv[2:])
    elif argv[0] == "report" and len(argv) in (3, 5) and (len(argv) == 3 or argv[3] == "--json"):
        report(argv[1], argv[2], argv[4] if len(argv) == 5 else None)
    elif argv[0] == "predict-folder" and len(argv) == 2:
        make_predict_folder(argv[1])
    elif argv[0] == "keras-predict-folder" and len(argv) == 2:
        keras_predict_folder(argv[1])
    else:
        sys.exit("usage: peer_bench.py | peer_bench.py report MESOSCOPE.json PEER.json [--json OUT.json]"
                 " | peer_bench.py best OUT.json IN.json... | peer_bench.py predict-folder OUT"
                 " | peer_bench.py keras-predict-folder FOLDER")


if __name__ == "__main__":
    main(sys.argv[1:])
