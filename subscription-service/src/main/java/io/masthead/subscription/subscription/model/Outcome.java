package io.masthead.subscription.subscription.model;

import java.util.function.Function;

/** What a domain operation returns: the changed subscription, or a {@link Rejection}. */
public sealed interface Outcome<T> {

    record Done<T>(T value) implements Outcome<T> {
    }

    record Refused<T>(Rejection rejection) implements Outcome<T> {
    }

    static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    static <T> Outcome<T> refused(Rejection rejection) {
        return new Refused<>(rejection);
    }

    default boolean isDone() {
        return this instanceof Done;
    }

    default T value() {
        if (this instanceof Done<T> d) {
            return d.value();
        }
        throw new IllegalStateException("refused: " + ((Refused<T>) this).rejection());
    }

    default Rejection rejection() {
        if (this instanceof Refused<T> r) {
            return r.rejection();
        }
        throw new IllegalStateException("not refused");
    }

    default <R> Outcome<R> map(Function<T, R> f) {
        return this instanceof Done<T> d ? new Done<>(f.apply(d.value())) : new Refused<>(rejection());
    }
}
