"""What the reference scripts share: a stand-in for the parts of diffusers that a scheduler file imports
(configuration plumbing, logging, the output class, the deprecation helper), so that the original file
runs with torch and numpy alone; loading that file; the analytic model; and writing the reference data.

Only the package around a scheduler is stood in for: the scheduler's own code runs as it is.
"""
import enum
import importlib.util
import inspect
import json
import logging
import math
import subprocess
import sys
import types
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools/export"))
import standins  # noqa: E402


def stand_in_diffusers(scipy=False):
    def module(name, package=False):
        m = types.ModuleType(name)
        if package:
            m.__path__ = []
        sys.modules[name] = m
        return m

    module("diffusers", True)
    module("diffusers.schedulers", True)
    config_utils = module("diffusers.configuration_utils")
    utils = module("diffusers.utils", True)
    torch_utils = module("diffusers.utils.torch_utils")
    scheduling_utils = module("diffusers.schedulers.scheduling_utils")

    class BaseOutput:
        pass

    class SchedulerMixin:
        pass

    class SchedulerOutput:
        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    # the config plumbing is the exporters' stand-in's (tools/export/standins.py)
    config_utils.ConfigMixin = standins.ConfigMixin
    config_utils.register_to_config = standins.register_to_config
    utils.BaseOutput = BaseOutput
    utils.deprecate = lambda *args, **kwargs: None
    utils.is_scipy_available = lambda: scipy
    utils.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    torch_utils.randn_tensor = lambda shape, generator=None, device=None, dtype=None: torch.randn(shape, generator=generator, dtype=dtype)
    scheduling_utils.KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", "DDIMScheduler")
    scheduling_utils.SchedulerMixin = SchedulerMixin
    scheduling_utils.SchedulerOutput = SchedulerOutput


def load(path, name):
    """The module at {path}, loaded as {name} (a name under diffusers.schedulers resolves its relative imports)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def analytic(n=24):
    """Fixed noise, and the x0 the model's exact velocity leads to."""
    noise = torch.tensor([math.sin(1.3 * k + 0.2) for k in range(n)], dtype=torch.float32)
    x0 = torch.tensor([0.5 * math.cos(0.7 * k) for k in range(n)], dtype=torch.float32)
    return noise, x0


def trajectory(scheduler, timesteps, noise, x0, batched):
    """The scheduler's steps on the exact velocity (x - x0) / sigma (x - x0 where sigma is 0)."""
    shape = (1, len(noise)) if batched else (len(noise),)
    x, target = noise.clone().reshape(shape), x0.reshape(shape)
    for i, t in enumerate(timesteps):
        sigma = scheduler.sigmas[i]
        velocity = (x - target) / sigma if float(sigma) > 0 else x - target
        x = scheduler.step(velocity, t, x, return_dict=False)[0]
    return [float(v) for v in x.flatten()]


def diffusers_cases(checkout, out, file, class_name, cases, scipy, batched, timestep):
    """Runs diffusers' scheduler {class_name} from {file} in {checkout} over (config, steps, mu) {cases}, each
    with set_timesteps(steps, mu=mu) and the analytic trajectory, and writes them to {out}; {timestep}
    converts a timestep as the file records it."""
    stand_in_diffusers(scipy=scipy)
    module = "diffusers.schedulers." + Path(file).stem
    scheduler_class = getattr(load(Path(checkout) / "src/diffusers/schedulers" / file, module), class_name)
    noise, x0 = analytic()
    recorded = []
    for config, steps, mu in cases:
        s = scheduler_class(**config)
        s.set_timesteps(steps, mu=mu)
        final = trajectory(s, s.timesteps, noise, x0, batched=batched)
        recorded.append({"config": dict(config, _class_name=class_name), "steps": steps, "mu": mu,
                         "timesteps": [timestep(t) for t in s.timesteps], "sigmas": [float(v) for v in s.sigmas],
                         "final": final})
    write(out, "diffusers {commit}, " + file + ", torch {torch}", checkout, noise, x0, recorded)


def write(out, what, checkout, noise, x0, cases):
    commit = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {"source": what.format(commit=commit or "checkout", torch=torch.__version__),
           "noise": [float(v) for v in noise], "x0": [float(v) for v in x0], "cases": cases}
    Path(out).write_text(json.dumps(doc, indent=1) + "\n")
