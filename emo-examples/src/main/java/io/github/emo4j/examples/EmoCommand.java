package io.github.emo4j.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command of {@code emo}: it turns on debug logging for {@code --verbose}, then runs. A command
 * returns its exit status; its refusals are exceptions, which {@link EmoCli} turns into one line and a
 * status by their type.
 */
abstract class EmoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    final Console console;

    EmoCommand(Console console) {
        this.console = console;
    }

    @Override
    public final Integer call() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", common.verbose ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (common.verbose) {
            System.setProperty("emo4j.onnxruntime.log", "warning");
        } else {
            // DJL's tokenizer binding (emo-text) warns that it finds no CUDA driver, which it never needs
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
        return execute();
    }

    /** Runs the command: 0 when it did what was asked. */
    abstract int execute() throws Exception;
}
