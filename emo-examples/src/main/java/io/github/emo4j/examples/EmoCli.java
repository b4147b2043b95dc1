package io.github.emo4j.examples;

import io.github.emo4j.CancelToken;
import io.github.emo4j.InvalidInputException;
import io.github.emo4j.PackException;
import io.github.emo4j.RenderCancelledException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code emo} command line, on picocli: a class per command, each with its generated {@code --help}.
 * Errors print one line (the stack trace only with {@code --verbose}) and exit non-zero: 2 for bad input,
 * 1 for emo4j's own faults, 130 when interrupted.
 */
@Command(name = "emo", mixinStandardHelpOptions = true, version = "emo4j " + EmoCli.VERSION,
        description = "A portrait and a voice in, a talking or singing video out (emo4j).",
        commandListHeading = "%nCommands:%n",
        footer = {"", "emo batch --jobs FILE.csv --out DIR [options] renders many jobs on Apache Spark (emo-spark): run it "
                + "through the ./emo launcher; `emo batch --help` for its options.",
                "", "Exit status: 0 done; 2 bad input (a file, a pack, an option, or an output that cannot be written); "
                + "1 a fault of emo4j itself; 130 interrupted (143 terminated). On any failure no file is left at --out."})
public final class EmoCli implements Runnable {

    static final String VERSION = "0.1.0-SNAPSHOT";

    /** The progress bar on screen, if any, for the shutdown hook to end its line. */
    static volatile ProgressBar activeBar;

    @Spec
    CommandSpec spec;

    private EmoCli() {
    }

    /** {@code emo} alone: the commands. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        CancelToken cancel = new CancelToken();
        CountDownLatch finished = new CountDownLatch(1);
        // a server is stopped, not interrupted: it wrote no output of its own, and deletes what its renders wrote
        String said = args.length > 0 && args[0].equals("serve") ? "emo: stopped; the server's renders were cancelled "
                + "and its files deleted" : "emo: interrupted; no output was written";
        Thread hook = new Thread(() -> {
            // Ctrl-C or SIGTERM: stop the render, let it remove its partial file, and say so once
            cancel.cancel();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            PartFiles.deleteAll();
            ProgressBar bar = activeBar;
            if (bar != null) {
                bar.done();
            }
            System.err.println(said);
        }, "emo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(args, System.out, System.err, cancel);
        finished.countDown();
        if (cancel.isCancelled()) {
            return; // the hook reports it; the JVM ends with the signal's status
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(code);
    }

    /** Runs a command and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, null);
    }

    /** Runs a command, stopping a render when {@code cancel} is cancelled, and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, CancelToken cancel) {
        if (args.length > 0 && args[0].equals("batch")) {
            // Spark is not in this jar: the ./emo launcher runs emo-spark's BatchCli for this command
            err.println("emo: batch runs on Apache Spark: run it through the ./emo launcher, or spark-submit --class "
                    + "io.github.emo4j.spark.BatchCli with the emo-spark jar");
            return 2;
        }
        Console console = new Console(out, err, cancel == null ? new CancelToken() : cancel);
        try {
            return commandLine(console).execute(args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            report(err, e, List.of(args).contains("--verbose"));
            return exitCode(e);
        }
    }

    /** The command line with its commands, writing to {@code console}. */
    static CommandLine commandLine(Console console) {
        CommandLine cli = new CommandLine(new EmoCli());
        for (EmoCommand c : List.of(new RenderCommand(console), new DemoCommand(console), new LiveCommand(console),
                new ServeCommand(console), new FacesCommand(console), new InfoCommand(console), new ScheduleCommand(console),
                new CompareCommand(console), new FeaturesCommand(console), new VersionCommand(console))) {
            cli.addSubcommand(c);
        }
        cli.addSubcommand(new CommandLine.HelpCommand());
        // these settings reach the commands added above
        Numbers.register(cli);
        cli.setOut(new PrintWriter(console.out(), true));
        cli.setErr(new PrintWriter(console.err(), true));
        cli.setExpandAtFiles(false); // a portrait named @me.png is a file, not a list of arguments
        cli.setOverwrittenOptionsAllowed(true);
        cli.setAbbreviatedOptionsAllowed(false);
        cli.setParameterExceptionHandler(EmoCli::refused);
        cli.setExecutionExceptionHandler((e, command, parsed) -> failed(e, command, console));
        return cli;
    }

    /** A command line picocli could not parse: one line, with picocli's suggestions, and status 2. */
    private static int refused(ParameterException e, String[] args) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        if (!(e instanceof UnmatchedArgumentException)) {
            // picocli checks required options before it reports unknown ones, but a mistyped --portrit is
            // why --portrait is missing: the unknown option is the news
            String unknown = unknownOption(e.getCommandLine(), args);
            if (unknown != null) {
                e = new UnmatchedArgumentException(e.getCommandLine(), List.of(unknown));
            }
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String word = u.getUnmatched().get(0);
            CommandLine where = u.getCommandLine();
            if (where.getParent() == null && !word.startsWith("-")) {
                message = "unknown command '" + word + "'; the commands are " + String.join(", ", where.getSubcommands().keySet());
            } else if (word.startsWith("-")) {
                message = "unknown option " + word + " for emo " + where.getCommandName();
            }
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?)";
            }
        }
        PrintWriter err = e.getCommandLine().getErr();
        err.println("emo: " + message);
        err.flush();
        return 2;
    }

    /** The first {@code --name} in {@code args} that {@code command} does not take, or {@code null}. */
    private static String unknownOption(CommandLine command, String[] args) {
        if (command.getParent() == null) {
            return null;
        }
        for (String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (!command.getCommandSpec().optionsMap().containsKey(name)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** A command that threw: one line, and the status its type says. */
    private static int failed(Exception e, CommandLine command, Console console) {
        if (e instanceof InterruptedException) {
            return 130;
        }
        if (e instanceof RenderCancelledException && console.cancel().isCancelled()) {
            return 130; // the shutdown hook says so, once
        }
        boolean verbose = command.getCommand() instanceof EmoCommand c && c.common.verbose;
        report(console.err(), e, verbose);
        return exitCode(e);
    }

    /** 2 for what the user or the pack got wrong, 130 for a cancelled render, 1 for emo4j's own faults. */
    static int exitCode(Throwable e) {
        if (e instanceof RenderCancelledException) {
            return 130;
        }
        // bad input of any kind and a broken pack are told apart from emo4j's own faults by type alone
        if (e instanceof InvalidInputException || e instanceof PackException) {
            return 2;
        }
        return 1;
    }

    private static void report(PrintStream err, Throwable e, boolean verbose) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("emo: " + msg.lines().findFirst().orElse(msg));
        if (verbose) {
            e.printStackTrace(err);
        }
    }
}
