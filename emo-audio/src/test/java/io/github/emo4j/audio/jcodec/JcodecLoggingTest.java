package io.github.emo4j.audio.jcodec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcodec.common.logging.LogLevel;
import org.jcodec.common.logging.Message;
import org.junit.jupiter.api.Test;

/** A JCodec loop that logs without end reaches the log at a bounded rate. */
class JcodecLoggingTest {
    @Test
    void aFloodIsCutToTwentyLinesASecond() throws Exception {
        JcodecLogging sink = new JcodecLogging();
        Message m = new Message(LogLevel.DEBUG, "Header.java", "Header", "read", 1, "Broken atom of size 925774128", null);
        long t0 = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            sink.postMessage(m);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // at most 20 a second, and one line a second saying how many were left out
        assertTrue(sink.delivered <= (long) Math.ceil(seconds + 1) * (JcodecLogging.PER_SECOND + 1),
                sink.delivered + " lines in " + seconds + " s");
        Thread.sleep(1_050);
        sink.postMessage(m);
        // the first window's 20, its summary line, and the new window's first message
        assertTrue(sink.delivered >= JcodecLogging.PER_SECOND + 2, "the count of those left out is logged: " + sink.delivered);
    }
}
