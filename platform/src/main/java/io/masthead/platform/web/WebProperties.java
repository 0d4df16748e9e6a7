package io.masthead.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP settings every service shares ({@code masthead.web.*}).
 *
 * @param maxRequestBody the largest request body read; a larger one is refused with 413 before it is buffered
 *        (a declared {@code Content-Length} at once, a streamed body as soon as it passes the limit). The JSON
 *        codecs' in-memory limit follows it ({@code spring.http.codecs.max-in-memory-size})
 */
@ConfigurationProperties("masthead.web")
public record WebProperties(@DefaultValue("1MB") DataSize maxRequestBody) {

    public WebProperties {
        if (maxRequestBody.toBytes() <= 0 || maxRequestBody.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("masthead.web.max-request-body must be between 1 byte and 2 GB");
        }
    }
}
