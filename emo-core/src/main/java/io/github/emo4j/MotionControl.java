package io.github.emo4j;

/**
 * How strongly each kind of motion is expressed, as Hallo's {@code motion_scale} does it: 1 is the
 * model's natural amount, 0 freezes that kind of motion, above 1 exaggerates it.
 *
 * @param pose       head movement
 * @param expression facial expression, such as blinking
 * @param lip        mouth movement with the voice
 * @param headSpeed  the head's speed over time for packs with speed layers, or {@code null} for
 *                   {@code pose} throughout
 */
public record MotionControl(double pose, double expression, double lip, HeadSpeed headSpeed) {

    /** Every motion at full strength, as the pack learned it. */
    public static final MotionControl NATURAL = new MotionControl(1, 1, 1);
    /**
     * Checks the scales.
     *
     * @param pose       head movement
     * @param expression facial expression, such as blinking
     * @param lip        mouth movement with the voice
     * @param headSpeed  the head's speed over time for packs with speed layers, or {@code null} for {@code pose} throughout
     * @throws InvalidInputException if a scale is outside 0..4
     */
    public MotionControl {
        check("pose", pose);
        check("expression", expression);
        check("lip", lip);
    }

    /**
     * Motion scales with the head's speed following {@code pose}.
     *
     * @param pose       head movement, 0 (still) to 4
     * @param expression facial expression such as blinking, 0 to 4
     * @param lip        mouth movement with the voice, 0 to 4
     */
    public MotionControl(double pose, double expression, double lip) {
        this(pose, expression, lip, null);
    }

    /**
     * The same scales with a head-speed curve.
     *
     * @param curve the head's speed over time, or {@code null} to follow {@code pose}
     * @return the changed copy
     */
    public MotionControl withHeadSpeed(HeadSpeed curve) {
        return new MotionControl(pose, expression, lip, curve);
    }

    /**
     * The wanted head speed at a time.
     *
     * @param seconds time from the start of the video
     * @return the curve's speed there, or {@code pose} without a curve
     */
    public double headSpeedAt(double seconds) {
        return headSpeed == null ? pose : headSpeed.at(seconds);
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 4)) {
            throw new InvalidInputException(name + " motion scale must be between 0 and 4: " + v);
        }
    }

    /**
     * Parses {@code POSE,EXPRESSION,LIP}, as the command line's {@code --motion} takes it.
     *
     * @param text three numbers separated by commas
     * @return the motion scales
     * @throws InvalidInputException if the text is not three numbers in range
     */
    public static MotionControl parse(String text) {
        String[] p = text.split(",");
        if (p.length != 3) {
            throw new InvalidInputException("motion must be POSE,EXPRESSION,LIP: '" + text + "'");
        }
        try {
            return new MotionControl(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()), Double.parseDouble(p[2].trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("motion must be three numbers POSE,EXPRESSION,LIP: '" + text + "'");
        }
    }
}
