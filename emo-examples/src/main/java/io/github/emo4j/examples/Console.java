package io.github.emo4j.examples;

import io.github.emo4j.CancelToken;
import java.io.PrintStream;

/**
 * What a command writes to and what stops it: standard output (results: JSON, tables), standard error
 * (progress and the one-line refusals), and the token Ctrl-C cancels.
 */
record Console(PrintStream out, PrintStream err, CancelToken cancel) {
}
