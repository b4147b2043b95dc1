package io.github.emo4j.audio;

import java.util.Locale;

/** The features {@code emo features} writes, by their command-line names. */
public enum FeatureKind {
    /** Whisper log-mel, 80 bands: {@code [80, frames]}. */
    WHISPER_LOGMEL_80("whisper-logmel-80"),
    /** Whisper log-mel, 128 bands: {@code [128, frames]}. */
    WHISPER_LOGMEL_128("whisper-logmel-128"),
    /** wav2vec2's input: 16 kHz, zero mean, unit variance, {@code [samples]}. */
    WAV2VEC_INPUT("wav2vec-input"),
    /**
     * wav2vec2's input normalised causally: each 20 ms by the mean and variance of the voice up to its
     * end (standard deviation at least {@value Wav2VecInput#MIN_CAUSAL_STD}), so that a voice fed in pieces
     * gets the same values as the whole voice; {@code [samples]}.
     */
    WAV2VEC_INPUT_CAUSAL("wav2vec-input-causal"),
    /** The 16 kHz mono waveform, not normalised, {@code [samples]}. */
    WAVEFORM_16K("waveform-16k"),
    /** RMS energy per video frame of the 16 kHz waveform, {@code [frames]}. */
    ENVELOPE("envelope");

    private final String cliName;

    FeatureKind(String cliName) {
        this.cliName = cliName;
    }

    /**
     * Mel bands of a whisper log-mel kind.
     *
     * @return 80 or 128; 0 for the waveform kinds and the envelope
     */
    public int melBands() {
        return switch (this) {
            case WHISPER_LOGMEL_80 -> 80;
            case WHISPER_LOGMEL_128 -> 128;
            default -> 0;
        };
    }

    /**
     * Whether this is whisper's log-mel.
     *
     * @return true for the log-mel kinds
     */
    public boolean isLogMel() {
        return melBands() > 0;
    }

    /**
     * Prepares a 16 kHz waveform, in place, as this kind gives it: normalised for wav2vec2, as it is
     * otherwise.
     *
     * @param samples16k the waveform, changed in place
     */
    public void prepareWaveform(float[] samples16k) {
        if (this == WAV2VEC_INPUT) {
            Wav2VecInput.normalizeInPlace(samples16k);
        } else if (this == WAV2VEC_INPUT_CAUSAL) {
            new Wav2VecInput.Causal(Wav2VecInput.CAUSAL_CHUNK).normalizeInPlace(samples16k);
        }
    }

    /**
     * The name the command line uses.
     *
     * @return e.g. {@code whisper-logmel-80}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The kind with a command-line name.
     *
     * @param name e.g. {@code wav2vec-input}, in any case
     * @return the kind
     * @throws IllegalArgumentException if no kind has that name
     */
    public static FeatureKind parse(String name) {
        for (FeatureKind k : values()) {
            if (k.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown feature kind '" + name + "' (whisper-logmel-80, whisper-logmel-128, "
                + "wav2vec-input, wav2vec-input-causal, waveform-16k, envelope)");
    }
}
