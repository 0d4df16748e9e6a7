package io.masthead.gateway.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The services behind the gateway, one entry each under {@code masthead.gateway.services}: where it
 * runs and which public paths it owns. Each entry yields a route for its paths, a route serving its
 * OpenAPI document at {@code /v3/api-docs/<name>}, and an entry in Swagger UI.
 */
@Validated
@ConfigurationProperties("masthead.gateway")
public record ServicesProperties(@DefaultValue Map<String, @Valid Service> services) {

    public ServicesProperties {
        services.keySet().forEach(name -> {
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("masthead.gateway.services: '" + name
                        + "' is not a valid service name (lowercase letters, digits and '-')");
            }
        });
    }

    /**
     * @param uri where the service listens, e.g. {@code http://localhost:8081}
     * @param paths the path patterns it owns, e.g. {@code /v1/customers/**}
     * @param apiDocsPath where the service serves its OpenAPI document
     */
    public record Service(@NotNull URI uri, @NotEmpty List<@Pattern(regexp = "/v1/.*") String> paths,
            @DefaultValue("/v3/api-docs") String apiDocsPath) {
    }

    /** Where the gateway serves a service's OpenAPI document. */
    public static String apiDocsPathOf(String serviceName) {
        return "/v3/api-docs/" + serviceName;
    }
}
