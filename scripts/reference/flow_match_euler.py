#!/usr/bin/env python3
"""Reference data for emo4j's FlowMatchEulerDiscreteScheduler, computed by diffusers' own scheduler.

Usage: flow_match_euler.py DIFFUSERS_CHECKOUT OUT.json

It loads src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py from your diffusers checkout
and runs it as it is. Only the package around it is stood in for (configuration plumbing, logging), so
that the scheduler runs with torch and numpy alone, without diffusers' other dependencies. For each
configuration it records the timesteps, the sigmas, and a trajectory of an analytic model: the exact
velocity (x - x0) / sigma towards a fixed x0, from fixed noise.
"""
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


def stand_in_package():
    pkg = types.ModuleType("diffusers")
    pkg.__path__ = []
    sched = types.ModuleType("diffusers.schedulers")
    sched.__path__ = []

    config_utils = types.ModuleType("diffusers.configuration_utils")

    class ConfigMixin:
        pass

    def register_to_config(init):
        # the values the scheduler was made with, defaults filled in, as self.config
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

    utils = types.ModuleType("diffusers.utils")
    utils.__path__ = []

    class BaseOutput:
        pass

    utils.BaseOutput = BaseOutput
    utils.is_scipy_available = lambda: True
    utils.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    torch_utils = types.ModuleType("diffusers.utils.torch_utils")
    torch_utils.randn_tensor = lambda shape, generator=None, device=None, dtype=None: torch.randn(shape, generator=generator, dtype=dtype)
    scheduling_utils = types.ModuleType("diffusers.schedulers.scheduling_utils")

    class SchedulerMixin:
        pass

    scheduling_utils.SchedulerMixin = SchedulerMixin
    for name, module in {"diffusers": pkg, "diffusers.schedulers": sched, "diffusers.configuration_utils": config_utils,
                         "diffusers.utils": utils, "diffusers.utils.torch_utils": torch_utils,
                         "diffusers.schedulers.scheduling_utils": scheduling_utils}.items():
        sys.modules[name] = module


def load(checkout):
    stand_in_package()
    path = Path(checkout) / "src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py"
    spec = importlib.util.spec_from_file_location("diffusers.schedulers.scheduling_flow_match_euler_discrete", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.FlowMatchEulerDiscreteScheduler


CASES = [
    ({"shift": 1.0}, 4, None),
    ({"shift": 3.0}, 40, None),
    ({"shift": 5.0}, 1, None),
    ({"shift": 3.0, "num_train_timesteps": 1000}, 2, None),
    ({"shift": 7.0, "use_karras_sigmas": True}, 20, None),
    ({"shift": 2.0, "use_exponential_sigmas": True}, 8, None),
    ({"shift": 1.0, "use_dynamic_shifting": True}, 28, 0.95),
    ({"shift": 1.0, "use_dynamic_shifting": True, "time_shift_type": "linear"}, 10, 2.5),
    ({"shift": 3.0, "shift_terminal": 0.1}, 12, None),
    ({"shift": 1.0, "invert_sigmas": True}, 6, None),
    ({"shift": 3.0, "num_train_timesteps": 500}, 7, None),
    ({"shift": 3.0, "use_beta_sigmas": True}, 12, None),
    ({"shift": 1.0, "use_beta_sigmas": True}, 5, None),
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
        x = noise.clone()
        for i, t in enumerate(s.timesteps):
            sigma = s.sigmas[i]
            velocity = (x - x0) / sigma if float(sigma) > 0 else x - x0
            x = s.step(velocity, t, x, return_dict=False)[0]
        cases.append({"config": dict(config, _class_name="FlowMatchEulerDiscreteScheduler"), "steps": steps, "mu": mu,
                      "timesteps": [float(t) for t in s.timesteps], "sigmas": [float(v) for v in s.sigmas],
                      "final": [float(v) for v in x]})
    commit = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {"source": "diffusers " + (commit or "checkout") + ", scheduling_flow_match_euler_discrete.py, torch " + torch.__version__,
           "noise": [float(v) for v in noise], "x0": [float(v) for v in x0], "cases": cases}
    Path(out).write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
