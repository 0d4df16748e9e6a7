package io.masthead.platform.r2dbc;

import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Deadlocks and serialization failures (SQLSTATE 40P01, 40001): PostgreSQL aborts one of two transactions that
 * wait on each other; the loser did nothing wrong and succeeds when run again. A request's transaction is run again
 * a few times (with jitter) before its caller sees the failure.
 */
public final class Conflicts {

    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40P01", "40001");
    private static final int ATTEMPTS = 4;

    private Conflicts() {
    }

    /** A deadlock or serialization failure anywhere in the error's causes. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException r2dbc && TRANSIENT_SQL_STATES.contains(r2dbc.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code transaction} (a whole transaction, re-subscribable: each subscription runs it anew) again when it
     * lost a deadlock or a serialization conflict, up to {@value #ATTEMPTS} times in all.
     */
    public static <T> Mono<T> retrying(Mono<T> transaction) {
        return transaction.retryWhen(Retry.backoff(ATTEMPTS - 1, Duration.ofMillis(20)).jitter(0.5)
                .filter(Conflicts::isTransient)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }
}
