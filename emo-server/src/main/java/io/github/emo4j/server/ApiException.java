package io.github.emo4j.server;

/** A refusal with its HTTP status and a one-line reason, turned into a JSON error in one place ({@link ApiErrors}). */
final class ApiException extends RuntimeException {
    private final int status;
    private final String retryAfter;

    ApiException(int status, String message) {
        this(status, message, null);
    }

    ApiException(int status, String message, String retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** Seconds to wait before trying again, for 429 and 503, or {@code null}. */
    String retryAfter() {
        return retryAfter;
    }
}
