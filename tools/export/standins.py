"""Stand-ins for packages that an original's checkout imports but an export does not need.

Wan2.2's and Hallo's modules import diffusers, einops, transformers, librosa, decord, safetensors, ftfy,
regex and xformers at the top of files whose networks use little or nothing of them, and diffusers
itself imports huggingface_hub. Where those packages are
installed (the originals' requirements), nothing here is used. Where they are not (a machine with only
Debian's torch, as emo4j's parity runs had), `install()` puts a small module in place of each missing
one, so that the original's own network code runs unchanged:

- the pieces of diffusers that Wan's networks and schedulers are built from: the config plumbing
  (`ConfigMixin`, `register_to_config`), `ModelMixin` (an `nn.Module`), the scheduler base classes,
  and `AdaLayerNorm`, written here from diffusers' documented behaviour;
- einops' `rearrange` and `repeat` for the patterns of plain axis names and parenthesised groups;
- for huggingface_hub, what diffusers' modules read when they are imported (constants, a decorator, a
  pattern, error classes), so that the real diffusers, which Hallo's networks are built from, imports;
- for the rest, names that fail when used: loading real audio, video, tokenizers or safetensors files,
  or reaching the Hub, needs the real package.

Each stand-in is announced on standard error, so a run says what it stood in for.
"""
import enum
import importlib
import importlib.machinery
import inspect
import logging
import math
import sys
import types

import torch
import torch.nn as nn


def install(names=("diffusers", "einops", "transformers", "librosa", "decord", "safetensors", "ftfy", "regex")):
    """Stands in for each package of `names` that cannot be imported; returns the names stood in for."""
    made = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            _MAKERS[name]()
            made.append(name)
    if made:
        print("standins: stood in for " + ", ".join(made) + " (not installed)", file=sys.stderr)
    return made


def _module(name, package=False):
    m = types.ModuleType(name)
    # a spec, so that importlib.util.find_spec answers for it (diffusers asks it of its optional packages)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=package)
    if package:
        m.__path__ = []
    sys.modules[name] = m
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, m)
    return m


def _unavailable(package, what):
    def fail(*args, **kwargs):
        raise ImportError(f"{what} needs the real '{package}' package; only a stand-in is installed")
    return fail


class _Unavailable:
    """A class that cannot be made without its real package."""
    package = "?"

    def __init__(self, *args, **kwargs):
        raise ImportError(f"{type(self).__name__} needs the real '{self.package}' package")

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        raise ImportError(f"{cls.__name__}.from_pretrained needs the real '{cls.package}' package")


def _placeholder_class(name, package):
    return type(name, (_Unavailable,), {"package": package})


# ---- diffusers ----

def register_to_config(init):
    """The values an object is made with, defaults filled in, kept as `self.config` (attribute access)."""
    def wrapped(self, *args, **kwargs):
        bound = inspect.signature(init).bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self")
        extra = values.pop("kwargs", {}) or {}
        values.pop("args", None)
        values.update(extra)
        object.__setattr__(self, "config", types.SimpleNamespace(**values))
        init(self, *args, **kwargs)
    return wrapped


class ConfigMixin:
    config_name = "config.json"

    def register_to_config(self, **changes):
        for k, v in changes.items():
            setattr(self.config, k, v)


class ModelMixin(nn.Module):
    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        raise ImportError(f"{cls.__name__}.from_pretrained needs the real 'diffusers' package")


class AdaLayerNorm(nn.Module):
    """diffusers' adaptive layer norm: a non-affine LayerNorm of x, scaled by (1 + scale) and shifted by
    shift, both from Linear(SiLU(temb)). With chunk_dim 1 the projection's halves are (shift, scale) and
    apply per row of a batch; with 0 they are (scale, shift)."""

    def __init__(self, embedding_dim, num_embeddings=None, output_dim=None, norm_elementwise_affine=False,
                 norm_eps=1e-5, chunk_dim=0):
        super().__init__()
        width = output_dim or 2 * embedding_dim
        self.chunk_dim = chunk_dim
        self.emb = nn.Embedding(num_embeddings, embedding_dim) if num_embeddings is not None else None
        self.silu = nn.SiLU()
        self.linear = nn.Linear(embedding_dim, width)
        self.norm = nn.LayerNorm(width // 2, norm_eps, norm_elementwise_affine)

    def forward(self, x, timestep=None, temb=None):
        if self.emb is not None:
            temb = self.emb(timestep)
        projected = self.linear(self.silu(temb))
        if self.chunk_dim == 1:
            shift, scale = projected.chunk(2, dim=1)
            shift, scale = shift.unsqueeze(1), scale.unsqueeze(1)
        else:
            scale, shift = projected.chunk(2, dim=0)
        return self.norm(x) * (1 + scale) + shift


def _diffusers():
    _module("diffusers", True)
    cfg = _module("diffusers.configuration_utils")
    cfg.ConfigMixin, cfg.register_to_config = ConfigMixin, register_to_config
    cfg.FrozenDict = dict
    models = _module("diffusers.models", True)
    models.ModelMixin = ModelMixin
    _module("diffusers.models.modeling_utils").ModelMixin = ModelMixin
    _module("diffusers.models.attention").AdaLayerNorm = AdaLayerNorm
    _module("diffusers.models.normalization").AdaLayerNorm = AdaLayerNorm
    loaders = _module("diffusers.loaders")
    loaders.FromOriginalModelMixin = type("FromOriginalModelMixin", (), {})
    loaders.PeftAdapterMixin = type("PeftAdapterMixin", (), {})
    utils = _module("diffusers.utils", True)

    class BaseOutput(dict):
        pass

    def is_torch_version(operation, version):
        have = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2] if p.isdigit())
        want = tuple(int(p) for p in version.split(".")[:2])
        return {"<": have < want, "<=": have <= want, ">": have > want, ">=": have >= want,
                "==": have == want, "!=": have != want}[operation]

    utils.BaseOutput = BaseOutput
    utils.is_torch_version = is_torch_version
    utils.deprecate = lambda *args, **kwargs: None
    utils.is_scipy_available = lambda: importlib.util.find_spec("scipy") is not None
    utils.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    torch_utils = _module("diffusers.utils.torch_utils")
    torch_utils.randn_tensor = lambda shape, generator=None, device=None, dtype=None, layout=None: torch.randn(
        shape, generator=generator, dtype=dtype)
    _module("diffusers.schedulers", True)
    sched = _module("diffusers.schedulers.scheduling_utils")
    sched.KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", "DDIMScheduler")
    sched.SchedulerMixin = type("SchedulerMixin", (), {})

    class SchedulerOutput:
        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    sched.SchedulerOutput = SchedulerOutput


# ---- einops ----

def _groups(side):
    """'b (t h w) c' -> [['b'], ['t', 'h', 'w'], ['c']]."""
    out, current = [], None
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            current = []
        elif token == ")":
            out.append(current)
            current = None
        elif current is not None:
            current.append(token)
        else:
            out.append([token])
    return out


def _sizes(groups, shape, sizes):
    sizes = dict(sizes)
    if len(groups) != len(shape):
        raise ValueError(f"einops stand-in: pattern has {len(groups)} axes, tensor {len(shape)}")
    for group, dim in zip(groups, shape):
        unknown = [n for n in group if n not in sizes and n != "1"]
        known = math.prod(sizes[n] for n in group if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"einops stand-in: cannot split {group} of {dim}")
        if unknown:
            sizes[unknown[0]] = dim // known
    sizes["1"] = 1
    return sizes


def _axes(x, pattern, given):
    """x split into the left side's named axes; the sizes, those names, and the right side's groups and names."""
    left, right = (_groups(side) for side in pattern.split("->"))
    sizes = _sizes(left, tuple(x.shape), given)
    names = [n for g in left for n in g if n != "1"]
    order = [n for g in right for n in g if n != "1"]
    return x.reshape([sizes[n] for n in names]), sizes, names, right, order


def rearrange(x, pattern, **given):
    x, sizes, names, right, order = _axes(x, pattern, given)
    x = x.permute([names.index(n) for n in order])
    return x.reshape([math.prod(sizes[n] for n in g) for g in right])


def repeat(x, pattern, **given):
    x, sizes, names, right, order = _axes(x, pattern, given)
    present = [n for n in order if n in names]
    x = x.permute([names.index(n) for n in present])
    # new axes enter with size 1, then are expanded
    shape = [sizes[n] if n in names else 1 for n in order]
    x = x.reshape(shape).expand([sizes[n] for n in order])
    return x.reshape([math.prod(sizes[n] for n in g) for g in right])


def _einops():
    m = _module("einops")
    m.rearrange, m.repeat = rearrange, repeat


# ---- the rest: importable, unusable ----

def _transformers():
    m = _module("transformers")
    for name in ("Wav2Vec2ForCTC", "Wav2Vec2Processor", "Wav2Vec2Model", "Wav2Vec2FeatureExtractor", "AutoTokenizer",
                 "CLIPVisionModelWithProjection", "CLIPImageProcessor"):
        setattr(m, name, _placeholder_class(name, "transformers"))


def _librosa():
    m = _module("librosa")
    m.load = _unavailable("librosa", "reading an audio file")


def _decord():
    m = _module("decord")
    m.VideoReader = _placeholder_class("VideoReader", "decord")
    m.cpu = _unavailable("decord", "decord.cpu")


def _safetensors():
    m = _module("safetensors", True)
    m.safe_open = _unavailable("safetensors", "reading a .safetensors file")
    _module("safetensors.torch").load_file = _unavailable("safetensors", "reading a .safetensors file")


def _huggingface_hub():
    """What diffusers' modules import from huggingface_hub when they are imported: constants, a decorator,
    a pattern and error classes; every function that would reach the Hub fails when called."""
    import os
    import re
    home = os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    constants = dict(HF_HOME=home, HF_HUB_CACHE=os.path.join(home, "hub"), HF_HUB_OFFLINE=True,
                     HF_HUB_DISABLE_TELEMETRY=True, HUGGINGFACE_CO_RESOLVE_ENDPOINT="https://huggingface.co")
    errors = {name: type(name, (Exception,), {}) for name in (
        "EntryNotFoundError", "RepositoryNotFoundError", "RevisionNotFoundError", "HfHubHTTPError",
        "OfflineModeIsEnabled", "LocalEntryNotFoundError", "GatedRepoError")}

    def attributes(module):
        def lookup(name):
            if name.startswith("__"):
                raise AttributeError(name)
            return _unavailable("huggingface_hub", f"huggingface_hub.{name}")
        module.__getattr__ = lookup

    root = _module("huggingface_hub", True)
    attributes(root)
    for name in ("constants", "utils", "file_download", "_commit_api", "hf_api"):
        m = _module("huggingface_hub." + name)
        attributes(m)
        vars(m).update(constants)
        vars(m).update(errors)
    hub_utils = sys.modules["huggingface_hub.utils"]
    hub_utils.validate_hf_hub_args = lambda f: f
    hub_utils.is_jinja_available = lambda: False
    sys.modules["huggingface_hub.file_download"].REGEX_COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")
    vars(root).update(constants)
    vars(root).update(errors)
    root.__version__ = "0.0-standin"


def _xformers():
    _module("xformers", True)
    _module("xformers.ops").memory_efficient_attention = _unavailable("xformers", "memory-efficient attention")


def _ftfy():
    _module("ftfy").fix_text = lambda text: text


def _regex():
    import re
    m = _module("regex")
    for name in ("compile", "sub", "split", "findall", "IGNORECASE"):
        setattr(m, name, getattr(re, name))


_MAKERS = {"diffusers": _diffusers, "einops": _einops, "transformers": _transformers, "librosa": _librosa,
           "decord": _decord, "safetensors": _safetensors, "ftfy": _ftfy, "regex": _regex,
           "huggingface_hub": _huggingface_hub, "xformers": _xformers}
