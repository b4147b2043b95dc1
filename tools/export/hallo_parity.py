#!/usr/bin/env python3
"""Checks an emo4j render of a --tiny-random Hallo pack against Hallo's own FaceAnimatePipeline.

    hallo_parity.py --source HALLO_CHECKOUT --pack PACK --portrait FACE.png --audio VOICE.wav \
                    --emo ./emo --work DIR [--steps 4] [--seed 42]

1. draws each clip's initial noise as scripts/inference.py does (one generator, torch.manual_seed(seed),
   drawn clip after clip by the pipeline's randn_tensor) and saves it for emo4j (--noise);
2. renders with emo4j from that noise, tracing (--trace DIR/emo): emo4j crops the portrait, runs the image
   encoder, derives the face-region and level masks and runs the audio encoder;
3. runs Hallo from your checkout on the pack's tiny-random weights (PACK/tiny-random.pt): the networks built
   as inference.py builds them and its net.pth loaded strictly, DDIM configured as inference.py configures it,
   inference.py's clip loop (motion frames from the last clip's frames, its process_audio_emb windows, the
   audio projection per clip) and FaceAnimatePipeline unchanged. What Hallo gets from InsightFace, MediaPipe
   and wav2vec2 it gets here from emo4j's trace: the cropped portrait, the face embedding, the face-region
   mask, the 4 levels of full, face and lip masks, and the audio features of the pack's tiny stand-in encoder;
4. saves, in emo4j's trace layout (DIR/hallo), each step's timestep, guided prediction and latents, each
   clip's audio tokens and its decoded frames (the last clip's cut to the voice, as inference.py cuts the
   video), and runs `emo compare DIR/hallo DIR/emo --shared`.

Only diffusers' attention scores are rewritten on Hallo's side (matmul × scale for baddbmm, the exporter's
rewrite, because torch 1.13's CPU baddbmm leaks its uninitialised input); everything else is Hallo's code.
"""
import argparse
import importlib.util
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import hallo_export as exporter  # noqa: E402
import parity  # noqa: E402


def read_voice(path):
    from scipy.io import wavfile
    rate, data = wavfile.read(path)
    if rate != 16000 or data.ndim != 1:
        sys.exit(f"hallo_parity: {path}: give a 16 kHz mono WAV (sox IN -r 16000 -c 1 OUT.wav); Hallo asserts 16 kHz")
    return data


def draw_noise(clips, clip, h, seed, out):
    """inference.py's generator = torch.manual_seed(seed), shared by every clip's prepare_latents."""
    (out / "noise").mkdir(exist_ok=True)
    generator = torch.manual_seed(seed)
    for r in range(clips):
        noise = torch.randn((1, 4, clip, h, h), generator=generator, dtype=torch.float32)
        np.save(out / f"noise/clip-{r:04d}.npy", noise.numpy())


def render_emo(a, out):
    cmd = [a.emo, "render", "--pack", a.pack, "--portrait", a.portrait, "--audio", a.audio, "--out", str(out / "emo.mp4"),
           "--noise", str(out / "noise"), "--trace", str(out / "emo"), "--steps", str(a.steps),
           "--guidance", str(a.guidance), "--seed", str(a.seed), "--quiet"]
    subprocess.run(cmd, check=True)


def stand_in(*names):
    """Modules that inference.py imports for preprocessing and saving, which this run does not use."""
    for name in names:
        try:
            importlib.import_module(name)
            continue
        except ImportError:
            pass
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            sub = ".".join(parts[:i])
            if sub in sys.modules:
                continue
            m = types.ModuleType(sub)
            m.__path__ = []
            m.__getattr__ = lambda attr, sub=sub: _unusable(f"{sub}.{attr}")
            sys.modules[sub] = m
            if i > 1:
                setattr(sys.modules[".".join(parts[:i - 1])], parts[i - 1], m)
        print(f"hallo_parity: stood in for {name} (not installed; not used here)", file=sys.stderr)


def _unusable(what):
    def fail(*args, **kwargs):
        raise ImportError(f"{what} is not installed")
    return type(what.rsplit(".", 1)[-1], (), {"__init__": fail, "__call__": fail})


def inference_module(source):
    """scripts/inference.py as a module: its process_audio_emb is the one the check uses."""
    stand_in("librosa", "audio_separator.separator", "cv2", "mediapipe", "insightface.app", "av", "moviepy.editor",
             "transformers.modeling_outputs")
    spec = importlib.util.spec_from_file_location("hallo_inference", Path(source) / "scripts/inference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(trace, name):
    return torch.from_numpy(np.load(trace / f"{name}.npy"))


def run_hallo(a, hallo, inference, manifest, out):
    s = manifest["settings"]
    size, clip = s["resolution"], s["clip_frames"]
    state = torch.load(Path(a.pack) / "tiny-random.pt")
    nets, _ = exporter.tiny_from_state(hallo, state)
    emo = out / "emo"
    trace = out / "hallo"

    # what Hallo's preprocessing makes, taken from emo4j's trace
    source_image_pixels = load(emo, "render/face_crop")[0] * 2 - 1  # ImageProcessor's Normalize([0.5], [0.5])
    face_emb = load(emo, "render/face_embedding").reshape(1, -1)
    face_region = load(emo, "render/face_mask")[0, :, 0]  # the locator's input is the region tiled over frames
    masks = {kind: [load(emo, f"render/denoiser/{kind}_mask_{level}")[:1] for level in range(4)]
             for kind in ("full", "face", "lip")}
    rows = load(emo, "render/audio_features")
    audio_emb = rows.reshape(rows.shape[0], exporter.LAYERS, -1)
    voice_frames = math.ceil(len(read_voice(a.audio)) / 16000 * s["fps"])

    # inference.py from here on
    scheduler_class = importlib.import_module("diffusers").DDIMScheduler
    steps = []

    # Hallo's DDIM, unchanged, with each step written down
    RecordingDDIM = parity.recording(scheduler_class, steps)

    config = exporter.scheduler()
    config.pop("_class_name")
    pipeline_class = importlib.import_module("hallo.animate.face_animate").FaceAnimatePipeline
    pipeline = pipeline_class(vae=nets.vae, reference_unet=nets.reference_unet, denoising_unet=nets.denoising_unet,
                              face_locator=nets.face_locator, scheduler=RecordingDDIM(**config), image_proj=nets.image_proj)
    audio_emb = inference.process_audio_emb(audio_emb)
    full = [m.repeat(clip, 1) for m in masks["full"]]
    face = [m.repeat(clip, 1) for m in masks["face"]]
    lip = [m.repeat(clip, 1) for m in masks["lip"]]
    times = audio_emb.shape[0] // clip
    generator = torch.manual_seed(a.seed)
    results = []
    for t in range(times):
        if not results:
            motion = source_image_pixels.unsqueeze(0).repeat(exporter.MOTION, 1, 1, 1)
        else:
            motion = results[-1][0].permute(1, 0, 2, 3)[-exporter.MOTION:] * 2.0 - 1.0
        reference = torch.cat([source_image_pixels.unsqueeze(0), motion], dim=0).unsqueeze(0)
        audio_tensor = nets.audio_proj(audio_emb[t * clip: min((t + 1) * clip, audio_emb.shape[0])].unsqueeze(0))
        parity.save(trace, f"clip-{t:04d}/audio_embedding.npy", torch.cat([torch.zeros_like(audio_tensor), audio_tensor]))
        output = pipeline(ref_image=reference, audio_tensor=audio_tensor, face_emb=face_emb, face_mask=face_region.unsqueeze(0),
                          pixel_values_full_mask=full, pixel_values_face_mask=face, pixel_values_lip_mask=lip,
                          width=size, height=size, video_length=clip, num_inference_steps=a.steps,
                          guidance_scale=a.guidance, generator=generator, motion_scale=[1.0, 1.0, 1.0])
        videos = output.videos if torch.is_tensor(output.videos) else torch.from_numpy(output.videos)
        results.append(videos)
    parity.save_steps(trace, steps)
    for r, videos in enumerate(results):
        frames = videos[0].permute(1, 0, 2, 3)
        # inference.py keeps the first audio_length frames of the joined clips
        frames = frames[:max(0, voice_frames - r * clip)]
        parity.save(trace, f"clip-{r:04d}/decoded.npy", frames)
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parity.add_common_arguments(p, "Hallo", "hallo_export.py", guidance=3.5)
    p.add_argument("--audio", required=True, help="a 16 kHz mono WAV")
    a = p.parse_args(argv)
    manifest, out = parity.open_work(p, a, "hallo_export.py")
    s = manifest["settings"]
    hallo = exporter.load_hallo(a.source)
    inference = inference_module(a.source)
    frames = math.ceil(len(read_voice(a.audio)) / 16000 * s["fps"])
    clips = -(-frames // s["clip_frames"])
    draw_noise(clips, s["clip_frames"], s["resolution"] // 8, a.seed, out)
    render_emo(a, out)
    with torch.no_grad():
        run_hallo(a, hallo, inference, manifest, out)
    parity.compare_and_exit(a, "hallo", out)


if __name__ == "__main__":
    main()
