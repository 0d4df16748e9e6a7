package io.masthead.customer.credential.model;

import java.util.Objects;

/** A password as the store keeps it: the algorithm and its hash. {@link #toString()} never shows the hash. */
public record StoredPassword(HashAlgorithm algorithm, String hash) {

    public StoredPassword {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hash, "hash");
    }

    @Override
    public String toString() {
        return "StoredPassword[" + algorithm.wireName() + "]";
    }
}
