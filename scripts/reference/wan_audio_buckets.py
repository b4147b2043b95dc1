#!/usr/bin/env python3
"""Reference data for emo4j's Wan2.2-S2V audio alignment, computed by Wan's own functions.

Usage: wan_audio_buckets.py WAN_CHECKOUT OUT.json

It loads wan/modules/s2v/audio_encoder.py from your Wan2.2 checkout and runs its linear_interpolation
(50 Hz wav2vec2 hidden states to 30 fps, align_corners) and AudioEncoder.get_audio_embed_bucket_fps (each
video frame's 30-fps row, rounded half to even, zeros past the end) as they are. librosa and
transformers, which that file imports but these two functions do not use, are stood in for, and no
wav2vec2 is loaded: the hidden states are a fixed formula, feature(l, t, d) = sin(0.37 t + 1.1 l + 0.5 d),
that emo4j's test computes too.
"""
import math
import sys
import types
from pathlib import Path

import torch

import standin

LAYERS, DIM = 3, 4
# (50 Hz rows, video fps, frames a clip, m)
CASES = [(2, 16, 8, 0), (7, 16, 8, 0), (50, 16, 80, 0), (83, 16, 8, 0), (251, 16, 80, 0), (251, 16, 8, 1),
         (120, 25, 12, 0), (333, 16, 48, 0)]


def features(rows):
    return torch.tensor([[[math.sin(0.37 * t + 1.1 * l + 0.5 * d) for d in range(DIM)] for t in range(rows)]
                         for l in range(LAYERS)], dtype=torch.float32)


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    for name in ("librosa", "transformers"):
        m = types.ModuleType(name)
        m.Wav2Vec2ForCTC = m.Wav2Vec2Processor = object
        sys.modules[name] = m
    module = standin.load(Path(checkout) / "wan/modules/s2v/audio_encoder.py", "wan_s2v_audio_encoder")
    encoder = object.__new__(module.AudioEncoder)
    encoder.video_rate = 30
    cases = []
    for rows, fps, frames, m in CASES:
        z = module.linear_interpolation(features(rows), input_fps=50, output_fps=encoder.video_rate)
        buckets, repeats = encoder.get_audio_embed_bucket_fps(z, fps=fps, batch_frames=frames, m=m)
        # [bucket frames, layers, (2m + 1) * dim]
        cases.append({"rows": rows, "fps": fps, "clip_frames": frames, "m": m, "rows_30fps": int(z.shape[1]),
                      "repeats": int(repeats), "shape": list(buckets.shape),
                      "buckets": [float(v) for v in buckets.flatten()]})
    doc = {"source": "Wan {commit}, wan/modules/s2v/audio_encoder.py, torch {torch}", "layers": LAYERS, "dim": DIM,
           "cases": cases}
    import json
    import subprocess
    commit = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc["source"] = doc["source"].format(commit=commit or "checkout", torch=torch.__version__)
    Path(out).write_text(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main()
