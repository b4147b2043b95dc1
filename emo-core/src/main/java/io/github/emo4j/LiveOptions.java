package io.github.emo4j;

/**
 * How a live session paces itself and what it does when it falls behind.
 *
 * @param sampleRate      the rate of every voice chunk fed to the session, 8 000 to 192 000 Hz
 * @param realTime        whether the voice arrives in real time: the stream then keeps going at the frame
 *                        rate while no voice arrives (the face listens: mouth closed, blinking, swaying),
 *                        and the lag bound applies; {@code false} for voice fed as fast as it can be read
 * @param maxBufferSeconds voice the session holds before it refuses more: a producer faster than the
 *                        session renders is told so instead of filling memory
 * @param maxLagSeconds   how far the video may trail the voice (beyond one clip and its audio window, which
 *                        every frame waits for) before {@code lagPolicy} applies; real time only
 * @param lagPolicy       what to do when the lag bound is crossed
 */
public record LiveOptions(int sampleRate, boolean realTime, double maxBufferSeconds, double maxLagSeconds,
                          LagPolicy lagPolicy) {

    /** 16 kHz voice in real time, 10 s of buffer, 2 s of lag, then fewer sampling steps. */
    public static final LiveOptions DEFAULT = new LiveOptions(16_000, true, 10, 2, LagPolicy.FEWER_STEPS);

    /** What a session does when its video falls too far behind the voice. */
    public enum LagPolicy {
        /**
         * Halve the sampling steps of the clips to come (at most once a clip's time), down to one; a
         * session still behind at one step ends with an error.
         */
        FEWER_STEPS,
        /**
         * Halve the frame rate the clips to come are rendered at (at most once every two clips' time), down
         * to a quarter of the stream's: 25 fps becomes 12, then 6. The stream keeps its frame rate, each
         * rendered frame held for the stream frames its time covers, so a clip of the same frames covers
         * twice the voice for the same compute. The render goes on from the stream's last frame as a new
         * render whose first clip starts from the portrait again, as every render's first clip does. A
         * session still behind at the lowest rate ends with an error.
         */
        LOWER_FRAME_RATE,
        /** End the session with an error at once. */
        STOP
    }

    /**
     * Checks the values.
     *
     * @param sampleRate       the voice's sample rate
     * @param realTime         whether the voice arrives in real time
     * @param maxBufferSeconds voice held before more is refused
     * @param maxLagSeconds    lag allowed before the policy applies
     * @param lagPolicy        what happens then
     * @throws InvalidInputException naming the option that is out of range
     */
    public LiveOptions {
        if (sampleRate < 8_000 || sampleRate > 192_000) {
            throw new InvalidInputException("sampleRate must be between 8000 and 192000 Hz: " + sampleRate);
        }
        if (!(maxBufferSeconds >= 0.1 && maxBufferSeconds <= 600)) {
            throw new InvalidInputException("maxBufferSeconds must be between 0.1 and 600: " + maxBufferSeconds);
        }
        if (!(maxLagSeconds > 0 && maxLagSeconds <= 600)) {
            throw new InvalidInputException("maxLagSeconds must be above 0 and at most 600: " + maxLagSeconds);
        }
        if (lagPolicy == null) {
            throw new InvalidInputException("lagPolicy: none given");
        }
    }

    /**
     * These options with another sample rate.
     *
     * @param rate the voice's sample rate
     * @return the options
     */
    public LiveOptions withSampleRate(int rate) {
        return new LiveOptions(rate, realTime, maxBufferSeconds, maxLagSeconds, lagPolicy);
    }

    /**
     * These options, in real time or as fast as possible.
     *
     * @param on whether the voice arrives in real time
     * @return the options
     */
    public LiveOptions withRealTime(boolean on) {
        return new LiveOptions(sampleRate, on, maxBufferSeconds, maxLagSeconds, lagPolicy);
    }

    /**
     * These options with another buffer bound.
     *
     * @param seconds voice held before more is refused
     * @return the options
     */
    public LiveOptions withMaxBufferSeconds(double seconds) {
        return new LiveOptions(sampleRate, realTime, seconds, maxLagSeconds, lagPolicy);
    }

    /**
     * These options with another lag bound and policy.
     *
     * @param seconds lag allowed
     * @param policy  what happens beyond it
     * @return the options
     */
    public LiveOptions withLag(double seconds, LagPolicy policy) {
        return new LiveOptions(sampleRate, realTime, maxBufferSeconds, seconds, policy);
    }
}
