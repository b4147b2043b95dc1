package io.github.emo4j.video.image;

import java.awt.Color;
import java.awt.Graphics2D;
import io.github.emo4j.audio.files.InputFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads portraits into 8-bit sRGB images ({@link BufferedImage#TYPE_INT_RGB}). The dimensions are read
 * from the header before any pixel is decoded, so a decompression bomb is refused without allocating.
 */
public final class Portraits {

    /** Default limit on decoded pixels: 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /** Smallest side a portrait may have. */
    public static final int MIN_SIDE = 16;

    private Portraits() {
    }

    /** Default background under transparent pixels: white. */
    public static final int DEFAULT_BACKGROUND = 0xFFFFFF;

    /**
     * Reads a portrait with the default pixel limit and a white background.
     *
     * @param file the image file
     * @return the portrait as 8-bit RGB
     * @throws ImageException if the file is missing, not an image, damaged or too large
     */
    public static BufferedImage read(Path file) throws ImageException {
        return read(file, DEFAULT_MAX_PIXELS, DEFAULT_BACKGROUND);
    }

    /**
     * Reads a portrait, refusing images of more than {@code maxPixels} pixels.
     *
     * @param file      the image file
     * @param maxPixels the largest pixel count accepted
     * @return the portrait as 8-bit RGB
     * @throws ImageException if the file is missing, not an image, damaged or too large
     */
    public static BufferedImage read(Path file, long maxPixels) throws ImageException {
        return read(file, maxPixels, DEFAULT_BACKGROUND);
    }

    /**
     * Reads a portrait: refuses images of more than {@code maxPixels} pixels before decoding them, turns
     * JPEGs as their EXIF orientation says, converts CMYK and YCCK JPEGs, grey, palette and 16-bit images to
     * 8-bit sRGB, and composites transparency over {@code backgroundRgb}.
     *
     * @param file          the image file
     * @param maxPixels     the largest pixel count accepted
     * @param backgroundRgb the colour under transparent pixels, {@code 0xRRGGBB}
     * @return the portrait as 8-bit RGB
     * @throws ImageException if the file is missing, not a regular file, not an image, damaged or too large
     */
    public static BufferedImage read(Path file, long maxPixels, int backgroundRgb) throws ImageException {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new ImageException(file, problem);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new ImageException(file, "cannot open for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageException(file, "not a supported image (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                checkSize(file, w, h, maxPixels);
                BufferedImage img;
                boolean jpeg = "jpeg".equalsIgnoreCase(reader.getFormatName());
                ImageTypeSpecifier raw = jpeg ? reader.getRawImageType(0) : null;
                if (jpeg && (raw == null || raw.getNumBands() == 4)) {
                    // ImageIO decodes CMYK and YCCK JPEGs only as raw rasters (or as if they were RGBA)
                    img = CmykJpeg.toRgb(reader.readRaster(0, null), CmykJpeg.adobeTransform(file));
                } else {
                    img = toRgb(reader.read(0), backgroundRgb);
                }
                if ("jpeg".equalsIgnoreCase(reader.getFormatName())) {
                    img = ExifOrientation.apply(img, ExifOrientation.read(file));
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (ImageException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new ImageException(file, "file not found");
        } catch (IOException e) {
            throw new ImageException(file, "cannot decode image: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // the JDK's decoders fail on some damaged or exotic files with internal errors whose text
            // (a null pointer in com.sun.imageio, say) means nothing to the user
            throw new ImageException(file, "cannot decode image: the data is damaged or of an unsupported kind", e);
        }
    }

    /**
     * Checks that a portrait's size is usable.
     *
     * @param file      the image file, for the message
     * @param w         its width
     * @param h         its height
     * @param maxPixels the largest pixel count accepted
     * @throws ImageException if it is smaller than the minimum side or larger than the limit
     */
    public static void checkSize(Path file, long w, long h, long maxPixels) throws ImageException {
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new ImageException(file, "image is " + w + "x" + h + "; portraits need at least "
                    + MIN_SIDE + "x" + MIN_SIDE + " pixels");
        }
        if (w * h > maxPixels) {
            throw new ImageException(file, "image is " + w + "x" + h + " (" + (w * h / 1_000_000) + " MP), over the limit of "
                    + (maxPixels / 1_000_000) + " MP");
        }
    }

    /**
     * A copy of an image as {@code TYPE_INT_RGB}, alpha composited over white.
     *
     * @param img any image
     * @return the RGB copy
     */
    public static BufferedImage toRgb(BufferedImage img) {
        return toRgb(img, DEFAULT_BACKGROUND);
    }

    /**
     * A copy of an image as {@code TYPE_INT_RGB}, alpha composited over a colour.
     *
     * @param img           any image
     * @param backgroundRgb the colour under transparent pixels, {@code 0xRRGGBB}
     * @return the RGB copy
     */
    public static BufferedImage toRgb(BufferedImage img, int backgroundRgb) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(backgroundRgb & 0xFFFFFF));
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
