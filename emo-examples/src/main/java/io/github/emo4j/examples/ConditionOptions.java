package io.github.emo4j.examples;

import io.github.emo4j.RenderRequest;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What conditions a flow pack beyond the portrait and the voice: a pose video and prompts; shared by render and live. */
final class ConditionOptions {
    @Option(names = "--pose", paramLabel = "FILE.mp4", description = "a pose video driving the head and body, for a "
            + "pack whose denoiser takes pose_latents (Wan2.2-S2V)")
    Path pose;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "what the video shows, for a pack with a text encoder "
            + "(default: the pack's)")
    String prompt;

    @Option(names = "--negative-prompt", paramLabel = "TEXT", description = "what it should not show, for a pack with a "
            + "text encoder (default: the pack's)")
    String negativePrompt;

    /** Sets the pose video and the prompts given on {@code req}. */
    void apply(RenderRequest.Builder req) {
        if (pose != null) {
            req.pose(pose);
        }
        req.prompt(prompt).negativePrompt(negativePrompt);
    }
}
