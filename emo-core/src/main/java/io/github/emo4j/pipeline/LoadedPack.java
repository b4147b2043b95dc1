package io.github.emo4j.pipeline;

import io.github.emo4j.EmoEngine;
import io.github.emo4j.ExecutionProvider;
import io.github.emo4j.PackDescription;
import io.github.emo4j.PackInfo;
import io.github.emo4j.RenderRequest;
import io.github.emo4j.face.DetectedFace;
import io.github.emo4j.face.FaceBox;
import io.github.emo4j.face.FaceDetector;
import io.github.emo4j.pack.ComponentSpec;
import io.github.emo4j.pack.ModelPack;
import io.github.emo4j.pack.PackManifest;
import io.github.emo4j.pack.PackSettings;
import io.github.emo4j.video.FrameSink;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A pack loaded by the {@link PipelineEngine}, with the renderer that drives it. */
final class LoadedPack implements EmoEngine.Loaded {
    private final ModelPack pack;
    private final Renderer renderer;

    LoadedPack(ModelPack pack, FaceDetector detector) {
        this.pack = pack;
        try {
            this.renderer = new Renderer(pack, detector);
        } catch (RuntimeException e) {
            pack.close();
            throw e;
        }
    }

    @Override
    public PackInfo packInfo() {
        PackSettings s = pack.settings();
        return new PackInfo(pack.manifest().name(), s.resolution(), s.fps(), s.clipFrames(), s.motionFrames(),
                s.defaultSteps(), s.defaultGuidance(), RenderSession.takesPose(pack), pack.has(io.github.emo4j.pack.Role.TEXT_ENCODER));
    }

    @Override
    public PackDescription describe() {
        PackManifest m = pack.manifest();
        List<PackDescription.Component> components = new ArrayList<>();
        for (ComponentSpec c : m.components().values()) {
            components.add(new PackDescription.Component(c.role().key(), c.file(),
                    c.inputs().stream().map(t -> t + ("same".equals(t.uncond()) ? "" : " uncond " + t.uncond())).toList(),
                    c.outputs().stream().map(String::valueOf).toList()));
        }
        return new PackDescription(m.name(), m.description(), m.family().key(), pack.provider(), m.settings().entries(),
                String.valueOf(m.scheduler().get("_class_name")), components);
    }

    @Override
    public ExecutionProvider provider() {
        return pack.provider();
    }

    @Override
    public EmoEngine.Rendered render(RenderRequest request, Path out, BooleanSupplier closing) {
        return rendered(renderer.render(RenderSpec.of(request), out, closing));
    }

    @Override
    public EmoEngine.Rendered render(RenderRequest request, FrameSink.Factory frames, BooleanSupplier closing) {
        return rendered(renderer.render(RenderSpec.of(request), frames, "frame sink", closing));
    }

    @Override
    public EmoEngine.Session open(RenderRequest request, FrameSink.Factory frames, BooleanSupplier closing) {
        RenderSession session = renderer.open(RenderSpec.of(request), frames, "live stream", closing, -1);
        int window = pack.settings().audioWindow();
        return new EmoEngine.Session() {
            @Override
            public void feed(float[] samples, int rate, boolean last) {
                session.feed(new io.github.emo4j.audio.AudioClip(samples, rate), last);
            }

            @Override
            public EmoEngine.Rendered finish() {
                return rendered(session.finish());
            }

            @Override
            public void flush() {
                session.flush();
            }

            @Override
            public void steps(int steps) {
                session.steps(steps);
            }

            @Override
            public int steps() {
                return session.steps();
            }

            @Override
            public int[] clipLayout() {
                return new int[] {session.clipFrames(), window};
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    static EmoEngine.Rendered rendered(Renderer.Outcome o) {
        return new EmoEngine.Rendered(o.frames(), o.fps(), o.width(), o.height(), o.stats());
    }

    @Override
    public FaceBox locateFace(BufferedImage portrait, FaceBox given) {
        return renderer.locateFace(portrait, given);
    }

    @Override
    public List<DetectedFace> faces(BufferedImage portrait) {
        return renderer.faces(portrait);
    }

    @Override
    public void close() {
        try {
            renderer.close();
        } finally {
            pack.close();
        }
    }
}
