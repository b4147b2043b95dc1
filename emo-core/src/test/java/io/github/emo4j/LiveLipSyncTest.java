package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.emo4j.audio.AudioClip;
import io.github.emo4j.audio.EnergyEnvelope;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceCrop;
import io.github.emo4j.video.FragmentedMp4Writer;
import io.github.emo4j.video.Mp4Writer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lips in sync in the stream: a live session's fragmented MP4 of the sample voice, decoded again by
 * ffmpeg (Debian's, which CI installs); the mouth's change against the voice's energy, frame by frame,
 * correlates best at a lag of 0 ± 1 frame.
 */
class LiveLipSyncTest {
    @TempDir
    Path dir;

    /**
     * The built-in pack, and the built-in flow pack, whose frames between latent frames are interpolated
     * by its causal VAE: neither may shift the lips.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "pack {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"builtin", "builtin:flow"})
    void theMouthInTheDecodedStreamFollowsTheVoiceAtLagZero(String pack) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "Debian's ffmpeg is not installed");
        BufferedImage portrait = EmoPipeline.readPortrait(EndToEndTest.PORTRAIT);
        AudioClip voice = EmoPipeline.readAudio(EndToEndTest.SPEECH).resampledTo(16000);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        DetectedFace face;
        CountDownLatch over = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        EmoPipeline.Builder builder = EmoPipeline.builder();
        if (!pack.equals("builtin")) {
            builder.pack(Path.of(pack));
        }
        try (EmoPipeline p = builder.build()) {
            face = p.faces(portrait).get(0);
            FragmentedMp4Writer w = new FragmentedMp4Writer(stream, portrait.getWidth(), portrait.getHeight(), 25, 16000, 4,
                    Mp4Writer.DEFAULT_QP);
            LiveSession.Listener l = new LiveSession.Listener() {
                @Override
                public void onFrame(LiveFrame f) {
                    try {
                        w.accept(f.rgb(), f.audio());
                    } catch (IOException e) {
                        failure.set(e);
                    }
                }

                @Override
                public void onEnd(LiveStats stats) {
                    over.countDown();
                }

                @Override
                public void onError(EmoException e) {
                    failure.set(e);
                    over.countDown();
                }
            };
            try (LiveSession s = p.live(RenderRequest.live(portrait).clipFrames(4).build(),
                    LiveOptions.DEFAULT.withRealTime(false).withMaxBufferSeconds(30), l)) {
                float[] v = voice.samples();
                for (int i = 0; i < v.length; i += 320) {
                    s.feed(Arrays.copyOfRange(v, i, Math.min(v.length, i + 320)), 16000);
                }
                s.end();
                assertTrue(over.await(300, TimeUnit.SECONDS));
            }
            w.finish();
            w.close();
        }
        assertNull(failure.get());
        Path f = dir.resolve("live.mp4");
        Files.write(f, stream.toByteArray());
        List<int[]> frames = decode(f, portrait.getWidth(), portrait.getHeight());
        assertEquals(Math.round(voice.durationSeconds() * 25), frames.size());

        double[] change = EndToEndTest.mouthChange(frames, portrait, FaceCrop.around(face, 256));
        float[] env = EnergyEnvelope.perFrame(voice, 25, frames.size());
        int best = 0;
        double bestR = -2;
        StringBuilder all = new StringBuilder();
        for (int lag = -5; lag <= 5; lag++) {
            double r = lagged(change, env, lag);
            all.append(String.format(" %+d:%.3f", lag, r));
            if (r > bestR) {
                bestR = r;
                best = lag;
            }
        }
        System.out.println("live lip sync, " + pack + ", correlation by lag (frames):" + all);
        assertTrue(Math.abs(best) <= 1, "best lag " + best + ":" + all);
        assertTrue(bestR >= 0.5, "correlation " + bestR + ":" + all);
    }

    /** Pearson correlation of mouth change at frame k + lag with the voice's energy at frame k. */
    static double lagged(double[] mouth, float[] env, int lag) {
        int from = Math.max(0, -lag), to = Math.min(env.length, mouth.length - lag);
        double[] a = new double[to - from];
        float[] b = new float[to - from];
        for (int k = from; k < to; k++) {
            a[k - from] = mouth[k + lag];
            b[k - from] = env[k];
        }
        return EndToEndTest.pearson(a, b);
    }

    static List<int[]> decode(Path f, int w, int h) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", f.toString(), "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<int[]> frames = new ArrayList<>();
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[w * h * 3];
            while (in.readNBytes(buf, 0, buf.length) == buf.length) {
                int[] rgb = new int[w * h];
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] = (buf[3 * i] & 0xFF) << 16 | (buf[3 * i + 1] & 0xFF) << 8 | (buf[3 * i + 2] & 0xFF);
                }
                frames.add(rgb);
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return frames;
    }
}
