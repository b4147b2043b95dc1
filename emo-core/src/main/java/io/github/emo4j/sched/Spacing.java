package io.github.emo4j.sched;

/** diffusers' {@code timestep_spacing} rules, shared by the schedulers that use them. */
final class Spacing {
    private Spacing() {
    }

    static void checkSteps(int steps, int train) {
        if (steps < 1 || steps > train) {
            throw new IllegalArgumentException("steps must be between 1 and " + train + ": " + steps);
        }
    }

    /** numpy's {@code linspace(a, b, n)}. */
    static double[] linspace(double a, double b, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        }
        return out;
    }

    /**
     * The descending timesteps of {@code steps} steps over {@code train} training steps, as
     * DDIM/DDPM/Euler compute them; {@code roundLinspace} rounds the linspace rule (DDIM and DDPM do,
     * Euler keeps the fractions).
     */
    static double[] timesteps(String spacing, int steps, int train, int offset, boolean roundLinspace) {
        checkSteps(steps, train);
        double[] t = new double[steps];
        switch (spacing) {
            case "linspace" -> {
                double[] l = linspace(0, train - 1, steps);
                for (int i = 0; i < steps; i++) {
                    // diffusers' Euler keeps float32 fractions; DDIM and DDPM round to integers
                    t[steps - 1 - i] = roundLinspace ? Math.rint(l[i]) : (float) l[i];
                }
            }
            case "leading" -> {
                int ratio = train / steps;
                for (int i = 0; i < steps; i++) {
                    t[steps - 1 - i] = (double) i * ratio + offset;
                }
            }
            case "trailing" -> {
                double ratio = train / (double) steps;
                for (int i = 0; i < steps; i++) {
                    t[i] = Math.rint(train - i * ratio) - 1;
                }
            }
            default -> throw new IllegalArgumentException("timestep_spacing '" + spacing + "' is not supported");
        }
        return t;
    }

    /** Karras et al. (2022) sigmas between the extremes of {@code sigmas}, rho = 7. */
    static double[] karras(double sigmaMin, double sigmaMax, int n) {
        double rho = 7;
        double minInv = Math.pow(sigmaMin, 1 / rho), maxInv = Math.pow(sigmaMax, 1 / rho);
        double[] ramp = linspace(0, 1, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        }
        return out;
    }

    /** diffusers' {@code _sigma_to_t}: the fractional training step of a sigma, by log-sigma interpolation. */
    static double sigmaToT(double sigma, double[] logSigmas) {
        double ls = Math.log(Math.max(sigma, 1e-10));
        int n = logSigmas.length;
        // argmax of cumsum(log_sigma - log_sigmas >= 0): the first index where the count peaks
        int count = 0;
        int max = 0;
        int firstAtMax = 0;
        for (int i = 0; i < n; i++) {
            if (ls - logSigmas[i] >= 0) {
                count++;
            }
            if (count > max) {
                max = count;
                firstAtMax = i;
            }
        }
        int low = Math.min(firstAtMax, n - 2);
        int high = low + 1;
        double lo = logSigmas[low], hi = logSigmas[high];
        double w = (lo - ls) / (lo - hi);
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * high;
    }

    /** Sigma at fractional training step {@code t}, by numpy.interp over the training sigmas. */
    static double interp(double t, double[] sigmas) {
        if (t <= 0) {
            return sigmas[0];
        }
        if (t >= sigmas.length - 1) {
            return sigmas[sigmas.length - 1];
        }
        int i = (int) Math.floor(t);
        double f = t - i;
        return sigmas[i] * (1 - f) + sigmas[i + 1] * f;
    }
}
