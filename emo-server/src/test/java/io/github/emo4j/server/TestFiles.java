package io.github.emo4j.server;

import io.github.emo4j.audio.AudioClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.LinkedHashMap;

/** Input files for the server's tests, written as other programs write them. */
final class TestFiles {
    private TestFiles() {
    }

    /** The first {@code seconds} of {@code clip} as a 16-bit mono WAV file. */
    static byte[] wav(AudioClip clip, double seconds) {
        int n = (int) Math.min(clip.samples().length, Math.round(seconds * clip.sampleRate()));
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(clip.sampleRate()).putInt(2 * clip.sampleRate())
                .putShort((short) 2).putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(clip.samples()[i] * 32767))));
        }
        return b.array();
    }

    /**
     * {@code image} as a YUV4MPEG2 video of {@code frames} frames at 10 fps, as Chromium's fake webcam
     * plays it (4:2:0, full range, the image letterboxed into {@code width} × {@code height}).
     */
    static void y4m(BufferedImage image, int width, int height, int frames, Path to) throws IOException {
        double scale = Math.min(width / (double) image.getWidth(), height / (double) image.getHeight());
        int w = (int) (image.getWidth() * scale), h = (int) (image.getHeight() * scale);
        int x0 = (width - w) / 2, y0 = (height - h) / 2;
        byte[] y = new byte[width * height], u = new byte[width * height / 4], v = new byte[width * height / 4];
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                int sx = (int) ((i - x0) / scale), sy = (int) ((j - y0) / scale);
                int p = sx >= 0 && sy >= 0 && sx < image.getWidth() && sy < image.getHeight() ? image.getRGB(sx, sy) : 0;
                int r = p >> 16 & 0xFF, g = p >> 8 & 0xFF, b = p & 0xFF;
                y[j * width + i] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                if ((i & 1) == 0 && (j & 1) == 0) {
                    int c = (j / 2) * (width / 2) + i / 2;
                    u[c] = (byte) Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
                    v[c] = (byte) Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
                }
            }
        }
        try (OutputStream out = Files.newOutputStream(to)) {
            out.write(("YUV4MPEG2 W" + width + " H" + height + " F10:1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (int f = 0; f < frames; f++) {
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(y);
                out.write(u);
                out.write(v);
            }
        }
    }

    record Multipart(String type, byte[] body) {
    }

    /** A multipart/form-data body; the file names are hostile on purpose: they must never become paths. */
    static Multipart multipart(Map<String, byte[]> files, Map<String, String> fields) throws IOException {
        String boundary = "emo4jtestboundary";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : new LinkedHashMap<>(fields).entrySet()) {
            b.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            b.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
                    + "\"; filename=\"../../etc/" + f.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            b.write(f.getValue());
            b.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        b.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + boundary, b.toByteArray());
    }
}
