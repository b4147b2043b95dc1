#!/usr/bin/env python3
"""Reference data for emo4j's FlowDpmSolverMultistepScheduler, computed by Wan's own scheduler.

Usage: wan_flow_dpm.py WAN_CHECKOUT OUT.json

It loads wan/utils/fm_solvers.py from your Wan2.1 or Wan2.2 checkout and runs it as Wan's pipelines do:
get_sampling_sigmas(steps, shift), then retrieve_timesteps(scheduler, sigmas=...), then step after step.
Only the parts of diffusers it imports are stood in for (configuration plumbing, the output class, the
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


def stand_in_diffusers():
    def module(name, package=False):
        m = types.ModuleType(name)
        if package:
            m.__path__ = []
        sys.modules[name] = m
        return m

    module("diffusers", True)
    config_utils = module("diffusers.configuration_utils")
    utils = module("diffusers.utils", True)
    torch_utils = module("diffusers.utils.torch_utils")
    module("diffusers.schedulers", True)
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
    torch_utils.randn_tensor = lambda shape, generator=None, device=None, dtype=None: torch.randn(shape, generator=generator, dtype=dtype)
    scheduling_utils.KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", "DDIMScheduler")

    class SchedulerMixin:
        pass

    class SchedulerOutput:
        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    scheduling_utils.SchedulerMixin = SchedulerMixin
    scheduling_utils.SchedulerOutput = SchedulerOutput


def load(checkout):
    stand_in_diffusers()
    path = Path(checkout) / "wan/utils/fm_solvers.py"
    spec = importlib.util.spec_from_file_location("wan_fm_solvers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# (constructor arguments, steps, the sampling shift); the first is Wan2.2-S2V's with sample_solver dpm++
CASES = [
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 40, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 10, 5.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 4, 1.0),
    ({"num_train_timesteps": 1000, "shift": 1}, 2, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1}, 1, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 3}, 20, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 3}, 12, 2.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_type": "heun"}, 8, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 1}, 6, 3.0),
    ({"num_train_timesteps": 1000, "shift": 2.0}, 16, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "lower_order_final": False}, 9, 3.0),
]


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    wan = load(checkout)
    n = 24
    noise = torch.tensor([math.sin(1.3 * k + 0.2) for k in range(n)], dtype=torch.float32)
    x0 = torch.tensor([0.5 * math.cos(0.7 * k) for k in range(n)], dtype=torch.float32)
    cases = []
    for config, steps, shift in CASES:
        s = wan.FlowDPMSolverMultistepScheduler(**config)
        timesteps, _ = wan.retrieve_timesteps(s, sigmas=wan.get_sampling_sigmas(steps, shift))
        x = noise.clone().reshape(1, n)
        for i, t in enumerate(timesteps):
            velocity = (x - x0.reshape(1, n)) / s.sigmas[i]
            x = s.step(velocity, t, x, return_dict=False)[0]
        recorded = dict(config, _class_name="FlowDPMSolverMultistepScheduler", sample_shift=shift)
        cases.append({"config": recorded, "steps": steps, "timesteps": [int(t) for t in timesteps],
                      "sigmas": [float(v) for v in s.sigmas], "final": [float(v) for v in x.flatten()]})
    commit = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {"source": "Wan " + (commit or "checkout") + ", wan/utils/fm_solvers.py, torch " + torch.__version__,
           "noise": [float(v) for v in noise], "x0": [float(v) for v in x0], "cases": cases}
    Path(out).write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
