package io.github.emo4j.examples;

import io.github.emo4j.Progress;
import io.github.emo4j.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with an ETA, redrawn in place on a terminal's stderr. Without a terminal
 * (logs, CI) it prints a plain line every tenth of the way instead.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal = System.console() != null;
    private int lastTenth = -1;
    private long lastDraw;
    private boolean drawn;
    private boolean finished;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        long now = System.nanoTime();
        boolean last = p.stage() == Progress.Stage.DONE;
        if (!terminal) {
            int tenth = (int) Math.floor(p.fraction() * 10 + 1e-9);
            if (p.stage() == Progress.Stage.DENOISE && tenth > lastTenth) {
                lastTenth = tenth;
                err.printf(Locale.ROOT, "emo: %3d%% (clip %d of %d), about %.0f s left%n", tenth * 10, p.clip() + 1,
                        p.clips(), Math.max(0, p.etaSeconds()));
            }
            return;
        }
        if (!last && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(p.fraction() * WIDTH);
        String eta = p.etaSeconds() < 0 ? "--:--" : String.format(Locale.ROOT, "%02d:%02d",
                (long) p.etaSeconds() / 60, (long) p.etaSeconds() % 60);
        String stage = switch (p.stage()) {
            case PREPARE -> "preparing";
            case DENOISE -> String.format(Locale.ROOT, "clip %d/%d step %d/%d", p.clip() + 1, p.clips(), p.step(), p.steps());
            case ENCODE -> "encoding";
            case DONE -> "done";
        };
        err.printf(Locale.ROOT, "\r[%s%s] %3.0f%% ETA %s  %-28s", "#".repeat(filled), " ".repeat(WIDTH - filled),
                p.fraction() * 100, eta, stage);
        err.flush();
        drawn = true;
    }

    synchronized void done() {
        if (drawn && !finished) {
            err.println();
            finished = true;
        }
    }
}
