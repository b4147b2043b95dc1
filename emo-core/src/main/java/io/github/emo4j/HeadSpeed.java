package io.github.emo4j;

import java.util.ArrayList;
import java.util.List;

/**
 * How fast the head should move over time, for EMO's speed layers: key points of (seconds, speed),
 * linear between them and held before the first and after the last. A speed is on the scale of
 * {@link MotionControl#pose()}: 1 is the model's natural speed, 0 a still head.
 *
 * @param keys key points in strictly increasing time
 */
public record HeadSpeed(List<Key> keys) {

    /**
     * One key point.
     *
     * @param seconds its time from the start of the video
     * @param speed   the head's speed there, 0 (still) to 4
     */
    public record Key(double seconds, double speed) {
    }
    /**
     * Checks the curve.
     *
     * @param keys key points in strictly increasing time
     * @throws InvalidInputException if there are no keys or too many, or a time or speed is out of range or out of order
     */
    public HeadSpeed {
        keys = List.copyOf(keys);
        if (keys.isEmpty() || keys.size() > 100_000) {
            throw new InvalidInputException("a head-speed curve needs 1 to 100000 key points, not " + keys.size());
        }
        double last = -1;
        for (Key k : keys) {
            if (!(k.seconds() >= 0 && k.seconds() < 1e7) || k.seconds() <= last) {
                throw new InvalidInputException("head-speed key times must be finite, non-negative and increasing: "
                        + k.seconds() + " after " + last);
            }
            if (!(k.speed() >= 0 && k.speed() <= 4)) {
                throw new InvalidInputException("head speed must be between 0 and 4: " + k.speed() + " at " + k.seconds() + " s");
            }
            last = k.seconds();
        }
    }

    /**
     * The same speed throughout.
     *
     * @param speed the head's speed, 0 to 4
     * @return the curve
     */
    public static HeadSpeed constant(double speed) {
        return new HeadSpeed(List.of(new Key(0, speed)));
    }

    /**
     * The speed at a time, linear between key points and constant beyond the ends.
     *
     * @param seconds time from the start of the video
     * @return the speed
     */
    public double at(double seconds) {
        Key first = keys.get(0);
        if (seconds <= first.seconds()) {
            return first.speed();
        }
        int lo = 0, hi = keys.size() - 1;
        if (seconds >= keys.get(hi).seconds()) {
            return keys.get(hi).speed();
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (keys.get(mid).seconds() <= seconds) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Key a = keys.get(lo), b = keys.get(hi);
        double w = (seconds - a.seconds()) / (b.seconds() - a.seconds());
        return a.speed() + w * (b.speed() - a.speed());
    }

    /**
     * Parses {@code SECONDS:SPEED,...}, as the command line's {@code --head-speed} takes it.
     *
     * @param text key points separated by commas
     * @return the curve
     * @throws InvalidInputException if the text is not such pairs of numbers in range
     */
    public static HeadSpeed parse(String text) {
        List<Key> keys = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] kv = part.trim().split(":");
            if (kv.length != 2) {
                throw new InvalidInputException("head speed must be SECONDS:SPEED pairs separated by commas: '" + text + "'");
            }
            try {
                keys.add(new Key(Double.parseDouble(kv[0].trim()), Double.parseDouble(kv[1].trim())));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("head speed must be SECONDS:SPEED pairs of numbers: '" + text + "'");
            }
        }
        return new HeadSpeed(keys);
    }
}
