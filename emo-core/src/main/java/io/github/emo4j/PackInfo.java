package io.github.emo4j;

/**
 * What a loaded model pack is and what it makes by default.
 *
 * @param name            the pack's name from its manifest
 * @param resolution      side of the square face crop the networks work on, in pixels
 * @param fps             the frame rate a render uses unless the request gives one
 * @param clipFrames      frames generated together in one clip (EMO's f)
 * @param motionFrames    frames of the previous clip that condition the next (EMO's n)
 * @param defaultSteps    sampling steps per clip unless the request gives a number
 * @param defaultGuidance classifier-free guidance scale unless the request gives one
 * @param takesPose       whether a pose video can drive its renders ({@link RenderRequest#pose()}: a pack whose
 *                        denoiser takes {@code pose_latents}, as Wan2.2-S2V's)
 * @param takesPrompt     whether a render may give a prompt ({@link RenderRequest#prompt()}: a pack with a text
 *                        encoder)
 */
public record PackInfo(String name, int resolution, int fps, int clipFrames, int motionFrames, int defaultSteps,
                       double defaultGuidance, boolean takesPose, boolean takesPrompt) {
}
