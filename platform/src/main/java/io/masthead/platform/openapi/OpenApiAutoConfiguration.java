package io.masthead.platform.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.WebAutoConfiguration;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.ObjectSchema;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI documents of every service tell the truth about the wire: the {@link ApiContract} (security,
 * problem responses, {@code Idempotency-Key}, pagination), property names in snake_case as the JSON is, the
 * {@link Caller} argument hidden (it comes from the bearer token, not from the request), and free-form JSON
 * (Jackson's {@code JsonNode}) as an object rather than Jackson's internals.
 */
@AutoConfiguration(after = WebAutoConfiguration.class)
@ConditionalOnClass(GlobalOpenApiCustomizer.class)
public class OpenApiAutoConfiguration {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class)
                .replaceWithSchema(JsonNode.class, new ObjectSchema().description("A JSON object"))
                .replaceWithSchema(ObjectNode.class, new ObjectSchema().description("A JSON object"));
    }

    @Bean
    ApiContract apiContract(ObjectProvider<IdempotencyFilter> idempotency) {
        return new ApiContract(idempotency.getIfAvailable() != null);
    }

    /**
     * Schemas from the same naming the services' JSON uses ({@code spring.jackson.property-naming-strategy:
     * SNAKE_CASE}); springdoc introspects with its own (Jackson 2) mapper, which knows nothing of that setting.
     */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        ObjectMapper mapper = Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return new ModelResolver(mapper).openapi31(true);
    }
}
