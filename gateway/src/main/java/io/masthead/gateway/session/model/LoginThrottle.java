package io.masthead.gateway.session.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The failed-login limit of one subject (a customer's email, or a client address): at most {@code maxFailures}
 * attempts that did not succeed within a sliding {@code window}. An attempt beyond it is refused without checking
 * the password, and told when to try again: when the oldest of the last {@code maxFailures} leaves the window.
 */
public record LoginThrottle(int maxFailures, Duration window) {

    public LoginThrottle {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        if (window == null || !window.isPositive()) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    /** When attempts of the subject are counted from, at {@code now}. */
    public Instant windowStart(Instant now) {
        return now.minus(window);
    }

    /**
     * Empty when another attempt may go ahead at {@code now}; else how long to wait (whole seconds, at least 1).
     *
     * @param earlier the subject's earlier attempts that did not succeed, newest first (at least the last
     *     {@code maxFailures} of those in the window, if there are that many)
     */
    public Optional<Duration> retryAfter(List<Instant> earlier, Instant now) {
        List<Instant> inWindow = earlier.stream().filter(at -> at.isAfter(windowStart(now))).toList();
        if (inWindow.size() < maxFailures) {
            return Optional.empty();
        }
        Instant freed = inWindow.get(maxFailures - 1).plus(window);
        long seconds = Math.max(1, (Duration.between(now, freed).toMillis() + 999) / 1000);
        return Optional.of(Duration.ofSeconds(seconds));
    }
}
