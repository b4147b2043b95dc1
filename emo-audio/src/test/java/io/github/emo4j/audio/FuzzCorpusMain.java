package io.github.emo4j.audio;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fuzz corpus, run in a JVM of its own with a small heap ({@link FuzzCorpusTest}): for each seed
 * file, seeded mutations, each read by {@link AudioFiles#read} with a time limit. Prints one line per
 * seed, {@code format cases decoded refused other}, and one line per case that was neither a clip nor a
 * refusal naming the file. Only the generator is kept; the files are made and deleted as it goes.
 *
 * <p>Arguments: the folder of seed files, the cases per seed, the random seed, the time limit per case in
 * milliseconds.
 */
public final class FuzzCorpusMain {
    private FuzzCorpusMain() {
    }

    public static void main(String[] args) throws Exception {
        Path seeds = Path.of(args[0]);
        int cases = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        long limitMillis = Long.parseLong(args[3]);
        Path work = Files.createTempDirectory("emo-fuzz");
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
        List<Path> files;
        try (var s = Files.list(seeds)) {
            files = s.sorted().toList();
        }
        for (Path seedFile : files) {
            byte[] good = Files.readAllBytes(seedFile);
            String name = seedFile.getFileName().toString();
            Random rnd = new Random(seed ^ name.hashCode());
            int decoded = 0, refused = 0, other = 0;
            for (int k = 0; k < cases; k++) {
                byte[] bad = mutate(good, rnd);
                Path f = work.resolve(k + "-" + name);
                Files.write(f, bad);
                Future<AudioClip> job = worker.submit(() -> AudioFiles.read(f));
                try {
                    job.get(limitMillis, TimeUnit.MILLISECONDS);
                    decoded++;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof AudioException a && a.getMessage().startsWith(f + ": ")) {
                        refused++;
                    } else {
                        other++;
                        System.out.println("OTHER " + name + " case " + k + ": " + c);
                    }
                } catch (TimeoutException e) {
                    other++;
                    System.out.println("OTHER " + name + " case " + k + ": no answer within " + limitMillis + " ms");
                    job.cancel(true);
                    worker.shutdownNow();
                    worker = Executors.newSingleThreadExecutor();
                }
                Files.deleteIfExists(f);
            }
            System.out.println("FORMAT " + name + " " + cases + " " + decoded + " " + refused + " " + other);
        }
        Files.deleteIfExists(work);
        System.exit(0);
    }

    /** One mutation of {@code good}: the kinds a damaged download or a hostile upload makes. */
    static byte[] mutate(byte[] good, Random rnd) {
        byte[] b = good.clone();
        // damage near the front (headers, indexes) twice as often as elsewhere
        int span = rnd.nextBoolean() ? Math.min(b.length, 4096) : b.length;
        int at = rnd.nextInt(Math.max(1, span - 4));
        ByteBuffer buf = ByteBuffer.wrap(b);
        switch (rnd.nextInt(8)) {
            case 0 -> {
                for (int k = 0; k <= rnd.nextInt(8); k++) {
                    b[rnd.nextInt(span)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> buf.order(rnd.nextBoolean() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(at, new int[] {0, 1, 2, 0x7FFFFFFF, -1, 0x7FFFFFF0, 0x80000000}[rnd.nextInt(7)]);
            case 2 -> {
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 3 -> Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(256)), (byte) 0);
            case 4 -> {
                int len = Math.min(b.length - at, 1 + rnd.nextInt(256));
                System.arraycopy(good, at, b, rnd.nextInt(b.length - len + 1), len);
            }
            case 5 -> {
                // a region repeated: the file grows
                int len = Math.min(b.length - at, 1 + rnd.nextInt(512));
                byte[] grown = new byte[b.length + len];
                System.arraycopy(b, 0, grown, 0, at + len);
                System.arraycopy(b, at, grown, at + len, b.length - at);
                return grown;
            }
            case 6 -> {
                for (int i = at; i < Math.min(b.length, at + 1 + rnd.nextInt(64)); i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            default -> buf.put(at, (byte) (b[at] + rnd.nextInt(5) - 2));
        }
        return b;
    }

    /** For tests: the formats' lines of an output. */
    static List<String[]> rows(String output) {
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("FORMAT ")) {
                rows.add(line.substring(7).trim().split(" "));
            }
        }
        return rows;
    }
}
