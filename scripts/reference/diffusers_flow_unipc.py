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
import sys

import standin

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
    (dict(FLOW, flow_shift=3.0, solver_order=3), 25, None),
]


def main():
    # [batch, channels]: the solver's einsum wants both
    standin.diffusers_cases(sys.argv[1], sys.argv[2], "scheduling_unipc_multistep.py", "UniPCMultistepScheduler",
                            CASES, scipy=False, batched=True, timestep=int)


if __name__ == "__main__":
    main()
