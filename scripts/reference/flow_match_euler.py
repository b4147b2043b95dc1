#!/usr/bin/env python3
"""Reference data for emo4j's FlowMatchEulerDiscreteScheduler, computed by diffusers' own scheduler.

Usage: flow_match_euler.py DIFFUSERS_CHECKOUT OUT.json

It loads src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py from your diffusers checkout
and runs it as it is. Only the package around it is stood in for (configuration plumbing, logging), so
that the scheduler runs with torch and numpy alone, without diffusers' other dependencies. For each
configuration it records the timesteps, the sigmas, and a trajectory of an analytic model: the exact
velocity (x - x0) / sigma towards a fixed x0, from fixed noise.
"""
import sys

import standin

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
    standin.diffusers_cases(sys.argv[1], sys.argv[2], "scheduling_flow_match_euler_discrete.py",
                            "FlowMatchEulerDiscreteScheduler", CASES, scipy=True, batched=False, timestep=float)


if __name__ == "__main__":
    main()
