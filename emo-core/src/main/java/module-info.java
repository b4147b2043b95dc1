/**
 * emo4j: one portrait and a voice in, a talking-head MP4 out, by audio-driven video diffusion on ONNX
 * Runtime. The API is the package {@code io.github.emo4j}; start at {@code EmoPipeline}.
 *
 * <p>Model packs, the ONNX writer and the procedural pack are internal. They are open to
 * {@code io.github.emo4j.testkit}, which builds synthetic packs for pack authors' tests.
 */
// the testkit is not on the module path when this module is compiled
@SuppressWarnings({"module", "requires-automatic"})
module io.github.emo4j.core {
    requires transitive io.github.emo4j.audio;
    requires transitive io.github.emo4j.video;
    requires transitive java.desktop;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    exports io.github.emo4j;
    // a pack's tokenizer is read by a provider from another module (emo-text: Hugging Face's tokenizer.json)
    exports io.github.emo4j.text;
    uses io.github.emo4j.text.PromptTokenizerProvider;
    // the API finds its engine as a service, so the API package depends on none of the engine's packages
    uses io.github.emo4j.EmoEngine;
    provides io.github.emo4j.EmoEngine with io.github.emo4j.pipeline.PipelineEngine;
    exports io.github.emo4j.pack to io.github.emo4j.testkit;
    exports io.github.emo4j.onnx to io.github.emo4j.testkit;
    exports io.github.emo4j.procedural to io.github.emo4j.testkit;
}
