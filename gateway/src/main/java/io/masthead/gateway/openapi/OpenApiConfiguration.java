package io.masthead.gateway.openapi;

import io.masthead.gateway.routing.ServicesProperties;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springdoc.core.properties.AbstractSwaggerUiConfigProperties.SwaggerUrl;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's own OpenAPI document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html})
 * listing it beside every service's document, which the gateway proxies at {@code /v3/api-docs/<service>}
 * (see {@link io.masthead.gateway.routing.RoutingConfiguration}). A service added under
 * {@code masthead.gateway.services} appears here with no further configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class OpenApiConfiguration {

    static final String GATEWAY_DOCS = "gateway";

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Masthead gateway").version("v1")
                        .description("Sites' API keys. Every /v1 request needs 'Authorization: Bearer sk_test_...' "
                                + "(or sk_live_...); the services' own APIs are listed beside this one. The "
                                + "security scheme and problem responses come from the platform "
                                + "(io.masthead.platform.openapi.ApiContract), as in every service's document."));
    }

    @Bean
    @ConditionalOnClass(SwaggerUiConfigProperties.class)
    SmartInitializingSingleton swaggerUiServiceDocuments(SwaggerUiConfigProperties swaggerUi,
            ServicesProperties services) {
        return () -> {
            Set<SwaggerUrl> urls = new LinkedHashSet<>();
            urls.add(new SwaggerUrl(GATEWAY_DOCS, "/v3/api-docs", GATEWAY_DOCS));
            services.services().keySet().forEach(name ->
                    urls.add(new SwaggerUrl(name, ServicesProperties.apiDocsPathOf(name), name)));
            if (swaggerUi.getUrls() != null) {
                urls.addAll(swaggerUi.getUrls());
            }
            swaggerUi.setUrls(urls);
            swaggerUi.setUrlsPrimaryName(GATEWAY_DOCS);
        };
    }
}
