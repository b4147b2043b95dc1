package io.github.emo4j.face;

/**
 * An axis-aligned face rectangle in image pixels.
 *
 * @param x      left edge
 * @param y      top edge
 * @param width  width, positive
 * @param height height, positive
 */
public record FaceBox(int x, int y, int width, int height) {

    /**
     * Checks the box.
     *
     * @param x      left edge, pixels
     * @param y      top edge, pixels
     * @param width  width, pixels
     * @param height height, pixels
     * @throws IllegalArgumentException if the size is not positive
     */
    public FaceBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("face box must have a positive size: " + width + "x" + height);
        }
    }

    /**
     * Parses {@code "X,Y,W,H"}, the form the command line takes.
     *
     * @param text four integers separated by commas
     * @return the box
     * @throws IllegalArgumentException if the text is not four integers or the size not positive
     */
    public static FaceBox parse(String text) {
        String[] p = text.trim().split("\\s*,\\s*");
        if (p.length != 4) {
            throw new IllegalArgumentException("face box must be X,Y,W,H: '" + text + "'");
        }
        try {
            return new FaceBox(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("face box must be four integers X,Y,W,H: '" + text + "'", e);
        }
    }

    /**
     * The box's horizontal centre.
     *
     * @return pixels
     */
    public double centerX() {
        return x + width / 2.0;
    }

    /**
     * The box's vertical centre.
     *
     * @return pixels
     */
    public double centerY() {
        return y + height / 2.0;
    }

    /**
     * Intersection over union with another box.
     *
     * @param o the other box
     * @return 0 (apart) to 1 (the same)
     */
    public double iou(FaceBox o) {
        long ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        long iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        double inter = (double) ix * iy;
        double union = (double) width * height + (double) o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /**
     * Whether the box lies inside an image of the given size.
     *
     * @param imageWidth  the image's width
     * @param imageHeight the image's height
     * @return true if it does
     */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return x >= 0 && y >= 0 && (long) x + width <= imageWidth && (long) y + height <= imageHeight;
    }

    @Override
    public String toString() {
        return x + "," + y + "," + width + "," + height;
    }
}
