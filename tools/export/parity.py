"""What the parity scripts share: their common options, the work folder, the trace files and the verdict.

A parity script renders a --tiny-random pack with emo4j and runs the original project on the same noise
and inputs, saving what the original computed in emo4j's trace layout; `emo compare` then gives the
verdict. Only numpy is needed here.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np


def add_common_arguments(p, project, exporter, guidance):
    """The options every parity script takes; `project` names the checkout, `exporter` the script that writes the pack."""
    p.add_argument("--source", required=True, help=f"your {project} checkout")
    p.add_argument("--pack", required=True, help=f"a pack written by {exporter} --tiny-random")
    p.add_argument("--portrait", required=True)
    p.add_argument("--emo", default="./emo", help="the emo command")
    p.add_argument("--work", required=True, help="a new folder for the noise, inputs and both traces")
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--guidance", type=float, default=guidance)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--tolerance", type=float, default=1e-3)


def open_work(p, a, exporter):
    """Checks that the pack is a tiny-random one and makes the new work folder; returns (manifest, folder)."""
    pack = Path(a.pack)
    if not (pack / "tiny-random.pt").is_file():
        p.error(f"{pack} has no tiny-random.pt: write it with {exporter} --tiny-random")
    manifest = json.loads((pack / "manifest.json").read_text())
    out = Path(a.work)
    out.mkdir(parents=True, exist_ok=False)
    return manifest, out


def save(folder, name, tensor):
    """A torch tensor as float32 .npy at folder/name, as emo4j's --trace writes its own."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(tensor.detach().float().numpy()))


def recording(scheduler_class, steps):
    """The original's scheduler class, unchanged, but for each step's timestep, prediction and result
    appended to steps[-1]; each set_timesteps (one a clip) starts a new list."""

    class Recording(scheduler_class):
        def set_timesteps(self, *args, **kwargs):
            steps.append([])
            return super().set_timesteps(*args, **kwargs)

        def step(self, model_output, timestep, sample, *args, **kwargs):
            result = super().step(model_output, timestep, sample, *args, **kwargs)
            steps[-1].append((timestep, model_output, result[0]))
            return result

    return Recording


def save_steps(trace, steps):
    """What recording() wrote down, in emo4j's trace layout: clip-C/step-S/{timestep,guided,latents}.npy."""
    import torch
    for r, clip_steps in enumerate(steps):
        for i, (t, guided, latents) in enumerate(clip_steps):
            save(trace, f"clip-{r:04d}/step-{i:02d}/timestep.npy", torch.tensor([float(t)]))
            save(trace, f"clip-{r:04d}/step-{i:02d}/guided.npy", guided)
            save(trace, f"clip-{r:04d}/step-{i:02d}/latents.npy", latents)


def compare_and_exit(a, theirs, out):
    """Runs `emo compare` on the original's trace and emo4j's, and exits with its status."""
    result = subprocess.run([a.emo, "compare", str(out / theirs), str(out / "emo"), "--shared",
                             "--tolerance", str(a.tolerance)])
    sys.exit(result.returncode)
