package io.github.emo4j.pack;

import java.util.List;

/** Closes many resources as one: every one is closed, and the first failure is thrown with the others suppressed. */
final class Closing {
    private Closing() {
    }

    static void all(List<? extends AutoCloseable> resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                RuntimeException failure = e instanceof RuntimeException re ? re
                        : new IllegalStateException("cannot close " + r + ": " + e.getMessage(), e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
