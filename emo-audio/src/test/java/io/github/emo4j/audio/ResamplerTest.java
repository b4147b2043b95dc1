package io.github.emo4j.audio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    /** SNR in dB of {@code x} against a pure sine of frequency f at rate, over the middle of the signal. */
    private static double snr(float[] x, double f, int rate, double amp) {
        double sig = 0, err = 0;
        for (int i = x.length / 4; i < 3 * x.length / 4; i++) {
            double ref = amp * Math.sin(2 * Math.PI * f * i / rate);
            sig += ref * ref;
            err += (x[i] - ref) * (x[i] - ref);
        }
        return 10 * Math.log10(sig / err);
    }

    @Test
    void downsamplesASineCleanly() {
        float[] in = WavBytes.sine(1000, 44100, 44100, 0.5);
        float[] out = Resampler.of(44100, 16000).process(in);
        assertEquals(16000, out.length);
        assertTrue(snr(out, 1000, 16000, 0.5) >= 90, "SNR " + snr(out, 1000, 16000, 0.5));
    }

    @Test
    void upsamplesASineCleanly() {
        float[] in = WavBytes.sine(440, 16000, 16000, 0.5);
        float[] out = Resampler.of(16000, 48000).process(in);
        assertTrue(snr(out, 440, 48000, 0.5) >= 90, "SNR " + snr(out, 440, 48000, 0.5));
    }

    @Test
    void removesContentAboveTheNewNyquist() {
        float[] in = WavBytes.sine(12000, 44100, 44100, 0.5);
        float[] out = Resampler.of(44100, 16000).process(in);
        double rms = 0;
        for (int i = out.length / 4; i < 3 * out.length / 4; i++) {
            rms += out[i] * out[i];
        }
        rms = Math.sqrt(rms / (out.length / 2.0));
        double attenuation = 20 * Math.log10((0.5 / Math.sqrt(2)) / rms);
        assertTrue(attenuation >= 80, "attenuation " + attenuation + " dB");
    }

    @Test
    void keepsAConstantConstant() {
        float[] in = new float[3000];
        java.util.Arrays.fill(in, 0.25f);
        float[] out = Resampler.of(22050, 16000).process(in);
        for (int i = 200; i < out.length - 200; i++) {
            assertEquals(0.25f, out[i], 1e-5);
        }
    }

    @Test
    void handlesRatesWithoutSmallCommonDivisors() {
        float[] in = WavBytes.sine(500, 44101, 44101, 0.5);
        float[] out = Resampler.of(44101, 16000).process(in);
        assertTrue(snr(out, 500, 16000, 0.5) >= 80, "SNR " + snr(out, 500, 16000, 0.5));
    }
}
