#!/usr/bin/env python3
"""Checks an emo4j render of a --tiny-random Wan2.2-S2V pack against Wan's own speech2video.py.

    wan_s2v_parity.py --source WAN2.2_CHECKOUT --pack PACK --portrait FACE.png --audio VOICE.wav \
                      --emo ./emo --work DIR [--steps 4] [--clips 2] [--seed 42]

1. draws each clip's noise as speech2video.py does (a generator seeded seed + clip, [16, n, h, w]) and
   crops the portrait to the pack's square, as Wan's resize and centre crop make it;
2. renders with emo4j from that noise and that crop (--noise, --inputs), tracing (--trace DIR/emo);
3. runs WanS2V.generate from your checkout, unchanged, on the pack's tiny-random weights
   (PACK/tiny-random.pt), the same crop and prompt embeddings, and the tiny audio encoder in place of
   wav2vec2 on the voice as Wan prepares it (normalised, wav2vec2's frame count); Wan's own
   linear_interpolation and get_audio_embed_bucket_fps resample and bucket its frames;
   Wan's VAE and transformer are the modules the pack was exported from, with plain attention;
4. saves what Wan decoded and encoded, and each step's timestep, guided prediction and latents, in
   emo4j's trace layout (DIR/wan) and runs
   `emo compare DIR/wan DIR/emo --shared`.

Only umT5 is swapped for the stored embeddings and wav2vec2 for the pack's tiny encoder; the clip loop,
the audio resampling, the sampler, guidance, motion frames and their re-encoding are Wan's.
"""
import argparse
import importlib
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import parity  # noqa: E402
import wan_s2v  # noqa: E402

PROMPT, NEGATIVE = "the stored prompt", "the stored negative prompt"


def crop(portrait, size, out):
    """The square Wan's Resize(min side) and CenterCrop make, saved as a PNG and as emo4j's face_crop."""
    image = Image.open(portrait).convert("RGB")
    w, h = image.size
    side = min(w, h)
    image = image.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side))
    image = image.resize((size, size), Image.BICUBIC)
    image.save(out / "face.png")
    pixels = np.asarray(image, dtype=np.float32).transpose(2, 0, 1)[None] / 255.0
    (out / "inputs").mkdir(exist_ok=True)
    np.save(out / "inputs/face_crop.npy", pixels)
    return out / "face.png"


def read_voice(path):
    """A 16 kHz mono 16-bit WAV as float32 in [-1, 1), as librosa.load(path, sr=16000) gives it."""
    from scipy.io import wavfile
    rate, data = wavfile.read(path)
    if rate != 16000 or data.ndim != 1 or data.dtype != np.int16:
        sys.exit(f"wan_s2v_parity: {path}: give a 16 kHz mono 16-bit WAV (sox IN -r 16000 -c 1 -b 16 OUT.wav)")
    return data.astype(np.float32) / 32768.0


def draw_noise(clips, latents, h, seed, out):
    (out / "noise").mkdir(exist_ok=True)
    for r in range(clips):
        g = torch.Generator().manual_seed(seed + r)
        noise = torch.randn(16, latents, h, h, generator=g)
        np.save(out / f"noise/clip-{r:04d}.npy", noise.unsqueeze(0).numpy())


def render_emo(a, face, manifest, out):
    cmd = [a.emo, "render", "--pack", a.pack, "--portrait", str(face), "--audio", a.audio, "--out", str(out / "emo.mp4"),
           "--face", f"0,0,{manifest['settings']['resolution']},{manifest['settings']['resolution']}",
           "--noise", str(out / "noise"), "--inputs", str(out / "inputs"), "--trace", str(out / "emo"),
           "--steps", str(a.steps), "--guidance", str(a.guidance), "--seed", str(a.seed), "--quiet"]
    if a.pose:
        cmd += ["--pose", a.pose]
    subprocess.run(cmd, check=True)


def wan_pipeline(wan, pack, state, features, motion_frames, fps):
    """A WanS2V made without its __init__ (which loads checkpoints onto CUDA): the pack's tiny-random
    networks (`state`, PACK/tiny-random.pt), stand-ins for umT5 (the stored embeddings) and wav2vec2 (the
    given features), on the CPU."""
    model = wan.model_s2v.WanModel_S2V(**state["model_config"]).eval().requires_grad_(False)
    model.load_state_dict(state["model"])
    vae_net = wan.vae.WanVAE_(**state["vae_config"]).eval().requires_grad_(False)
    vae_net.load_state_dict(state["vae"])
    vae = object.__new__(wan.vae.Wan2_1_VAE)
    mean, inv_std = wan_s2v.vae_scale()
    vae.dtype, vae.device, vae.model = torch.float32, torch.device("cpu"), vae_net
    vae.mean, vae.std = mean, 1.0 / inv_std
    vae.scale = [vae.mean, 1.0 / vae.std]

    prompt = torch.from_numpy(np.load(pack / "text_context.npy"))
    negative = torch.from_numpy(np.load(pack / "negative_text_context.npy"))

    class StoredPrompts:
        model = torch.nn.Identity()

        def __call__(self, texts, device):
            return [prompt if texts[0] == PROMPT else negative]

    # what generate() imports but does not use here: FSDP (torch 1.13's does not import on Python 3.11) and
    # umT5 (its class reads the CUDA device when defined); the prompts' embeddings come from the pack
    stand_in_if_broken("wan.distributed.fsdp", shard_model=None)
    stand_in_if_broken("wan.modules.t5", T5EncoderModel=None)
    speech2video = importlib.import_module("wan.speech2video")
    audio_encoder = importlib.import_module("wan.modules.s2v.audio_encoder")
    encoder = object.__new__(audio_encoder.AudioEncoder)
    encoder.video_rate = 30
    # extract_audio_feat after wav2vec2: its hidden states resampled from 50 to 30 rows a second by Wan's own function
    encoder.extract_audio_feat = lambda path, return_all_layers=False: audio_encoder.linear_interpolation(
        features, input_fps=50, output_fps=encoder.video_rate)
    s2v = object.__new__(speech2video.WanS2V)
    s2v.device, s2v.rank, s2v.t5_cpu, s2v.init_on_cpu = torch.device("cpu"), 0, True, False
    s2v.num_train_timesteps, s2v.param_dtype, s2v.sp_size = 1000, torch.float32, 1
    s2v.text_encoder, s2v.vae, s2v.noise_model, s2v.audio_encoder = StoredPrompts(), vae, model, encoder
    s2v.sample_neg_prompt, s2v.motion_frames, s2v.drop_first_motion = NEGATIVE, motion_frames, True
    s2v.fps, s2v.audio_sample_m = fps, 0
    return s2v


def stand_in_if_broken(name, **attrs):
    try:
        importlib.import_module(name)
    except (ImportError, ValueError, AssertionError, RuntimeError) as e:
        print(f"wan_s2v_parity: {name} does not import here ({type(e).__name__}: {e}); stood in for", file=sys.stderr)
        module = types.ModuleType(name)
        for k, v in attrs.items():
            setattr(module, k, v)
        sys.modules[name] = module


def run_wan(a, wan, face, manifest, out):
    s = manifest["settings"]
    size, clip, fps, motion = s["resolution"], s["clip_frames"], s["fps"], s["motion_frames"]
    # the tiny audio encoder on the voice as Wan's extract_audio_feat prepares it for wav2vec2: 16 kHz,
    # normalised over the whole voice (Wav2Vec2Processor's zero mean, unit variance, 1e-7 floor)
    state = torch.load(Path(a.pack) / "tiny-random.pt")
    encoder = wan_s2v.TinyAudioEncoder(wan_s2v.LAYERS * state["model_config"]["audio_dim"], 0)
    encoder.load_state_dict(state["audio"])
    voice = read_voice(a.audio)
    voice = (voice - voice.mean()) / np.sqrt(voice.var() + 1e-7)
    with torch.no_grad():
        rows = encoder.frames(torch.from_numpy(voice))
    parity.save(out / "wan", "render/audio_features.npy", rows)
    # emo4j's rows hold the 25 hidden states layer by layer; Wan's are [layers, rows, width]
    features = rows.reshape(rows.shape[0], wan_s2v.LAYERS, -1).permute(1, 0, 2).contiguous()
    s2v = wan_pipeline(wan, Path(a.pack), state, features, motion, fps)
    trace = out / "wan"
    decodes, encodes = [], []
    decode, encode = s2v.vae.decode, s2v.vae.encode

    def recording_decode(zs):
        frames = decode(zs)
        decodes.append(frames[0])
        return frames

    def recording_encode(videos):
        latents = encode(videos)
        encodes.append((videos[0].shape[1], latents[0]))
        return latents

    s2v.vae.decode, s2v.vae.encode = recording_decode, recording_encode
    if a.pose:
        # the pose frames as emo4j read them from the video (its own MP4 decoder, Wan's frame choice), given
        # to Wan in place of its decord reader, so that both condition on the same pixels
        clips = sorted((out / "emo").glob("clip-*/pose_frames.npy"))
        frames = np.concatenate([np.load(f) for f in clips])
        pose_seq = np.rint(frames.transpose(0, 2, 3, 1) * 255).astype(np.uint8)
        s2v.read_last_n_frames = lambda path, n_frames, target_fps=16, reverse=False: pose_seq[:n_frames]
    steps = []  # per clip: (timestep, guided prediction, latents after the step)
    speech2video = sys.modules["wan.speech2video"]
    solver = speech2video.FlowUniPCMultistepScheduler

    # Wan's solver, unchanged, with each step written down
    speech2video.FlowUniPCMultistepScheduler = parity.recording(solver, steps)
    video = s2v.generate(PROMPT, str(face), a.audio, False, None, None, None, num_repeat=a.clips, pose_video=a.pose,
                         max_area=size * size,
                         infer_frames=clip, shift=3.0, sample_solver="unipc", sampling_steps=a.steps,
                         guide_scale=a.guidance, n_prompt=NEGATIVE, seed=a.seed, offload_model=False)
    speech2video.FlowUniPCMultistepScheduler = solver
    parity.save_steps(trace, steps)
    # encodes: the portrait (1 frame), the zero motion frames, the pose clips (clip frames + 1), then the motion
    # frames after every clip
    parity.save(trace, "render/reference_latents.npy", encodes[0][1].unsqueeze(0))
    motion_after = [lat for frames, lat in encodes[1:] if frames == motion]
    for r, lat in enumerate(lat for frames, lat in encodes[1:] if frames == clip + 1):
        if a.pose:
            parity.save(trace, f"clip-{r:04d}/pose_latents.npy", lat[:, 1:].unsqueeze(0))
    for r, frames in enumerate(decodes):
        kept = frames[:, -clip:]
        parity.save(trace, f"clip-{r:04d}/decoded.npy", ((kept + 1) / 2).permute(1, 0, 2, 3))
        if r >= 1:
            parity.save(trace, f"clip-{r:04d}/motion_latents.npy", motion_after[r].unsqueeze(0))
    return video


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parity.add_common_arguments(p, "Wan2.2", "wan_s2v.py", guidance=4.5)
    p.add_argument("--audio", required=True, help="a voice of clips × clip_frames / fps seconds")
    p.add_argument("--clips", type=int, default=2)
    p.add_argument("--pose", help="a pose video (H.264 MP4) driving both")
    a = p.parse_args(argv)
    manifest, out = parity.open_work(p, a, "wan_s2v.py")
    s = manifest["settings"]
    wan = wan_s2v.load_wan(a.source)
    face = crop(a.portrait, s["resolution"], out)
    draw_noise(a.clips, s["clip_frames"] // 4, s["resolution"] // 8, a.seed, out)
    render_emo(a, face, manifest, out)
    run_wan(a, wan, face, manifest, out)
    parity.compare_and_exit(a, "wan", out)


if __name__ == "__main__":
    main()
