package io.github.emo4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.audio.AudioClip;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live client that never reads: the socket takes the stream's pieces and never reports them sent (as
 * when a client's receive window stays shut). Once more than the bound waits, the connection says why,
 * closes with 1008 and ends its session; the socket is never handed more than the bound. The bound is
 * 8 MB in the server; 256 KB here, so that it is reached in seconds.
 */
class SlowLiveClientTest {
    private static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    Path work;

    @Test
    void aClientThatNeverReadsIsDroppedOnceTheBoundWaits() throws Exception {
        List<String> texts = new CopyOnWriteArrayList<>();
        AtomicLong held = new AtomicLong();
        CountDownLatch closed = new CountDownLatch(1);
        int[] closeCode = {0};
        Session socket = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> closed.getCount() > 0;
                    case "sendText" -> {
                        texts.add((String) args[0]);
                        yield null;
                    }
                    case "sendBinary" -> {
                        held.addAndGet(((ByteBuffer) args[0]).remaining()); // never reported sent
                        yield null;
                    }
                    case "close" -> {
                        if (args != null && args.length == 3) {
                            closeCode[0] = (Integer) args[0];
                        }
                        closed.countDown();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "a socket that never sends";
                    default -> null;
                });
        CountDownLatch over = new CountDownLatch(1);
        try (EmoPipeline pipeline = EmoPipeline.builder().build()) {
            LiveConnection c = new LiveConnection(socket, pipeline, ServerOptions.defaults().withWorkRoot(work), work,
                    new LiveConnection.Options(16_000, 4, 0, new RenderJob.Options(1, 7, 26, null, null, null)), over::countDown, 256 << 10);
            c.binary(ByteBuffer.wrap(Files.readAllBytes(SAMPLES.resolve("portrait-astronaut.png"))));
            assertTrue(texts.get(0).contains("\"type\":\"started\""), texts.toString());
            AudioClip voice = EmoPipeline.readAudio(SAMPLES.resolve("speech-sample.wav")).resampledTo(16_000);
            int chunk = 320;
            long t0 = System.nanoTime();
            for (int i = 0; i + chunk <= voice.samples().length && closed.getCount() > 0; i += chunk) {
                long wait = t0 + (long) (i / 16_000.0 * 1e9) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ByteBuffer b = ByteBuffer.allocate(2 * chunk).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < chunk; k++) {
                    b.putShort((short) Math.round(voice.samples()[i + k] * 32767));
                }
                c.binary(b.flip());
            }
            assertTrue(closed.await(30, TimeUnit.SECONDS), "not dropped; " + held.get() + " bytes held");
            assertTrue(over.await(10, TimeUnit.SECONDS), "the session's slot was not freed");
        }
        assertEquals(1008, closeCode[0]);
        String error = texts.stream().filter(t -> t.contains("\"type\":\"error\"")).findFirst().orElse("");
        assertTrue(error.contains("this client reads the stream too slowly: more than 0.3 MB unsent"), texts.toString());
        assertTrue(held.get() > 0 && held.get() <= 256 << 10, held.get() + " bytes were handed to the socket: some, and never beyond the bound");
    }
}
