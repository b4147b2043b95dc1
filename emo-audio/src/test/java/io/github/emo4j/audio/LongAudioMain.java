package io.github.emo4j.audio;

import java.nio.file.Path;

/** Run in a separate JVM with a small heap by {@link LongAudioTest}: streams features of a long file. */
public final class LongAudioMain {
    private LongAudioMain() {
    }

    public static void main(String[] args) throws Exception {
        long[] shape = new FeatureExtractor(FeatureKind.parse(args[2]), 25).writeNpy(Path.of(args[0]), Path.of(args[1]));
        Runtime rt = Runtime.getRuntime();
        System.out.println("shape " + java.util.Arrays.toString(shape) + " max heap " + rt.maxMemory() / (1 << 20) + " MB");
    }
}
