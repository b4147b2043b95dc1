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
import sys
from pathlib import Path

import standin

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
    standin.stand_in_diffusers(scipy=False)
    wan = standin.load(Path(checkout) / "wan/utils/fm_solvers.py", "wan_fm_solvers")
    noise, x0 = standin.analytic()
    cases = []
    for config, steps, shift in CASES:
        s = wan.FlowDPMSolverMultistepScheduler(**config)
        timesteps, _ = wan.retrieve_timesteps(s, sigmas=wan.get_sampling_sigmas(steps, shift))
        final = standin.trajectory(s, timesteps, noise, x0, batched=True)
        recorded = dict(config, _class_name="FlowDPMSolverMultistepScheduler", sample_shift=shift)
        cases.append({"config": recorded, "steps": steps, "timesteps": [int(t) for t in timesteps],
                      "sigmas": [float(v) for v in s.sigmas], "final": final})
    standin.write(out, "Wan {commit}, wan/utils/fm_solvers.py, torch {torch}", checkout, noise, x0, cases)


if __name__ == "__main__":
    main()
