#!/usr/bin/env python3
"""Exports Wan2.2-S2V to an emo4j model pack of the flow family (docs/model-pack.md, "The flow family").

    wan_s2v.py --source WAN2.2_CHECKOUT --checkpoint Wan2.2-S2V-14B --out PACK [--size 512]
               [--prompt TEXT] [--negative-prompt TEXT] [--clip-frames 80]
    wan_s2v.py --source WAN2.2_CHECKOUT --tiny-random --out PACK [--seed 7]
    either with --text-encoder: umT5's encoder and tokenizer too, so that renders take a prompt

It imports Wan's own modules from your checkout (--source) and writes:

  vae_encoder_first / vae_encoder    Wan2.1's causal VAE encoder, one latent frame a call: the first frame
                                     alone, then four frames, its convolutions' caches passed as tensors
  vae_decoder_first / vae_decoder    the decoder, likewise: one latent frame to 1, then to 4 frames
  first_clip_denoiser                WanModel_S2V for the first clip (drop_first_motion: no motion tokens);
                                     pose_latents from a pose video, zeros without one
  denoising_unet                     WanModel_S2V for the later clips, with the 19 motion latents
  audio_encoder                      wav2vec2-large-xlsr-53's 25 hidden states per 20 ms row (needs
                                     transformers); --tiny-random: a small random stand-in
  text_context.npy, negative_text_context.npy   umT5's embeddings of the prompts, computed once here
  text_encoder, tokenizer.json       with --text-encoder: umT5-XXL's encoder (T5Encoder, ids and attention
                                     mask to [1, 512, 4096]; 22 GB in float32, as external data) and the
                                     checkpoint's google/umt5-xxl/tokenizer.json, so that emo4j encodes a
                                     render's prompt (with io.github.emo4j:emo-text); --tiny-random: a small
                                     random T5Encoder from Wan's t5.py and a tiny Unigram tokenizer.json
  scheduler/scheduler_config.json    Wan's FlowUniPCMultistepScheduler with sample_shift 3

The denoisers run both guidance branches in one call (batch 2: negative prompt with silent audio, then
prompt with the voice), as speech2video.py calls the model twice per step. Four rewrites make the
networks exportable; each computes what Wan computes:
  - rotary embeddings: Wan multiplies complex128 numbers, which ONNX cannot hold; here each pair is
    rotated in float64 by a (cos, sin) table computed by Wan's rope_precompute for the clip's shapes;
  - the timestep's float64 sinusoid is the input `timestep_sinusoid` (ONNX Runtime's CPU provider has no
    double-precision Cos and Sin); emo4j computes it in float64, as Wan does;
  - attention is plain softmax attention (flash attention is CUDA-only; the VAE's scaled_dot_product_attention
    is missing from torch 1.13); the parity run uses the same on Wan's side;
  - non-affine LayerNorms get explicit ones and zeros, Tensor.unflatten becomes reshape, deepcopy of the
    grid sizes becomes clone, and 'nearest-exact' upsampling (2x) becomes 'nearest', which is equal at 2x.

--tiny-random builds a small random model from Wan's classes (width 128, 3 blocks, 64 px, its
zero-initialised layers re-randomised so that the audio, motion and reference paths count) and keeps its
weights in PACK/tiny-random.pt for wan_s2v_parity.py. Run with Wan2.2 42bf4cf and Debian's torch 1.13
(docs/model-pack.md has the figures). The full-size path needs Wan's requirements (torch >= 2.1,
diffusers, transformers) and has not been run here: no weights are reachable from this machine.
"""
import argparse
import contextlib
import copy
import importlib
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import packwriter  # noqa: E402
import standins  # noqa: E402

TESTED_WAN = "42bf4cf"
MOTION_FRAMES = 73
MOTION_LATENTS = 19
LAYERS = 25  # wav2vec2-large's hidden states: the embeddings' output and 24 layers
Z = 16

TINY = dict(cond_dim=16, audio_dim=32, num_audio_token=4, enable_adain=True, adain_mode="attn_norm",
            audio_inject_layers=[0, 2], zero_init=True, zero_timestep=True, enable_motioner=False,
            add_last_motion=True, enable_tsm=False, trainable_token_pos_emb=False, enable_framepack=True,
            framepack_drop_mode="padd", patch_size=(1, 2, 2), text_len=16, in_dim=16, dim=128, ffn_dim=256,
            freq_dim=256, text_dim=32, out_dim=16, num_heads=4, num_layers=3, window_size=(-1, -1), qk_norm=True,
            cross_attn_norm=True, eps=1e-6)
TINY_VAE = dict(dim=8, z_dim=Z, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
                temperal_downsample=[False, True, True], dropout=0.0)
TINY_SIZE, TINY_CLIP, TINY_PROMPT_TOKENS = 64, 8, 8
# the tiny text encoder: Wan's T5Encoder, narrow, over the tiny tokenizer's vocabulary
TINY_T5 = dict(dim=TINY["text_dim"], dim_attn=TINY["text_dim"], dim_ffn=64, num_heads=2, num_layers=2, num_buckets=8,
               shared_pos=False, dropout=0.0)
TINY_WORDS = ["a", "person", "is", "talking", "singing", "calm", "face", "blurry", "dark", "smiling", "the", "and"]


# ---- loading Wan's modules from a checkout ----

def load_wan(source):
    """Wan's modules from `source`, without running wan/__init__.py (which imports every pipeline)."""
    root = Path(source).resolve() / "wan"
    if not (root / "modules/s2v/model_s2v.py").is_file():
        sys.exit(f"wan_s2v: {source} is not a Wan2.2 checkout (no wan/modules/s2v/model_s2v.py)")
    standins.install()
    for package in ("wan", "wan.modules", "wan.modules.s2v", "wan.utils", "wan.distributed", "wan.configs"):
        if package not in sys.modules:
            m = types.ModuleType(package)
            m.__path__ = [str(root.joinpath(*package.split(".")[1:]))]
            sys.modules[package] = m
    names = dict(attention="wan.modules.attention", model="wan.modules.model", s2v_utils="wan.modules.s2v.s2v_utils",
                 motioner="wan.modules.s2v.motioner", audio_utils="wan.modules.s2v.audio_utils",
                 auxi_blocks="wan.modules.s2v.auxi_blocks", model_s2v="wan.modules.s2v.model_s2v",
                 vae="wan.modules.vae2_1")
    wan = types.SimpleNamespace(**{k: importlib.import_module(v) for k, v in names.items()})
    use_plain_attention(wan)
    return wan


def plain_attention(q, k, v, q_lens=None, k_lens=None, dropout_p=0., softmax_scale=None, q_scale=None,
                    causal=False, window_size=(-1, -1), deterministic=False, dtype=None, version=None):
    """Softmax attention over [B, L, heads, C], every key attended: what Wan's flash_attention computes for
    the lengths S2V passes (all keys of every sequence)."""
    if causal or tuple(window_size) != (-1, -1):
        raise NotImplementedError("causal or windowed attention")
    if k_lens is not None and not torch.jit.is_tracing() and bool((k_lens < k.shape[1]).any()):
        raise NotImplementedError("padded keys")
    if q_scale is not None:
        q = q * q_scale
    scale = softmax_scale if softmax_scale is not None else q.shape[-1] ** -0.5
    qh, kh, vh = (t.transpose(1, 2).float() for t in (q, k, v))
    weights = torch.softmax(torch.matmul(qh, kh.transpose(-1, -2)) * scale, dim=-1)
    return torch.matmul(weights, vh).transpose(1, 2).type_as(q)


def scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2's F.scaled_dot_product_attention over [..., L, C], for torch versions without it."""
    if attn_mask is not None or is_causal:
        raise NotImplementedError("masked attention")
    s = scale if scale is not None else q.shape[-1] ** -0.5
    return torch.matmul(torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * s, dim=-1), v)


def use_plain_attention(wan):
    for module in (wan.model, wan.model_s2v, wan.motioner, wan.attention):
        module.flash_attention = plain_attention
    if not hasattr(F, "scaled_dot_product_attention"):
        F.scaled_dot_product_attention = scaled_dot_product_attention


# ---- the networks ----

def tiny_random(wan, seed):
    """A small WanModel_S2V and WanVAE_ with random weights, every all-zero tensor re-randomised."""
    torch.manual_seed(seed)
    model = wan.model_s2v.WanModel_S2V(**TINY).eval().requires_grad_(False)
    vae = wan.vae.WanVAE_(**TINY_VAE).eval().requires_grad_(False)
    with torch.no_grad():
        for net in (model, vae):
            for p in net.parameters():
                if p.numel() > 1 and not bool(p.any()):
                    p.normal_(0.0, 0.05)
    return model, vae


def vae_scale():
    """Wan2.1's per-channel latent mean and 1/std, as Wan2_1_VAE keeps them."""
    # the constants are literals in Wan2_1_VAE.__init__: read from the checkout, not copied here
    source = Path(sys.modules["wan.modules.vae2_1"].__file__).read_text()
    mean, std = _literal_list(source, "mean = ["), _literal_list(source, "std = [")
    if len(mean) != Z or len(std) != Z:
        raise RuntimeError("cannot read Wan2_1_VAE's latent mean and std from vae2_1.py")
    return torch.tensor(mean), 1.0 / torch.tensor(std)


def _literal_list(source, start):
    i = source.index(start) + len(start) - 1
    j = source.index("]", i)
    return [float(x) for x in source[i + 1:j].replace("\n", " ").split(",") if x.strip()]


# ---- the VAE in chunks ----

class VaeChunk(nn.Module):
    """One call of Wan's causal VAE: the first chunk (1 frame or 1 latent frame), or a later one (4 frames,
    or 1 latent frame) with the caches of the calls before it as inputs. Caches are fixed-shape: a one-frame
    cache [f] is kept as [0, f] and upsample3d's 'Rep' marker as zeros, which Wan's convolutions treat
    exactly as they treat the originals (zero padding in front)."""

    def __init__(self, vae, encoder, first, cache_shapes, mean, inv_std):
        super().__init__()
        self.vae, self.encoder, self.first = vae, encoder, first
        self.cache_shapes = cache_shapes
        self.used = [i for i, shape in enumerate(cache_shapes) if shape is not None]
        self.register_buffer("mean", mean.view(1, Z, 1, 1, 1))
        self.register_buffer("inv_std", inv_std.view(1, Z, 1, 1, 1))

    def forward(self, data, *caches):
        # Wan counts every CausalConv3d, the uncached 1x1 shortcuts too: their entries stay None
        feat = [None] * len(self.cache_shapes)
        if not self.first:
            for i, c in zip(self.used, caches):
                feat[i] = c
        if self.encoder:
            out = self.vae.encoder(data * 2 - 1, feat_cache=feat, feat_idx=[0])
            mu = self.vae.conv1(out).chunk(2, dim=1)[0]
            result = (mu - self.mean) * self.inv_std
        else:
            x = self.vae.conv2(data / self.inv_std + self.mean)
            result = (self.vae.decoder(x, feat_cache=feat, feat_idx=[0]).clamp(-1, 1) + 1) / 2
        return (result, *fixed_caches(feat, self.cache_shapes))


def fixed_caches(feat, shapes):
    out = []
    for c, shape in zip(feat, shapes):
        if shape is None:
            continue
        if isinstance(c, str) or c is None:
            c = torch.zeros(shape)
        elif c.shape[2] < shape[2]:
            c = torch.cat([torch.zeros(*shape[:2], shape[2] - c.shape[2], *shape[3:], dtype=c.dtype), c], dim=2)
        out.append(c)
    return out


def cache_shapes(vae, encoder, size):
    """The caches' steady shapes: those after a second chunk, run eagerly with Wan's own lists."""
    h = size // 8
    n = sum(1 for m in (vae.encoder if encoder else vae.decoder).modules()
            if isinstance(m, sys.modules["wan.modules.vae2_1"].CausalConv3d))
    feat = [None] * n
    with torch.no_grad():
        for i in range(2):
            if encoder:
                vae.encoder(torch.zeros(1, 3, 1 if i == 0 else 4, size, size), feat_cache=feat, feat_idx=[0])
            else:
                vae.decoder(vae.conv2(torch.zeros(1, Z, 1, h, h)), feat_cache=feat, feat_idx=[0])
    return [None if c is None else tuple(c.shape) for c in feat]


def export_vae(vae, size, out, components):
    mean, inv_std = vae_scale()
    h = size // 8
    with rewrites_for_export(None):
        for encoder in (True, False):
            shapes = cache_shapes(vae, encoder, size)
            names = [f"cache_{i:02d}" for i, shape in enumerate(shapes) if shape is not None]
            role = "vae_encoder" if encoder else "vae_decoder"
            data_name, result_name = ("pixels", "latents") if encoder else ("latents", "pixels")
            for first in (True, False):
                frames = 1 if first or not encoder else 4
                data = torch.rand(1, 3, frames, size, size) if encoder else torch.randn(1, Z, 1, h, h)
                caches = [] if first else [torch.randn(s) * 0.1 for s in shapes if s is not None]
                net = VaeChunk(vae, encoder, first, shapes, mean, inv_std).eval()
                file = role + ("_first" if first else "") + ".onnx"
                ins, outs = packwriter.export(net, [data] + caches, out / file, [data_name] + ([] if first else names),
                                              [result_name] + [n + "_next" for n in names])
                components[role + ("_first" if first else "")] = packwriter.component(file, ins, outs)


# ---- the transformer ----

class S2VDenoiser(nn.Module):
    """Both guidance branches of one speech2video.py step: [negative prompt, silent audio] then [prompt,
    voice], each a call of WanModel_S2V as Wan makes it, with the same pose latents (zeros without a pose
    video, as Wan gives them)."""

    def __init__(self, model, first, holder):
        super().__init__()
        self.model, self.first, self.holder = model, first, holder

    def forward(self, sample, timestep, timestep_sinusoid, text_context, reference_latents, motion_latents,
                audio_windows, pose_latents):
        self.holder["sinusoid"] = timestep_sinusoid
        frames = audio_windows.shape[1]
        out = []
        for b in range(sample.shape[0]):
            audio = audio_windows[b, :, 0].reshape(frames, LAYERS, -1).permute(1, 2, 0).unsqueeze(0)
            flow = self.model([sample[b]], t=timestep, context=[text_context[b]], seq_len=0,
                              ref_latents=[reference_latents[0]], motion_latents=[motion_latents[0]],
                              cond_states=[pose_latents[0]], audio_input=audio,
                              motion_frames=[MOTION_FRAMES, MOTION_LATENTS], drop_motion_frames=self.first)
            out.append(flow[0].unsqueeze(0))
        return torch.cat(out, dim=0)


def rope_table(model, run):
    """Wan's rotary multipliers for the shapes of `run` (complex128, one per token and pair, equal for every
    head), as (cos, sin) float64 [1, S, 1, C], and what `run` returned."""
    with torch.no_grad():
        result = run()
    freqs = model.pre_compute_freqs
    if not torch.equal(freqs, freqs[:, :, :1].expand_as(freqs)):
        raise RuntimeError("the rotary table differs between heads")
    head = freqs[:, :, :1]
    return (head.real.clone(), head.imag.clone()), result


@contextlib.contextmanager
def rewrites_for_export(wan_and_table, holder=None):
    """The rewrites that make the networks exportable (module docstring); undone on exit."""
    saved = []

    def patch(owner, name, value):
        saved.append((owner, name, getattr(owner, name, None)))
        setattr(owner, name, value)

    def unflatten(self, dim, sizes):
        dim = dim % self.dim()
        return self.reshape(*self.shape[:dim], *sizes, *self.shape[dim + 1:])

    patch(torch.Tensor, "unflatten", unflatten)
    if wan_and_table is not None:
        wan, (cos, sin) = wan_and_table

        def rope_placeholder(x, grid_sizes, freqs, start=None):
            return torch.zeros(x.shape[0], x.shape[1], 1, 1)

        def rope_rotate(x, grid_sizes, freqs, start=None):
            b, s, n, d = x.shape
            pairs = x.to(torch.float64).reshape(b, s, n, d // 2, 2)
            a, c = pairs[..., 0], pairs[..., 1]
            return torch.stack([a * cos - c * sin, a * sin + c * cos], dim=-1).reshape(b, s, n, d).float()

        def sinusoid(dim, position):
            rows = [holder["sinusoid"]]
            if position.shape[0] == 2:
                rows.append(torch.cat([torch.ones(1, dim // 2), torch.zeros(1, dim // 2)], dim=1))
            return torch.cat(rows, dim=0)

        patch(wan.model_s2v, "rope_precompute", rope_placeholder)
        patch(wan.motioner, "rope_precompute", rope_placeholder)
        patch(wan.model_s2v, "rope_apply", rope_rotate)
        patch(wan.model_s2v, "sinusoidal_embedding_1d", sinusoid)
        patch(wan.model_s2v, "deepcopy", lambda x: x.clone() if torch.is_tensor(x) else copy.deepcopy(x))
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def affine_layer_norms(net):
    """Gives every non-affine LayerNorm explicit ones and zeros (torch 1.13 exports an empty scale)."""
    for m in net.modules():
        if isinstance(m, nn.LayerNorm) and not m.elementwise_affine:
            m.weight = nn.Parameter(torch.ones(m.normalized_shape))
            m.bias = nn.Parameter(torch.zeros(m.normalized_shape))
            m.elementwise_affine = True


def nearest_upsampling(net):
    for m in net.modules():
        if isinstance(m, nn.Upsample) and m.mode == "nearest-exact":
            m.mode = "nearest"


def export_denoisers(wan, model, size, clip_frames, text_tokens, out, components):
    h = size // 8
    n = clip_frames // 4
    audio_width = LAYERS * _audio_dim(model)
    holder = {}
    affine_layer_norms(model)
    for first in (True, False):
        net = S2VDenoiser(model, first, holder).eval()
        args = [torch.randn(2, Z, n, h, h), torch.tensor([500], dtype=torch.int64), torch.randn(1, model.freq_dim),
                torch.randn(2, text_tokens, model.text_dim), torch.randn(1, Z, 1, h, h),
                torch.randn(1, Z, MOTION_LATENTS, h, h), torch.randn(2, clip_frames, 1, audio_width),
                torch.randn(1, Z, n, h, h)]
        # the rotary table of these shapes, from Wan's own rope_precompute in an eager call
        original = wan.model_s2v.sinusoidal_embedding_1d
        # the eager call that makes the table also gives the outputs' shapes: the export need not run it again
        table, outputs = rope_table(model, lambda: net(*args))
        assert wan.model_s2v.sinusoidal_embedding_1d is original
        names = ["sample", "timestep", "timestep_sinusoid", "text_context", "reference_latents", "motion_latents",
                 "audio_windows", "pose_latents"]
        file = "first_clip_denoiser.onnx" if first else "denoiser.onnx"
        with rewrites_for_export((wan, table), holder):
            ins, outs = packwriter.export(net, args, out / file, names, ["noise_pred"], outputs=outputs)
        for t in ins:
            if t["name"] == "audio_windows":
                t["uncond"] = "zeros"
        components["first_clip_denoiser" if first else "denoising_unet"] = packwriter.component(file, ins, outs)


def _audio_dim(model):
    for m in model.casual_audio_encoder.modules():
        if isinstance(m, nn.Conv1d):
            return m.in_channels
    raise RuntimeError("cannot find the audio encoder's input width")


class TinyAudioEncoder(nn.Module):
    """A random stand-in for wav2vec2's 25 hidden states with wav2vec2's frame count: the rows joined back
    into the waveform, one frame per 320 samples past the first 400 (a convolution of that width and stride,
    as wav2vec2's convolutions add up to), 25 × D values a frame."""

    def __init__(self, width, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.conv = nn.Conv1d(1, width, 400, stride=320)
        with torch.no_grad():
            self.conv.weight.copy_(torch.randn(width, 1, 400, generator=g) * 0.05)
            self.conv.bias.copy_(torch.randn(width, generator=g) * 0.1)

    def frames(self, wave):
        """[N] normalised samples to [⌊(N − 400)/320⌋ + 1, width]."""
        return torch.tanh(self.conv(wave.reshape(1, 1, -1)))[0].transpose(0, 1)

    def forward(self, audio):
        return one_frame_per_row(self.frames(audio.reshape(-1)))


def one_frame_per_row(frames):
    """emo4j's contract asks a row of features for every row of audio: the last frame is repeated once, and
    emo4j keeps only the frames wav2vec2 makes (settings.audio_receptive_field)."""
    return torch.cat([frames, frames[-1:]], dim=0)


def export_audio_encoder(net, out, components):
    ins, outs = packwriter.export(net, [torch.randn(10, 320)], out / "audio_encoder.onnx", ["audio"], ["audio_features"],
                                  symbolic={"audio": {0: "rows"}, "audio_features": {0: "rows"}})
    components["audio_encoder"] = packwriter.component("audio_encoder.onnx", ins, outs)


def settings(size, clip_frames, audio_width, steps, guidance):
    return {"resolution": size, "latent_channels": Z, "latent_downsample": 8, "clip_frames": clip_frames,
            "motion_frames": MOTION_FRAMES, "first_motion": "zeros", "first_clip_settling_frames": 3,
            "audio_window": 0, "audio_sample_rate": 16000, "audio_chunk_samples": 320,
            "audio_feature_dim": audio_width, "audio_input": "wav2vec-input", "audio_alignment": "wan-s2v",
            "audio_receptive_field": 400,
            "fps": 16, "default_steps": steps, "default_guidance": guidance,
            "text_context": "text_context.npy", "negative_text_context": "negative_text_context.npy"}


class TextEncoder(nn.Module):
    """umT5's encoder as Wan's T5EncoderModel runs it: ids and attention mask to [1, L, D]. Wan then cuts the
    rows past the prompt's tokens off and its transformer pads the context back to text_len with zeros;
    emo4j zeroes those rows after the run, which is the same."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)


def export_text_encoder(encoder, text_len, out, components):
    ids = torch.zeros(1, text_len, dtype=torch.int64)
    ids[0, :3] = torch.tensor([4, 5, 1])
    mask = torch.zeros(1, text_len, dtype=torch.int64)
    mask[0, :3] = 1
    ins, outs = packwriter.export(TextEncoder(encoder.eval()), [ids, mask], out / "text_encoder.onnx",
                                  ["input_ids", "attention_mask"], ["text_context"])
    components["text_encoder"] = packwriter.component("text_encoder.onnx", ins, outs)


def tiny_tokenizer():
    """A Unigram tokenizer.json of Hugging Face's format over TINY_WORDS (this script's own, for the tiny
    text encoder): umT5's layout (NFKC, runs of spaces made one, Metaspace, </s> appended), ids 0-2 for
    <pad>, </s> and <unk>, then "▁" and each word."""
    special = ["<pad>", "</s>", "<unk>"]
    vocab = [[t, 0.0] for t in special] + [["\u2581", -2.0]] + [["\u2581" + w, -3.0 - i * 0.1] for i, w in enumerate(TINY_WORDS)]
    token = lambda i, t: {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True}
    seq, eos = {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}
    meta = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [token(i, t) for i, t in enumerate(special)],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
            "pre_tokenizer": meta, "decoder": meta,
            "post_processor": {"type": "TemplateProcessing", "single": [seq, eos],
                               "pair": [seq, eos, {"Sequence": {"id": "B", "type_id": 0}}, eos],
                               "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
            "model": {"type": "Unigram", "unk_id": 2, "byte_fallback": False, "vocab": vocab}}


def tiny_text_encoder(wan_t5, seed):
    torch.manual_seed(seed + 3)
    return wan_t5.T5Encoder(vocab=4 + len(TINY_WORDS), **TINY_T5).eval().requires_grad_(False)


def import_t5():
    """wan/modules/t5.py reads the CUDA device in a default argument when it is imported: on a machine
    without CUDA, it is imported with the CPU standing in."""
    current_device = torch.cuda.current_device
    if not torch.cuda.is_available():
        torch.cuda.current_device = lambda: "cpu"
    try:
        return importlib.import_module("wan.modules.t5")
    finally:
        torch.cuda.current_device = current_device


def scheduler(shift=3.0):
    # speech2video.py: FlowUniPCMultistepScheduler(num_train_timesteps=1000, shift=1), set_timesteps(shift=3)
    return {"_class_name": "FlowUniPCMultistepScheduler", "num_train_timesteps": 1000, "shift": 1.0,
            "use_dynamic_shifting": False, "solver_order": 2, "prediction_type": "flow_prediction",
            "predict_x0": True, "solver_type": "bh2", "lower_order_final": True, "sample_shift": shift}


def build_tiny(wan, seed):
    model, vae = tiny_random(wan, seed)
    g = torch.Generator().manual_seed(seed + 1)
    prompt = torch.randn(TINY_PROMPT_TOKENS, TINY["text_dim"], generator=g)
    negative = torch.randn(TINY_PROMPT_TOKENS - 3, TINY["text_dim"], generator=g)
    audio = TinyAudioEncoder(LAYERS * TINY["audio_dim"], seed + 2).eval()
    return model, vae, prompt, negative, audio


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--source", required=True, help="your Wan2.2 checkout")
    p.add_argument("--out", required=True, help="the pack folder to write")
    p.add_argument("--tiny-random", action="store_true", help="a small random model, for parity checks")
    p.add_argument("--checkpoint", help="the Wan2.2-S2V-14B folder (config.json, weights, Wan2.1_VAE.pth, umT5, wav2vec2)")
    p.add_argument("--size", type=int, default=512, help="side of the square video, a multiple of 64 (default 512)")
    p.add_argument("--clip-frames", type=int, default=80, help="frames a clip, 4n (default 80)")
    p.add_argument("--prompt", default="a person is talking", help="the prompt whose umT5 embeddings are stored")
    p.add_argument("--negative-prompt", default=None, help="default: Wan's sample_neg_prompt")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--text-encoder", action="store_true",
                   help="also export umT5's encoder and tokenizer, so that renders take a prompt (needs emo-text)")
    a = p.parse_args(argv)
    if a.tiny_random == bool(a.checkpoint):
        p.error("give exactly one of --tiny-random and --checkpoint")
    if a.size % 64 or a.clip_frames % 4 or a.clip_frames < 4:
        p.error("--size must be a multiple of 64 and --clip-frames a multiple of 4")
    wan = load_wan(a.source)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    components = {}
    if a.tiny_random:
        model, vae, prompt, negative, audio = build_tiny(wan, a.seed)
        text_encoder = tiny_text_encoder(import_t5(), a.seed) if a.text_encoder else None
        a.negative_prompt_used = a.negative_prompt if a.negative_prompt is not None else "blurry dark face"
        torch.save({"model": model.state_dict(), "vae": vae.state_dict(), "audio": audio.state_dict(),
                    "prompt": prompt, "negative": negative, "seed": a.seed, "model_config": TINY,
                    "vae_config": TINY_VAE, "text_encoder": None if text_encoder is None else text_encoder.state_dict(),
                    "text_encoder_config": TINY_T5}, out / "tiny-random.pt")
        size, clip_frames, width, steps = TINY_SIZE, TINY_CLIP, LAYERS * TINY["audio_dim"], 4
        export_audio_encoder(audio, out, components)
        name, description = "wan2.2-s2v-tiny-random", (f"A tiny random WanModel_S2V and Wan2.1 VAE from Wan2.2 {TESTED_WAN}, "
                                                       "for parity checks; not a learned model")
    else:
        model, vae, prompt, negative, text_encoder = load_checkpoint(wan, a)
        size, clip_frames, width, steps = a.size, a.clip_frames, LAYERS * 1024, 40
        export_wav2vec2(Path(a.checkpoint) / "wav2vec2-large-xlsr-53-english", out, components)
        name, description = "wan2.2-s2v-14b", "Wan2.2-S2V-14B (Apache-2.0), exported by tools/export/wan_s2v.py"
    # Wan pads every prompt's embeddings with zero rows to text_len and masks none: padding both to one
    # length here changes nothing, and emo4j's branches then share the input's shape
    # (with a text encoder, to its text_len, the token count of the ids it takes: Wan's 512)
    tokens = model.text_len if a.text_encoder else max(prompt.shape[0], negative.shape[0])
    prompt, negative = (torch.cat([e, e.new_zeros(tokens - e.shape[0], e.shape[1])]) for e in (prompt, negative))
    packwriter.save_npy(out, "text_context.npy", prompt)
    packwriter.save_npy(out, "negative_text_context.npy", negative)
    text = {}
    if a.text_encoder:
        export_text_encoder(text_encoder, tokens, out, components)
        if a.tiny_random:
            (out / "tokenizer.json").write_text(json.dumps(tiny_tokenizer(), indent=1), encoding="utf-8")
        else:
            importlib.import_module("wan.configs.shared_config")
            config = importlib.import_module("wan.configs.wan_s2v_14B").s2v_14B
            (out / "tokenizer.json").write_bytes((Path(a.checkpoint) / config.t5_tokenizer / "tokenizer.json").read_bytes())
        # the stored embeddings serve renders that give no prompt; a prompt is cleaned as Wan cleans it
        text = {"tokenizer": "tokenizer.json", "prompt_cleaning": "whitespace", "prompt": a.prompt,
                "negative_prompt": a.negative_prompt_used}
    nearest_upsampling(vae)
    affine_layer_norms(vae)
    export_vae(vae, size, out, components)
    export_denoisers(wan, model, size, clip_frames, prompt.shape[0], out, components)
    packwriter.write_manifest(out, name, description, {**settings(size, clip_frames, width, steps, 4.5), **text},
                              scheduler(), components)
    print(f"wan_s2v: wrote {out} ({len(components)} networks)")


def load_checkpoint(wan, a):
    """The real model: WanModel_S2V.from_pretrained, Wan2_1_VAE's network and umT5's prompt embeddings."""
    ckpt = Path(a.checkpoint)
    importlib.import_module("wan.configs.shared_config")
    config = importlib.import_module("wan.configs.wan_s2v_14B").s2v_14B
    model = wan.model_s2v.WanModel_S2V.from_pretrained(str(ckpt), torch_dtype=torch.float32).eval().requires_grad_(False)
    vae = wan.vae.Wan2_1_VAE(vae_pth=str(ckpt / config.vae_checkpoint), device="cpu").model
    # the encoder is made on the CPU explicitly
    t5 = import_t5()
    encoder = t5.T5EncoderModel(text_len=config.text_len, dtype=torch.float32, device=torch.device("cpu"),
                                checkpoint_path=str(ckpt / config.t5_checkpoint),
                                tokenizer_path=str(ckpt / config.t5_tokenizer))
    negative = a.negative_prompt if a.negative_prompt is not None else config.sample_neg_prompt
    a.negative_prompt_used = negative
    prompt = encoder([a.prompt], torch.device("cpu"))[0]
    negative = encoder([negative], torch.device("cpu"))[0]
    return model, vae, prompt, negative, encoder.model


class Wav2Vec2Rows(nn.Module):
    """wav2vec2's 25 hidden states, layer-major, of the rows joined back into the waveform: its
    convolutions (400 samples wide, 320 apart) make one frame fewer than there are rows, so the last is
    repeated; emo4j keeps the frames wav2vec2 makes (settings.audio_receptive_field 400)."""

    def __init__(self, wav2vec):
        super().__init__()
        self.wav2vec = wav2vec

    def forward(self, audio):
        states = self.wav2vec(audio.reshape(1, -1), output_hidden_states=True).hidden_states
        return one_frame_per_row(torch.cat([s[0] for s in states], dim=-1))


def export_wav2vec2(folder, out, components):
    import transformers  # the real package: a stand-in cannot load weights
    wav2vec = transformers.Wav2Vec2ForCTC.from_pretrained(str(folder)).wav2vec2.eval()
    ins, outs = packwriter.export(Wav2Vec2Rows(wav2vec), [torch.randn(50, 320)], out / "audio_encoder.onnx", ["audio"],
                                  ["audio_features"], symbolic={"audio": {0: "rows"}, "audio_features": {0: "rows"}})
    components["audio_encoder"] = packwriter.component("audio_encoder.onnx", ins, outs)


if __name__ == "__main__":
    try:
        main()
    except (ImportError, FileNotFoundError) as e:
        # a stand-in cannot load weights, and a checkpoint folder must hold Wan's files
        sys.exit(f"wan_s2v: {e}")
