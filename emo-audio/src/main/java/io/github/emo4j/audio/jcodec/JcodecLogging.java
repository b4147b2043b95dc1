package io.github.emo4j.audio.jcodec;

import java.util.Arrays;
import org.jcodec.common.logging.LogSink;
import org.jcodec.common.logging.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JCodec's log to SLF4J (logger {@code org.jcodec}) instead of standard output, where JCodec
 * prints by default. JCodec's warnings are about its own parsing heuristics ("skipped 45 bytes of
 * junk"), not about anything the user can act on: failures reach emo4j as exceptions and are reported
 * with the file's name. So JCodec's levels go one step down: its warnings are logged at info, its
 * errors at warn. A broken file can make JCodec log in a loop (800 000 lines a second were seen), so at
 * most {@value #PER_SECOND} messages a second are passed on; the rest are counted and reported in one line.
 */
public final class JcodecLogging implements LogSink {
    private static final Logger LOG = LoggerFactory.getLogger("org.jcodec");
    /** Messages passed on each second; beyond, they are counted. */
    static final int PER_SECOND = 20;

    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;
    /** Lines handed to SLF4J, for tests. */
    long delivered;

    static {
        // JCodec adds its standard-output sink only if no sink is there when it first logs
        org.jcodec.common.logging.Logger.addSink(new JcodecLogging());
    }

    JcodecLogging() {
    }

    /** Installs the sink, once per JVM; call before JCodec first runs. */
    public static void install() {
        // the static initialiser does the work
    }

    @Override
    public synchronized void postMessage(Message m) {
        long now = System.nanoTime();
        if (now - windowStart >= 1_000_000_000L) {
            if (suppressed > 0) {
                LOG.warn("{} more JCodec messages were not logged (at most {} a second are)", suppressed, PER_SECOND);
                delivered++;
            }
            windowStart = now;
            inWindow = 0;
            suppressed = 0;
        }
        if (++inWindow > PER_SECOND) {
            suppressed++;
            return;
        }
        delivered++;
        String text = m.getArgs() == null || m.getArgs().length == 0 ? m.getMessage()
                : m.getMessage() + " " + Arrays.toString(m.getArgs());
        switch (m.getLevel()) {
            case ERROR -> LOG.warn("{}", text);
            case WARN -> LOG.info("{}", text);
            default -> LOG.debug("{}", text);
        }
    }
}
