#!/usr/bin/env python3
"""Exports Hallo (fudan-generative-vision/hallo) to an emo4j model pack of the unet family (docs/model-pack.md,
"Exporting an open EMO-class model (Hallo) to this contract").

    hallo_export.py --source HALLO_CHECKOUT --checkpoint PRETRAINED_MODELS --out PACK [--size 512] [--clip-frames 16]
    hallo_export.py --source HALLO_CHECKOUT --tiny-random --out PACK [--seed 7]

It imports Hallo's own modules from your checkout (--source), builds the networks as scripts/inference.py
builds them (the reference UNet from Stable Diffusion's config in eval mode; the denoising UNet with its
motion and audio modules in training mode with gradient checkpointing, as inference.py leaves it; the face
locator and both projections; `net.pth` loaded strictly), and writes:

  vae_encoder / vae_decoder   the SD VAE: pixels in [0, 1] to the posterior's mean × 0.18215, and back
  audio_encoder               wav2vec2-base-960h as Hallo runs it: its 12 hidden states per video frame
                              (needs transformers); --tiny-random: a small random stand-in
  audio_projection            Hallo's audio_proj over one clip's ±2 windows
  image_encoder               InsightFace's recognition network (face_analysis/models/glintr100.onnx) with
                              its (x − 0.5) / 0.5 input scaling put in front; --tiny-random: a random stand-in
  image_projection            Hallo's image_proj: the face embedding to 4 identity tokens
  reference_net               the reference UNet at timestep 0, returning the banks (the norm1 output of every
                              transformer block) in the order the denoiser pairs them
  face_locator                Hallo's face locator
  denoising_unet              the denoising UNet with both guidance branches (batch 2), the banks as inputs
  scheduler/scheduler_config.json   DDIM as inference.py configures it (zero SNR, v-prediction, trailing)

Four rewrites make the networks exportable; each computes what Hallo computes:
  - gradient checkpointing's torch.utils.checkpoint, which only saves memory for a backward pass and
    which torch.onnx cannot trace, calls its function directly while exporting;
  - the reference-attention read path: Hallo overwrites the unconditional half of a boolean mask
    (`hidden_states_c[uc_mask] = ...`), which torch 1.13 does not export; here the same two attentions
    are computed and the halves joined with a concat;
  - diffusers' attention scores: `baddbmm` on an uninitialised tensor becomes matmul × scale (torch 1.13's
    CPU baddbmm does not ignore that tensor at beta = 0 for small batches, in PyTorch runs too);
  - the banks Hallo rounds to float16 (`ReferenceAttentionControl.update`) are float16 denoiser inputs,
    widened inside the graph exactly where Hallo's concatenation widens them.
The denoiser is exported with `training=TrainingMode.PRESERVE`: torch.onnx.export would otherwise switch
it to eval(), and Hallo's training-mode path (motion frames before the motion modules of the
cross-attention blocks) computes a different network.

--tiny-random builds a small random Hallo from Hallo's classes (channels 32/32/64/64, 128 px, 16-frame
clips, one layer per block, its zero-initialised layers re-randomised so that the audio, motion and
face-locator paths count) and keeps its weights in PACK/tiny-random.pt for hallo_parity.py. Run with
Hallo 8fd7c57, diffusers 0.27.2 and Debian's torch 1.13 (docs/model-pack.md has the figures). The
--checkpoint path follows inference.py's loading but has not been run: no weights are reachable from
the machine this was written on.
"""
import argparse
import importlib
import json
import sys
import types
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import packwriter  # noqa: E402
import standins  # noqa: E402

TESTED_HALLO = "8fd7c57"
TESTED_DIFFUSERS = "0.27.2"
SCALE = 0.18215  # Hallo's pipeline scales latents by this literal, whatever the VAE's config says
CHUNK = 640  # 16 kHz samples per video frame at 25 fps
LAYERS = 12  # wav2vec2-base's hidden states after the embeddings
WINDOW = 2  # process_audio_emb's ±2 frames
MOTION = 2  # data.n_motion_frames
FACE_SIDE = 112  # InsightFace's aligned crop
EMBEDDING = 512
TOKENS = 4

# inference.py's unet_additional_kwargs (configs/inference/default.yaml)
UNET_3D_KWARGS = dict(
    use_inflated_groupnorm=True, unet_use_cross_frame_attention=False, unet_use_temporal_attention=False,
    use_motion_module=True, use_audio_module=True, motion_module_resolutions=[1, 2, 4, 8],
    motion_module_mid_block=True, motion_module_decoder_only=False, motion_module_type="Vanilla",
    motion_module_kwargs=dict(num_attention_heads=8, num_transformer_block=1,
                              attention_block_types=["Temporal_Self", "Temporal_Self"],
                              temporal_position_encoding=True, temporal_position_encoding_max_len=32,
                              temporal_attention_dim_div=1),
    audio_attention_dim=768, stack_enable_blocks_name=["up", "down", "mid"], stack_enable_blocks_depth=[0, 1, 2, 3])

# a Stable Diffusion 1.5 unet/config.json at a tiny width; center_input_sample is there because Hallo's UNets
# read config.center_input_sample while their constructors name the argument _center_input_sample
TINY_UNET = dict(sample_size=16, in_channels=4, out_channels=4, center_input_sample=False, flip_sin_to_cos=True,
                 freq_shift=0, down_block_types=["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
                 up_block_types=["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3, block_out_channels=[32, 32, 64, 64],
                 layers_per_block=1, downsample_padding=1, mid_block_scale_factor=1, act_fn="silu", norm_num_groups=32,
                 norm_eps=1e-5, cross_attention_dim=32, attention_head_dim=8)
TINY_VAE = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
                up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[8, 16, 16, 16], layers_per_block=1,
                latent_channels=4, norm_num_groups=8, sample_size=128)
TINY_AUDIO_WIDTH = 16  # per hidden state (wav2vec2-base: 768)
TINY_SIZE, TINY_CLIP = 128, 16


# ---- loading Hallo's modules from a checkout ----

def load_hallo(source):
    """Hallo's network modules from `source`, with the real diffusers (Hallo pins 0.27.2)."""
    root = Path(source).resolve()
    if not (root / "hallo/models/unet_3d.py").is_file():
        sys.exit(f"hallo: {source} is not a Hallo checkout (no hallo/models/unet_3d.py)")
    # diffusers' own imports; Hallo's modules import einops, transformers and xformers at the top
    standins.install(("huggingface_hub", "safetensors", "einops", "transformers", "xformers"))
    try:
        diffusers = importlib.import_module("diffusers")
    except ImportError as e:
        sys.exit(f"hallo: Hallo's networks are built from diffusers' blocks: install diffusers=={TESTED_DIFFUSERS} ({e})")
    if "standins" in str(getattr(diffusers, "__file__", "")) or not hasattr(diffusers, "AutoencoderKL"):
        sys.exit(f"hallo: Hallo's networks are built from diffusers' blocks: install diffusers=={TESTED_DIFFUSERS}")
    sys.path.insert(0, str(root))
    names = dict(unet_2d="hallo.models.unet_2d_condition", unet_3d="hallo.models.unet_3d",
                 face_locator="hallo.models.face_locator", image_proj="hallo.models.image_proj",
                 audio_proj="hallo.models.audio_proj", control="hallo.models.mutual_self_attention",
                 attention="hallo.models.attention")
    hallo = types.SimpleNamespace(**{k: importlib.import_module(v) for k, v in names.items()})
    hallo.diffusers = diffusers
    plain_attention_scores(diffusers)
    return hallo


def plain_attention_scores(diffusers):
    """diffusers' Attention.get_attention_scores with matmul × scale in place of baddbmm on torch.empty."""
    attention = importlib.import_module("diffusers.models.attention_processor").Attention

    def get_attention_scores(self, query, key, attention_mask=None):
        dtype = query.dtype
        if self.upcast_attention:
            query, key = query.float(), key.float()
        scores = torch.matmul(query, key.transpose(-1, -2)) * self.scale
        if attention_mask is not None:
            scores = scores + attention_mask
        if self.upcast_softmax:
            scores = scores.float()
        return scores.softmax(dim=-1).to(dtype)

    attention.get_attention_scores = get_attention_scores


# ---- the networks, as inference.py builds them ----

class Networks:
    """Hallo's networks in the modes inference.py leaves them: the VAE and the reference UNet come from
    from_pretrained (eval), the rest are constructed (training mode), both UNets with gradient checkpointing."""

    def __init__(self, hallo, vae, reference_unet, denoising_unet, face_locator, image_proj, audio_proj):
        self.hallo = hallo
        self.vae, self.reference_unet, self.denoising_unet = vae, reference_unet, denoising_unet
        self.face_locator, self.image_proj, self.audio_proj = face_locator, image_proj, audio_proj
        for m in (vae, reference_unet, denoising_unet, face_locator, image_proj, audio_proj):
            m.requires_grad_(False)
        reference_unet.enable_gradient_checkpointing()
        denoising_unet.enable_gradient_checkpointing()

    def net_state(self):
        """What inference.py's Net holds: the state dict net.pth is."""
        return {f"{name}.{k}": v for name, m in self.net_modules().items() for k, v in m.state_dict().items()}

    def net_modules(self):
        return {"reference_unet": self.reference_unet, "denoising_unet": self.denoising_unet,
                "face_locator": self.face_locator, "imageproj": self.image_proj, "audioproj": self.audio_proj}

    def load_net_state(self, state):
        for name, m in self.net_modules().items():
            prefix = name + "."
            missing, unexpected = m.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)},
                                                    strict=False)
            if missing or unexpected:
                raise RuntimeError(f"net.pth does not fit {name}: {len(missing)} missing, {len(unexpected)} unexpected keys")


def build(hallo, unet_config, vae, audio_width, cross_dim):
    unet_2d, unet_3d = hallo.unet_2d.UNet2DConditionModel, hallo.unet_3d.UNet3DConditionModel
    reference_unet = unet_2d.from_config(dict(unet_config, _class_name="UNet2DConditionModel")).eval()
    config_3d = dict(unet_config, _class_name="UNet3DConditionModel", mid_block_type="UNetMidBlock3DCrossAttn",
                     down_block_types=["CrossAttnDownBlock3D"] * 3 + ["DownBlock3D"],
                     up_block_types=["UpBlock3D"] + ["CrossAttnUpBlock3D"] * 3)
    kwargs = dict(UNET_3D_KWARGS, audio_attention_dim=cross_dim)
    denoising_unet = unet_3d.from_config(config_3d, **kwargs)
    face_locator = hallo.face_locator.FaceLocator(conditioning_embedding_channels=unet_config["block_out_channels"][0])
    image_proj = hallo.image_proj.ImageProjModel(cross_attention_dim=cross_dim, clip_embeddings_dim=EMBEDDING,
                                                 clip_extra_context_tokens=TOKENS)
    audio_proj = hallo.audio_proj.AudioProjModel(seq_len=2 * WINDOW + 1, blocks=LAYERS, channels=audio_width,
                                                 intermediate_dim=512 if audio_width == 768 else 64,
                                                 output_dim=cross_dim, context_tokens=32)
    return Networks(hallo, vae, reference_unet, denoising_unet, face_locator, image_proj, audio_proj)


def build_tiny(hallo, seed):
    torch.manual_seed(seed)
    vae = hallo.diffusers.AutoencoderKL(**TINY_VAE).eval()
    nets = build(hallo, TINY_UNET, vae, TINY_AUDIO_WIDTH, TINY_UNET["cross_attention_dim"])
    with torch.no_grad():
        for m in (nets.vae, *nets.net_modules().values()):
            for p in m.parameters():
                if p.numel() > 1 and not bool(p.any()):
                    p.normal_(0.0, 0.05)
    audio = TinyAudioEncoder(TINY_AUDIO_WIDTH, seed + 1).eval()
    image = TinyImageEncoder(seed + 2).eval()
    return nets, audio, image


def tiny_from_state(hallo, state):
    """The tiny model hallo_export.py --tiny-random wrote (PACK/tiny-random.pt), as the parity run rebuilds it."""
    vae = hallo.diffusers.AutoencoderKL(**state["vae_config"]).eval()
    vae.load_state_dict(state["vae"])
    nets = build(hallo, state["unet_config"], vae, state["audio_width"], state["unet_config"]["cross_attention_dim"])
    nets.load_net_state(state["net"])
    audio = TinyAudioEncoder(state["audio_width"], 0)
    audio.load_state_dict(state["audio"])
    return nets, audio


def load_checkpoint(hallo, folder):
    """The real model, as inference.py loads it from pretrained_models/."""
    folder = Path(folder)
    vae = hallo.diffusers.AutoencoderKL.from_pretrained(str(folder / "sd-vae-ft-mse"))
    unet_config = json.loads((folder / "stable-diffusion-v1-5/unet/config.json").read_text())
    unet_config.setdefault("center_input_sample", False)
    nets = build(hallo, unet_config, vae, 768, unet_config["cross_attention_dim"])
    # inference.py first loads Stable Diffusion's and AnimateDiff's weights, then net.pth strictly, which
    # replaces every one of them: Stable Diffusion's config is all that is needed of it
    state = torch.load(folder / "hallo/net.pth", map_location="cpu")
    nets.load_net_state(state)
    return nets


# ---- the small stand-ins of --tiny-random ----

class TinyAudioEncoder(nn.Module):
    """A random stand-in for wav2vec2's 12 hidden states, one row of 12 × width per 640-sample row."""

    def __init__(self, width, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.proj = nn.Linear(CHUNK, LAYERS * width)
        with torch.no_grad():
            self.proj.weight.copy_(torch.randn(LAYERS * width, CHUNK, generator=g) * 0.05)
            self.proj.bias.copy_(torch.randn(LAYERS * width, generator=g) * 0.1)

    def forward(self, audio):
        return torch.tanh(self.proj(audio))


class TinyImageEncoder(nn.Module):
    """A random stand-in for ArcFace: a 112² RGB face in [0, 1] to a 512-d embedding of ArcFace's scale."""

    def __init__(self, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.conv = nn.Conv2d(3, 8, 8, stride=8)
        self.proj = nn.Linear(8 * 14 * 14, EMBEDDING)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)

    def forward(self, face_image):
        x = torch.relu(self.conv((face_image - 0.5) / 0.5))
        return self.proj(x.flatten(1))


# ---- export wrappers ----

class VaeEncoder(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, pixels):
        # Hallo's ImageProcessor normalises to [-1, 1]; the posterior's mean, scaled as the pipeline scales it
        return self.vae.encode(pixels * 2 - 1).latent_dist.mean * SCALE


class VaeDecoder(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latents):
        return (self.vae.decode(latents / SCALE).sample / 2 + 0.5).clamp(0, 1)


class AudioProjection(nn.Module):
    """audio_proj over emo4j's [1, F, 5, 12 × width] windows, as [1, F, 5, 12, width]."""

    def __init__(self, proj, width):
        super().__init__()
        self.proj, self.width = proj, width

    def forward(self, audio_windows):
        return self.proj(audio_windows.reshape(*audio_windows.shape[:3], LAYERS, self.width))


class Wav2VecRows(nn.Module):
    """Hallo's Wav2VecModel on the rows joined back into the waveform, with seq_len = rows, as
    AudioProcessor.preprocess calls it; the 12 hidden states after the embeddings, layer-major."""

    def __init__(self, wav2vec):
        super().__init__()
        self.wav2vec = wav2vec

    def forward(self, audio):
        out = self.wav2vec(audio.reshape(1, -1), seq_len=audio.shape[0], output_hidden_states=True)
        return torch.stack(out.hidden_states[1:], dim=1)[0].reshape(audio.shape[0], -1)


def writer_and_reader_blocks(hallo, reference_unet, denoising_unet):
    """The blocks whose banks pass from the reference UNet to the denoiser, paired as
    ReferenceAttentionControl.update pairs them: each side in depth-first order, stably sorted by
    descending width."""
    attention = hallo.attention
    dfs = hallo.control.torch_dfs
    writers = [m for m in dfs(reference_unet) if isinstance(m, attention.BasicTransformerBlock)]
    readers = [m for m in dfs(denoising_unet) if isinstance(m, attention.TemporalBasicTransformerBlock)]
    if len(writers) != len(readers):
        raise RuntimeError(f"the reference UNet has {len(writers)} transformer blocks, the denoiser {len(readers)}")
    width = lambda m: -m.norm1.normalized_shape[0]  # noqa: E731
    return sorted(writers, key=width), sorted(readers, key=width)


class ReferenceNet(nn.Module):
    """The reference UNet at timestep 0 on the joint batch, its banks as outputs: Hallo's writer hook
    (installed by ReferenceAttentionControl, unchanged) appends them; here they are returned."""

    def __init__(self, nets, writers):
        super().__init__()
        self.unet, self.writers = nets.reference_unet, writers

    def forward(self, reference_latents, face_tokens):
        for m in self.writers:
            m.bank.clear()
        self.unet(reference_latents, torch.zeros(1, dtype=torch.int64), encoder_hidden_states=face_tokens,
                  return_dict=False)
        banks = [m.bank[0] for m in self.writers]
        for m in self.writers:
            m.bank.clear()
        return tuple(banks)


def read_forward(self, hidden_states, attention_mask=None, encoder_hidden_states=None, encoder_attention_mask=None,
                 timestep=None, cross_attention_kwargs=None, class_labels=None, video_length=None):
    """Hallo's read path of reference attention with classifier-free guidance (mutual_self_attention.py), the
    unconditional half joined by concatenation instead of boolean-mask assignment: that half attends to
    itself only, the conditional half to itself and the portrait's bank; the motion frames' banks go on."""
    if self.use_ada_layer_norm or self.only_cross_attention:
        raise NotImplementedError("adaptive norms and cross-attention-only blocks")
    norm_hidden_states = self.norm1(hidden_states)
    groups = norm_hidden_states.shape[0] // video_length
    banks = [d.reshape(groups, d.shape[0] // groups, *d.shape[1:]) for d in self.bank]
    # Hallo repeats the [groups, l, c] portrait banks with four repeat counts, which adds a leading axis: the
    # frames' rows then take the groups' banks in turn (frame k of a branch reads group (16 b + k) mod groups)
    # rather than their own branch's; kept as it is, since the model was trained with it
    portrait = [d[:, 0].repeat(1, video_length, 1, 1).reshape(groups * video_length, *d.shape[2:]) for d in banks]
    motion_frames = [d[:, 1:] for d in banks]
    with_bank = torch.cat([norm_hidden_states] + portrait, dim=1)
    attended = self.attn1(norm_hidden_states, encoder_hidden_states=with_bank, attention_mask=attention_mask) + hidden_states
    half = hidden_states.shape[0] // 2
    uncond = self.attn1(norm_hidden_states[:half], encoder_hidden_states=norm_hidden_states[:half],
                        attention_mask=attention_mask) + hidden_states[:half]
    hidden_states = torch.cat([uncond, attended[half:]], dim=0)
    if self.attn2 is not None:
        norm_hidden_states = self.norm2(hidden_states)
        hidden_states = self.attn2(norm_hidden_states, encoder_hidden_states=encoder_hidden_states,
                                   attention_mask=attention_mask) + hidden_states
    hidden_states = self.ff(self.norm3(hidden_states)) + hidden_states
    if self.unet_use_temporal_attention:
        d = hidden_states.shape[1]
        x = hidden_states.reshape(-1, video_length, d, hidden_states.shape[2]).permute(0, 2, 1, 3)
        x = x.reshape(-1, video_length, hidden_states.shape[2])
        x = self.attn_temp(self.norm_temp(x)) + x
        hidden_states = x.reshape(-1, d, video_length, x.shape[2]).permute(0, 2, 1, 3).reshape(-1, d, x.shape[2])
    return hidden_states, motion_frames


class Denoiser(nn.Module):
    """One step of the denoising UNet over both guidance branches, the reference banks given as inputs
    (float16, as Hallo hands them over)."""

    def __init__(self, nets, readers):
        super().__init__()
        self.unet, self.readers = nets.denoising_unet, readers

    def forward(self, sample, timestep, face_tokens, audio_embedding, mask_features, motion_scale, *rest):
        n = len(self.readers)
        banks, masks = rest[:n], rest[n:]
        for m, bank in zip(self.readers, banks):
            m.bank = [bank.float()]
        out = self.unet(sample, timestep[0], encoder_hidden_states=face_tokens, audio_embedding=audio_embedding,
                        mask_cond_fea=mask_features, full_mask=list(masks[0:4]), face_mask=list(masks[4:8]),
                        lip_mask=list(masks[8:12]), motion_scale=motion_scale, return_dict=False)[0]
        for m in self.readers:
            m.bank = []
        return out


# ---- the pack ----

def export_all(nets, audio_encoder, image_encoder, size, clip, audio_width, out, components):
    hallo = nets.hallo
    h = size // 8
    with torch.no_grad():
        cross = nets.image_proj(torch.zeros(1, EMBEDDING)).shape[-1]

    def put(role, module, args, ins, outs, symbolic=None, **kw):
        inputs, outputs = packwriter.export(module, args, out / f"{role}.onnx", ins, outs, symbolic, **kw)
        components[role] = packwriter.component(f"{role}.onnx", inputs, outputs)
        return inputs, outputs

    put("vae_encoder", VaeEncoder(nets.vae).eval(), [torch.rand(1, 3, size, size)], ["pixels"], ["latents"],
        {"pixels": {0: "batch"}, "latents": {0: "batch"}})
    put("vae_decoder", VaeDecoder(nets.vae).eval(), [torch.randn(1, 4, h, h)], ["latents"], ["pixels"],
        {"latents": {0: "batch"}, "pixels": {0: "batch"}})
    put("audio_encoder", audio_encoder, [torch.randn(3 * clip, CHUNK)], ["audio"], ["audio_features"],
        {"audio": {0: "chunks"}, "audio_features": {0: "chunks"}})
    put("audio_projection", AudioProjection(nets.audio_proj, audio_width),
        [torch.randn(1, clip, 2 * WINDOW + 1, LAYERS * audio_width)], ["audio_windows"], ["audio_embedding"],
        training=torch.onnx.TrainingMode.PRESERVE)
    if image_encoder is not None:
        put("image_encoder", image_encoder, [torch.rand(1, 3, FACE_SIDE, FACE_SIDE)], ["face_image"], ["face_embedding"])
    put("image_projection", nets.image_proj, [torch.randn(1, EMBEDDING)], ["face_embedding"], ["face_tokens"],
        training=torch.onnx.TrainingMode.PRESERVE)
    put("face_locator", nets.face_locator, [torch.rand(1, 3, clip, size, size)], ["face_mask"], ["mask_features"],
        training=torch.onnx.TrainingMode.PRESERVE)

    # reference attention: Hallo's own hooks, installed on both UNets as the pipeline installs them
    control = hallo.control.ReferenceAttentionControl
    control(nets.reference_unet, do_classifier_free_guidance=True, mode="write", batch_size=1, fusion_blocks="full")
    control(nets.denoising_unet, do_classifier_free_guidance=True, mode="read", batch_size=1, fusion_blocks="full")
    writers, readers = writer_and_reader_blocks(hallo, nets.reference_unet, nets.denoising_unet)
    for m in readers:
        m.forward = read_forward.__get__(m, type(m))
    items = 2 * (1 + MOTION)
    bank_names = [f"reference_bank_{i}" for i in range(len(writers))]
    ins, banks_out = put("reference_net", ReferenceNet(nets, writers), [torch.randn(items, 4, h, h), torch.randn(2, TOKENS, cross)],
                         ["reference_latents", "face_tokens"], bank_names,
                         {"reference_latents": {0: "items"}, **{n: {0: "items"} for n in bank_names}})
    for t in components["reference_net"]["inputs"]:
        if t["name"] == "face_tokens":
            t["uncond"] = "zero_input"

    with torch.no_grad():
        banks = ReferenceNet(nets, writers)(torch.randn(items, 4, h, h), torch.randn(2, TOKENS, cross))
    mask_names = [f"{kind}_mask_{level}" for kind in ("full", "face", "lip") for level in range(4)]
    mask_args = [torch.rand(2 * clip, (h >> (level % 4)) ** 2) for level in range(12)]
    with torch.no_grad():
        features = nets.face_locator(torch.rand(1, 3, clip, size, size))
    args = [torch.randn(2, 4, clip, h, h), torch.tensor([999], dtype=torch.int64), torch.randn(2, TOKENS, cross),
            torch.randn(2, clip, 32, cross), torch.cat([features, features]), torch.ones(3)]
    args += [b.half() for b in banks] + mask_args
    names = ["sample", "timestep", "face_tokens", "audio_embedding", "mask_features", "motion_scale"] + bank_names + mask_names
    checkpoint = torch.utils.checkpoint.checkpoint
    torch.utils.checkpoint.checkpoint = lambda function, *inputs, **kwargs: function(*inputs)
    try:
        put("denoising_unet", Denoiser(nets, readers), args, names, ["noise_pred"],
            training=torch.onnx.TrainingMode.PRESERVE)
    finally:
        torch.utils.checkpoint.checkpoint = checkpoint
    for t in components["denoising_unet"]["inputs"]:
        if t["name"] == "face_tokens":
            t["uncond"] = "zero_input"
        elif t["name"] in ("audio_embedding", "mask_features"):
            t["uncond"] = "zeros"
        elif t["name"].startswith("reference_bank_"):
            t["shape"][0] = "bank_items"


def settings(size, clip, audio_width, steps):
    return {"resolution": size, "latent_channels": 4, "latent_downsample": 8, "clip_frames": clip,
            "motion_frames": MOTION, "reference_motion_frames": MOTION, "first_motion": "reference",
            "audio_window": WINDOW, "audio_sample_rate": 16000, "audio_chunk_samples": CHUNK,
            "audio_pad_to_clips": True, "audio_feature_dim": LAYERS * audio_width, "fps": 25,
            "reference_batch": "joint", "reference_pairing": [0, 1] * (1 + MOTION),
            "default_steps": steps, "default_guidance": 3.5}


def scheduler():
    # inference.py: DDIMScheduler(**noise_scheduler_kwargs) with enable_zero_snr's three overrides
    return {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
            "beta_schedule": "linear", "clip_sample": False, "steps_offset": 1, "prediction_type": "v_prediction",
            "rescale_betas_zero_snr": True, "timestep_spacing": "trailing"}


def arcface(model, out):
    """InsightFace's recognition network with (x − 0.5) / 0.5 in front (its input_mean and input_std of
    127.5 on 0–255 RGB), its input renamed face_image and its output face_embedding."""
    import onnx
    from onnx import helper, numpy_helper
    import numpy as np
    m = onnx.load(str(model))
    graph = m.graph
    constants = {i.name for i in graph.initializer}
    inp = [i for i in graph.input if i.name not in constants][0]
    old = inp.name
    for node in graph.node:
        node.input[:] = ["face_image_scaled" if x == old else x for x in node.input]
    graph.initializer.extend([numpy_helper.from_array(np.array(0.5, np.float32), "half_")])
    graph.node.insert(0, helper.make_node("Sub", ["face_image", "half_"], ["face_image_centred"]))
    graph.node.insert(1, helper.make_node("Div", ["face_image_centred", "half_"], ["face_image_scaled"]))
    inp.name = "face_image"
    dims = inp.type.tensor_type.shape.dim
    dims[0].ClearField("dim_param")
    dims[0].dim_value = 1
    outp = graph.output[0]
    for node in graph.node:
        node.output[:] = ["face_embedding" if x == outp.name else x for x in node.output]
    outp.name = "face_embedding"
    outp.type.tensor_type.shape.dim[0].ClearField("dim_param")
    outp.type.tensor_type.shape.dim[0].dim_value = 1
    onnx.save(m, str(out / "image_encoder.onnx"))
    return packwriter.component("image_encoder.onnx", [packwriter.tensor("face_image", "float32", [1, 3, FACE_SIDE, FACE_SIDE])],
                                [packwriter.tensor("face_embedding", "float32", [1, EMBEDDING])])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--source", required=True, help="your Hallo checkout")
    p.add_argument("--out", required=True, help="the pack folder to write")
    p.add_argument("--tiny-random", action="store_true", help="a small random model, for parity checks")
    p.add_argument("--checkpoint", help="Hallo's pretrained_models folder (hallo/net.pth, stable-diffusion-v1-5, "
                                        "sd-vae-ft-mse, wav2vec, face_analysis)")
    p.add_argument("--size", type=int, default=512, help="side of the square video, a multiple of 64 (default 512)")
    p.add_argument("--clip-frames", type=int, default=16, help="frames a clip (default 16, Hallo's n_sample_frames)")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    if a.tiny_random == bool(a.checkpoint):
        p.error("give exactly one of --tiny-random and --checkpoint")
    if a.size % 64 or not 1 <= a.clip_frames <= 30:
        p.error("--size must be a multiple of 64 and --clip-frames within 1..30 (the motion modules' 32 positions)")
    hallo = load_hallo(a.source)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    components = {}
    if a.tiny_random:
        nets, audio, image = build_tiny(hallo, a.seed)
        torch.save({"net": nets.net_state(), "vae": nets.vae.state_dict(), "audio": audio.state_dict(),
                    "unet_config": TINY_UNET, "vae_config": TINY_VAE, "audio_width": TINY_AUDIO_WIDTH, "seed": a.seed},
                   out / "tiny-random.pt")
        size, clip, width, steps = TINY_SIZE, TINY_CLIP, TINY_AUDIO_WIDTH, 4
        name, description = "hallo-tiny-random", (f"A tiny random Hallo from Hallo {TESTED_HALLO} and diffusers "
                                                  f"{TESTED_DIFFUSERS}, for parity checks; not a learned model")
    else:
        nets = load_checkpoint(hallo, a.checkpoint)
        folder = Path(a.checkpoint)
        size, clip, width, steps = a.size, a.clip_frames, 768, 40
        wav2vec = importlib.import_module("hallo.models.wav2vec").Wav2VecModel.from_pretrained(
            str(folder / "wav2vec/wav2vec2-base-960h"), local_files_only=True).eval()
        audio, image = Wav2VecRows(wav2vec), None
        name, description = "hallo", "Hallo (MIT), exported by tools/export/hallo_export.py"
    export_all(nets, audio, image, size, clip, width, out, components)
    if not a.tiny_random:
        components["image_encoder"] = arcface(Path(a.checkpoint) / "face_analysis/models/glintr100.onnx", out)
    packwriter.write_manifest(out, name, description, settings(size, clip, width, steps), scheduler(), components,
                              family="unet")
    print(f"hallo: wrote {out} ({len(components)} networks)")


if __name__ == "__main__":
    try:
        main()
    except (ImportError, FileNotFoundError) as e:
        sys.exit(f"hallo: {e}")
