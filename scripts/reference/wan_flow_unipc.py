#!/usr/bin/env python3
"""Reference data for emo4j's FlowUniPcMultistepScheduler, computed by Wan's own scheduler.

Usage: wan_flow_unipc.py WAN_CHECKOUT OUT.json

It loads wan/utils/fm_solvers_unipc.py (FlowUniPCMultistepScheduler) from your Wan2.1 or Wan2.2
checkout and runs it as it is. Only the parts of diffusers it imports are stood in for (configuration
plumbing, the output class, the deprecation helper), so that it runs with torch and numpy alone. For
each configuration it records the timesteps, the sigmas, and the trajectory of an analytic model: the
exact velocity (x - x0) / sigma towards a fixed x0, from fixed noise.
"""
import sys
from pathlib import Path

import standin

# (constructor arguments, steps, the shift given to set_timesteps); the first is Wan2.2-S2V's own use
CASES = [
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 40, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 10, 5.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 4, 1.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 2, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "use_dynamic_shifting": False}, 1, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 1}, 8, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_type": "bh1"}, 12, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "lower_order_final": False}, 6, 2.0),
    ({"num_train_timesteps": 1000, "shift": 1, "disable_corrector": [0, 3]}, 9, 3.0),
    ({"num_train_timesteps": 1000, "shift": 2.0}, 7, None),
    ({"num_train_timesteps": 500, "shift": 1}, 20, 4.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 3}, 20, 3.0),
    ({"num_train_timesteps": 1000, "shift": 1, "solver_order": 3}, 6, 5.0),
]


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    standin.stand_in_diffusers(scipy=True)
    scheduler_class = standin.load(Path(checkout) / "wan/utils/fm_solvers_unipc.py", "wan_fm_solvers_unipc").FlowUniPCMultistepScheduler
    noise, x0 = standin.analytic()
    cases = []
    for config, steps, shift in CASES:
        s = scheduler_class(**config)
        s.set_timesteps(steps, shift=shift)
        # [batch, channels]: the solver's einsum wants both
        final = standin.trajectory(s, s.timesteps, noise, x0, batched=True)
        recorded = dict(config, _class_name="FlowUniPCMultistepScheduler")
        if shift is not None:
            recorded["sample_shift"] = shift
        cases.append({"config": recorded, "steps": steps, "timesteps": [int(t) for t in s.timesteps],
                      "sigmas": [float(v) for v in s.sigmas], "final": final})
    standin.write(out, "Wan {commit}, wan/utils/fm_solvers_unipc.py, torch {torch}", checkout, noise, x0, cases)


if __name__ == "__main__":
    main()
