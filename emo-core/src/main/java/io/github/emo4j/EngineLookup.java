package io.github.emo4j;

import java.util.ServiceLoader;

/** Finds emo4j's engine once, when it is first needed. */
final class EngineLookup {
    static final EmoEngine ENGINE = ServiceLoader.load(EmoEngine.class, EmoEngine.class.getClassLoader()).findFirst()
            .orElseThrow(() -> new IllegalStateException("no " + EmoEngine.class.getName() + " on the class path: "
                    + "emo-core's jar is incomplete (META-INF/services missing?)"));

    private EngineLookup() {
    }
}
