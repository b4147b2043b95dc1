package io.github.emo4j.server;

import io.github.emo4j.testkit.ProcessTrees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol: a page opened with the given flags, JavaScript
 * evaluated in it, and files given to its file inputs. Enough to use a page as a person does, without a
 * WebDriver.
 */
final class DevTools implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process browser;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    /** Opens {@code url} in a new headless Chromium with {@code flags}, its profile in {@code profile}. */
    DevTools(String url, Path profile, List<String> flags) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile));
        command.addAll(flags);
        command.add(url);
        browser = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (System.nanoTime() > until || !browser.isAlive()) {
                    throw new IOException("chromium did not open its DevTools port");
                }
                Thread.sleep(100);
            }
            String port = Files.readAllLines(portFile).get(0).trim();
            HttpClient http = HttpClient.newHttpClient();
            String target = null;
            while (target == null) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(list);
                Matcher n = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"").matcher(list);
                target = m.find() ? m.group(1) : n.find() ? n.group(1) : null;
                if (target == null) {
                    if (System.nanoTime() > until) {
                        throw new IOException("chromium opened no page: " + list);
                    }
                    Thread.sleep(100);
                }
            }
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(target), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    /** The value of {@code expression} evaluated in the page (awaited when it is a promise), as JSON text. */
    String eval(String expression) throws Exception {
        String reply = call("Runtime.evaluate", "{\"expression\":" + JsonText.quote("(async () => String(JSON.stringify(await ("
                + expression + "))))()") + ",\"awaitPromise\":true,\"returnByValue\":true}");
        if (reply.contains("\"exceptionDetails\"")) {
            throw new AssertionError("the page threw: " + reply);
        }
        // the reply is {"id":N,"result":{"result":{"type":"string","value":"<the JSON, as a string literal>"}}}
        Matcher m = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no value in " + reply);
        }
        return unescape(m.group(1));
    }

    /** Runs {@code statements} in the page. */
    void run(String statements) throws Exception {
        eval("(() => { " + statements + " })()");
    }

    /** A JSON string literal's content, unescaped. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** Waits until {@code condition} is true in the page; fails after {@code seconds}, saying what the page showed. */
    void waitFor(String condition, double seconds, String state) throws Exception {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (!eval("!!(" + condition + ")").equals("true")) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + seconds + " s: " + condition + "; page: " + eval(state));
            }
            Thread.sleep(100);
        }
    }

    /** Gives {@code file} to the file input found by {@code selector}, as choosing it in a dialog would. */
    void chooseFile(String selector, Path file) throws Exception {
        String reply = call("Runtime.evaluate", "{\"expression\":" + JsonText.quote("document.querySelector("
                + JsonText.quote(selector) + ")") + "}");
        Matcher m = Pattern.compile("\"objectId\":\"([^\"]+)\"").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no element " + selector + ": " + reply);
        }
        call("DOM.setFileInputFiles", "{\"files\":[" + JsonText.quote(file.toString()) + "],\"objectId\":\""
                + m.group(1) + "\"}");
    }

    /** The page as a person sees it, as a PNG. */
    void screenshot(Path to) throws Exception {
        String reply = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        Matcher m = Pattern.compile("\"data\":\"([A-Za-z0-9+/=]+)\"").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no screenshot in " + reply.substring(0, Math.min(200, reply.length())));
        }
        Files.write(to, java.util.Base64.getDecoder().decode(m.group(1)));
    }

    private String call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true);
        return reply.get(60, TimeUnit.SECONDS);
    }

    /** Replies by id; events (messages without one) are not needed here. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                Matcher m = Pattern.compile("^\\{\"id\":(\\d+),").matcher(text);
                if (m.find()) {
                    CompletableFuture<String> f = pending.remove(Integer.parseInt(m.group(1)));
                    if (f != null) {
                        f.complete(text);
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        socket.abort();
        stop();
    }

    /** Kills the browser and every process it started, and waits for them ({@link ProcessTrees#kill}). */
    private void stop() {
        try {
            ProcessTrees.kill(browser);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
