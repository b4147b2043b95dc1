package io.github.emo4j.audio;

/**
 * The measure the issue sets for lossy decoders: 80-band log-mel energies (log10, whisper's filter bank at
 * 16 kHz) of two decodes, their mean absolute difference over the bands whose centre is under 7 kHz and
 * the frames within 30 dB of the loudest. Like whisper's features, energies are floored 80 dB under the
 * utterance's largest: below that two decoders differ only in their numerical noise (a narrowband SILK
 * stream's empty bands above 4 kHz decode to -131 dB in libopus and -117 to -157 dB in ffmpeg).
 */
final class LogMelDistance {
    private LogMelDistance() {
    }

    static double between(AudioClip a, AudioClip b) {
        float[] x = a.resampledTo(16_000).samples(), y = b.resampledTo(16_000).samples();
        int n = Math.min(x.length, y.length);
        double[][] lx = logMel(java.util.Arrays.copyOf(x, n)), ly = logMel(java.util.Arrays.copyOf(y, n));
        int bands = 0;
        while (bands < 80 && centreHz(bands) < 7000) {
            bands++;
        }
        double loudest = Double.NEGATIVE_INFINITY;
        double[] energy = new double[lx.length];
        for (int t = 0; t < lx.length; t++) {
            double sum = 0;
            for (int m = 0; m < 80; m++) {
                sum += Math.pow(10, lx[t][m]);
            }
            energy[t] = Math.log10(sum + 1e-20);
            loudest = Math.max(loudest, energy[t]);
        }
        double total = 0;
        long count = 0;
        for (int t = 0; t < lx.length; t++) {
            if (energy[t] < loudest - 3) {
                continue;
            }
            for (int m = 0; m < bands; m++) {
                total += Math.abs(lx[t][m] - ly[t][m]);
                count++;
            }
        }
        return total / count;
    }

    /** log10 mel energies floored 8 (80 dB) under their largest, {@code [frame][mel]}. */
    private static double[][] logMel(float[] audio16k) {
        WhisperLogMel mel = new WhisperLogMel(80);
        int frames = (int) WhisperLogMel.frames(audio16k.length);
        float[][] out = new float[80][frames];
        double[] padded = Stft.reflectPad(audio16k, WhisperLogMel.N_FFT / 2);
        WhisperLogMel.FrameComputer fc = mel.frameComputer();
        for (int t = 0; t < frames; t++) {
            fc.logMel(padded, t * WhisperLogMel.HOP, out, t);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float[] row : out) {
            for (float v : row) {
                max = Math.max(max, v);
            }
        }
        double[][] r = new double[frames][80];
        for (int t = 0; t < frames; t++) {
            for (int m = 0; m < 80; m++) {
                r[t][m] = Math.max(out[m][t], max - 8);
            }
        }
        return r;
    }

    /** Centre of whisper's mel band {@code m} (Slaney's scale, 0 to 8 kHz). */
    static double centreHz(int m) {
        double top = hzToMel(8000);
        return melToHz(top * (m + 1) / 81.0);
    }

    private static double hzToMel(double f) {
        return f < 1000 ? f / (200.0 / 3) : 15 + Math.log(f / 1000) / (Math.log(6.4) / 27);
    }

    private static double melToHz(double m) {
        return m < 15 ? m * 200.0 / 3 : 1000 * Math.exp((m - 15) * Math.log(6.4) / 27);
    }
}
