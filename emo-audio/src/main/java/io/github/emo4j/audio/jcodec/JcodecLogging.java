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
 * errors at warn.
 */
public final class JcodecLogging implements LogSink {
    private static final Logger LOG = LoggerFactory.getLogger("org.jcodec");

    static {
        // JCodec adds its standard-output sink only if no sink is there when it first logs
        org.jcodec.common.logging.Logger.addSink(new JcodecLogging());
    }

    private JcodecLogging() {
    }

    /** Installs the sink, once per JVM; call before JCodec first runs. */
    public static void install() {
        // the static initialiser does the work
    }

    @Override
    public void postMessage(Message m) {
        String text = m.getArgs() == null || m.getArgs().length == 0 ? m.getMessage()
                : m.getMessage() + " " + Arrays.toString(m.getArgs());
        switch (m.getLevel()) {
            case ERROR -> LOG.warn("{}", text);
            case WARN -> LOG.info("{}", text);
            default -> LOG.debug("{}", text);
        }
    }
}
