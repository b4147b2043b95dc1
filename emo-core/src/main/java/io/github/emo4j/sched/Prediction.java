package io.github.emo4j.sched;

/** What the network predicts ({@code prediction_type}), and how each kind gives the clean sample. */
enum Prediction {
    EPSILON, V_PREDICTION, SAMPLE;

    static Prediction from(SchedulerConfig c) {
        String p = c.string("prediction_type", "epsilon");
        return switch (p) {
            case "epsilon" -> EPSILON;
            case "v_prediction" -> V_PREDICTION;
            case "sample" -> SAMPLE;
            default -> throw new IllegalArgumentException("scheduler config: prediction_type '" + p + "' is not supported");
        };
    }

    /**
     * The predicted clean sample from noisy {@code x} and model output {@code m}, where
     * {@code x = alpha·x0 + sigma·noise} (alpha = √ᾱ, sigma = √(1−ᾱ) in DDPM terms).
     */
    double x0(double x, double m, double alpha, double sigma) {
        return switch (this) {
            case EPSILON -> (x - sigma * m) / alpha;
            case V_PREDICTION -> alpha * x - sigma * m;
            case SAMPLE -> m;
        };
    }

    /** The noise that takes {@code x0} to {@code x} at (alpha, sigma). */
    static double noise(double x, double x0, double alpha, double sigma) {
        return (x - alpha * x0) / sigma;
    }
}
