package io.github.emo4j.video;

/** How the voice is stored in the MP4. */
public enum AudioCodec {
    /** AAC-LC, mono, 48 or 44.1 kHz, by emo4j's own encoder: standard MP4 audio that every player takes. */
    AAC,
    /** 16-bit PCM ({@code sowt}), lossless but a QuickTime extension that many players and upload pipelines refuse. */
    PCM
}
