package dev.sparkformers.tokenization;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs each kind of warning once per tokenizer, as transformers does with its
 * {@code deprecation_warnings} flags, so that a job over millions of rows logs a problem once.
 */
final class WarnOnce {

    private final Logger log;
    private final String location;
    private final Set<String> issued = ConcurrentHashMap.newKeySet();

    WarnOnce(Logger log, String location) {
        this.log = log;
        this.location = location;
    }

    /** Logs {@code message} at WARN unless a warning with the same {@code key} was logged before. */
    void warn(String key, String message) {
        if (issued.add(key)) {
            log.warn("{}: {} (logged once per tokenizer)", location, message);
        }
    }
}
