package io.masthead.test.engines;

/** A running Apicurio Registry (Apicurio's v3 API and the Confluent-compatible API). */
public interface RegistryEngine extends AutoCloseable {

    /** The v3 REST API, for {@code apicurio.registry.url}: {@code http://localhost:PORT/apis/registry/v3}. */
    String url();

    /** The Confluent-compatible API: {@code http://localhost:PORT/apis/ccompat/v7}. */
    default String ccompatUrl() {
        return url().replace("/apis/registry/v3", "/apis/ccompat/v7");
    }

    @Override
    void close();
}
