package io.github.emo4j.examples;

import picocli.CommandLine.Option;

/** The options every command takes. */
final class CommonOptions {
    @Option(names = "--verbose", description = "debug logging, and stack traces on errors")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;
}
