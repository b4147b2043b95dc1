package io.github.emo4j.audio;

/** An {@link AudioStream} over a clip already in memory. */
final class ArrayStream implements AudioStream {
    private final AudioClip clip;
    private int pos;

    private ArrayStream(AudioClip clip) {
        this.clip = clip;
    }

    static AudioStream of(AudioClip clip) {
        return new ArrayStream(clip);
    }

    @Override
    public int sampleRate() {
        return clip.sampleRate();
    }

    @Override
    public long lengthHint() {
        return clip.length();
    }

    @Override
    public int read(float[] dst, int off, int len) {
        if (pos >= clip.length()) {
            return -1;
        }
        int n = Math.min(len, clip.length() - pos);
        System.arraycopy(clip.samples(), pos, dst, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
    }
}
