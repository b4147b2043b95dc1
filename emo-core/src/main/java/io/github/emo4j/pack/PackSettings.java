package io.github.emo4j.pack;

import io.github.emo4j.audio.FeatureKind;
import java.util.List;

/**
 * How a pack wants to be driven.
 *
 * @param resolution        side of the square face frame the networks work at, in pixels
 * @param latentChannels    channels of a latent
 * @param latentDownsample  pixels per latent cell along each axis (8 for an SD VAE, 1 for pixel space)
 * @param clipFrames        frames generated per clip (EMO: 12)
 * @param motionFrames      frames of the previous clip given as motion context (EMO: 4)
 * @param audioWindow       neighbours on each side in a frame's audio window (EMO: 2)
 * @param audioSampleRate   sample rate of the audio encoder's input
 * @param audioChunkSamples samples per audio feature frame
 * @param audioFeatureDim   width of one encoded audio feature
 * @param fps               frame rate the pack was trained at
 * @param defaultSteps      sampling steps when the caller gives none
 * @param defaultGuidance   classifier-free guidance scale when the caller gives none
 * @param contextOverlap    0 to chain clips through motion frames (EMO); above 0, clips overlap by this
 *                          many frames and the overlap is cross-faded (EchoMimic's context windows)
 * @param referenceMotionFrames frames of the previous clip that go through the ReferenceNet beside the
 *                          portrait, once per clip (Hallo: 2); 0 when motion frames only reach the
 *                          denoiser's temporal layers (EMO)
 * @param firstMotion       what stands in for the previous clip before the first one: {@code zeros}
 *                          (EMO) or {@code reference}, the portrait itself (Hallo)
 * @param separatorSampleRate sample rate of the vocal separator's input, when the pack has one
 * @param latentScaling     the VAE's scaling factor (SD's 0.18215) when its graphs give and take
 *                          unscaled latents: encoder outputs are multiplied by it and decoder inputs
 *                          divided; 1 when the export folds it in
 * @param audioPadToClips   whether the waveform is padded with silence to whole clips before encoding,
 *                          as Hallo does (its wav2vec then sees the same context at the end)
 * @param audioInput        what the audio encoder takes: wav2vec2's normalised waveform (the default),
 *                          the plain 16 kHz waveform, or whisper's log-mel (EchoMimic's kind of encoder)
 * @param jointReference    whether the ReferenceNet runs once per clip on every guidance branch's portrait
 *                          and motion frames together ({@code "reference_batch": "joint"}, as Hallo does)
 *                          rather than on the portrait once per render and the motion frames once per clip,
 *                          its banks copied into every branch ({@code "per_render"}, the default)
 * @param referencePairing  with the joint batch, for each of its images in order, the guidance branch whose
 *                          identity tokens it is paired with; empty for each image with its own branch
 * @param textContext       the prompt's embeddings stored in the pack ({@code .npy}, [L, D] or [1, L, D]), the
 *                          denoiser's {@code text_context}, or {@code null}
 * @param negativeTextContext the negative prompt's, for the unconditional branch, or {@code null} for zeros
 * @param audioAlignment    how feature rows map to video frames: {@code "frame-centres"} (the default,
 *                          {@code FrameAligner}) or {@code "wan-s2v"} ({@code WanAudioBuckets}, Wan2.2-S2V's
 *                          resampling to 30 rows a second and rounding)
 * @param firstClipSettlingFrames flow family: the first clip's first frames, decoded right after the
 *                          portrait's latent, that the motion frames leave out (Wan2.2-S2V: 3, which its
 *                          own video leaves out too); the video keeps them, each at its voice's time
 * @param textEncoding      how a text encoder's prompt is tokenized ({@code settings.tokenizer} and the rest), or
 *                          {@code null} for a pack without one
 * @param audioReceptiveField samples one feature row of the audio encoder sees (wav2vec2's convolutions: 400), so
 *                          that a whole voice of N samples keeps ⌊(N − field) / chunk⌋ + 1 rows, as many as
 *                          wav2vec2 makes of it; 0 (the default) keeps a row for every started chunk
 */
public record PackSettings(int resolution, int latentChannels, int latentDownsample, int clipFrames,
                           int motionFrames, int audioWindow, int audioSampleRate, int audioChunkSamples,
                           int audioFeatureDim, int fps, int defaultSteps, double defaultGuidance, int contextOverlap,
                           int referenceMotionFrames, String firstMotion, int separatorSampleRate,
                           double latentScaling, boolean audioPadToClips, FeatureKind audioInput,
                           boolean jointReference, List<Integer> referencePairing, String textContext,
                           String negativeTextContext, String audioAlignment, int firstClipSettlingFrames,
                           int audioReceptiveField, TextEncoding textEncoding) {

    /** Copies the pairing. */
    public PackSettings {
        referencePairing = List.copyOf(referencePairing);
    }

    /** Every setting as {@code name=value}, in declaration order. */
    public List<String> entries() {
        List<String> out = new java.util.ArrayList<>();
        for (java.lang.reflect.RecordComponent c : PackSettings.class.getRecordComponents()) {
            try {
                out.add(c.getName() + "=" + c.getAccessor().invoke(this));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read setting " + c.getName(), e);
            }
        }
        return out;
    }

    /** Whether the first clip's motion frames are the portrait rather than zeros. */
    public boolean firstMotionIsReference() {
        return "reference".equals(firstMotion);
    }

    /** Side of a latent frame. */
    public int latentSize() {
        return resolution / latentDownsample;
    }

    /** Audio feature frames per second. */
    public double audioFeatureRate() {
        return audioSampleRate / (double) audioChunkSamples;
    }
}
