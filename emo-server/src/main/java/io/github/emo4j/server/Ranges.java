package io.github.emo4j.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A finished file with HTTP byte ranges (RFC 9110 §14): one range a request, as video players ask. */
final class Ranges {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    private Ranges() {
    }

    static void serve(Context ctx, Path file) throws IOException {
        long size = Files.size(file);
        ctx.header("Accept-Ranges", "bytes");
        String header = ctx.header("Range");
        if (header == null) {
            ctx.header("Content-Length", Long.toString(size));
            ctx.result(Files.newInputStream(file));
            return;
        }
        Matcher m = RANGE.matcher(header.trim());
        long first;
        long last;
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            ctx.header("Content-Range", "bytes */" + size);
            throw new ApiException(416, "Range: only one range of the form bytes=first-last is served: '"
                    + Uploads.shorten(header) + "'");
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        }
        if (first >= size || last < first) {
            ctx.header("Content-Range", "bytes */" + size);
            throw new ApiException(416, "Range " + Uploads.shorten(header) + " lies outside the video's " + size + " bytes");
        }
        long length = last - first + 1;
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(first);
        ctx.status(206).header("Content-Range", "bytes " + first + "-" + last + "/" + size)
                .header("Content-Length", Long.toString(length));
        ctx.result(new BoundedStream(in, length));
    }

    /** The first {@code left} bytes of a stream. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
