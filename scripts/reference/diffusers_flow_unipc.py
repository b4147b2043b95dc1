#!/usr/bin/env python3
"""Reference data for emo4j's UniPC with flow sigmas, computed by diffusers' own UniPCMultistepScheduler.

Usage: diffusers_flow_unipc.py DIFFUSERS_CHECKOUT OUT.json

It loads src/diffusers/schedulers/scheduling_unipc_multistep.py from your diffusers checkout and runs it
as it is, with use_flow_sigmas and prediction_type flow_prediction (as diffusers' Wan pipelines configure
it). Only the package around it is stood in for (configuration plumbing, the output class, the
deprecation helper), so that it runs with torch and numpy alone. For each configuration it records the
timesteps, the sigmas, and the trajectory of an analytic model: the exact velocity (x - x0) / sigma
towards a fixed x0, from fixed noise.
"""
import enum
import importlib.util
import inspect
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import torch


def stand_in_package():
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
    scheduling_utils = module("diffusers.schedulers.scheduling_utils")

    class ConfigMixin:
        def register_to_config(self, **changes):
            for k, v in changes.items():
                setattr(self.config, k, v)

    def register_to_config(init):
        def wrapped(self, *args, **kwargs):
            bound = inspect.signature(init).bind(self, *args, **kwargs)
            bound.apply_defaults()
            values = dict(bound.arguments)
            values.pop("self")
            self.config = types.SimpleNamespace(**values)
            init(self, *args, **kwargs)
        return wrapped

    config_utils.ConfigMixin = ConfigMixin
    config_utils.register_to_config = register_to_config
    utils.deprecate = lambda *args, **kwargs: None
    utils.is_scipy_available = lambda: False
    scheduling_utils.KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", "DDIMScheduler")

    class SchedulerMixin:
        pass

    class SchedulerOutput:
        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    scheduling_utils.SchedulerMixin = SchedulerMixin
    scheduling_utils.SchedulerOutput = SchedulerOutput


def load(checkout):
    stand_in_package()
    path = Path(checkout) / "src/diffusers/schedulers/scheduling_unipc_multistep.py"
    spec = importlib.util.spec_from_file_location("diffusers.schedulers.scheduling_unipc_multistep", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.UniPCMultistepScheduler


FLOW = {"prediction_type": "flow_prediction", "use_flow_sigmas": True}
# (constructor arguments, steps, mu); the first two are diffusers' Wan pipelines at 480p and 720p
CASES = [
    (dict(FLOW, flow_shift=3.0), 40, None),
    (dict(FLOW, flow_shift=5.0), 10, None),
    (dict(FLOW, flow_shift=1.0), 4, None),
    (dict(FLOW, flow_shift=3.0), 2, None),
    (dict(FLOW, flow_shift=3.0), 1, None),
    (dict(FLOW, flow_shift=3.0, solver_order=1), 8, None),
    (dict(FLOW, flow_shift=3.0, disable_corrector=[0, 2]), 9, None),
    (dict(FLOW, flow_shift=2.0, shift_terminal=0.05), 12, None),
    (dict(FLOW, use_dynamic_shifting=True), 20, 0.8),
    (dict(FLOW, flow_shift=4.0, num_train_timesteps=500), 16, None),
    (dict(FLOW, flow_shift=3.0, solver_type="bh1"), 6, None),
]


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    scheduler_class = load(checkout)
    n = 24
    noise = torch.tensor([math.sin(1.3 * k + 0.2) for k in range(n)], dtype=torch.float32)
    x0 = torch.tensor([0.5 * math.cos(0.7 * k) for k in range(n)], dtype=torch.float32)
    cases = []
    for config, steps, mu in CASES:
        s = scheduler_class(**config)
        s.set_timesteps(steps, mu=mu)
        x = noise.clone().reshape(1, n)
        for i, t in enumerate(s.timesteps):
            velocity = (x - x0.reshape(1, n)) / s.sigmas[i]
            x = s.step(velocity, t, x, return_dict=False)[0]
        cases.append({"config": dict(config, _class_name="UniPCMultistepScheduler"), "steps": steps, "mu": mu,
                      "timesteps": [int(t) for t in s.timesteps], "sigmas": [float(v) for v in s.sigmas],
                      "final": [float(v) for v in x.flatten()]})
    commit = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {"source": "diffusers " + (commit or "checkout") + ", scheduling_unipc_multistep.py, torch " + torch.__version__,
           "noise": [float(v) for v in noise], "x0": [float(v) for v in x0], "cases": cases}
    Path(out).write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
