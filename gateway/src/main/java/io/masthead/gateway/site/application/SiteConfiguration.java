package io.masthead.gateway.site.application;

import io.masthead.gateway.apikey.application.ApiKeyService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dev site, only when the gateway runs as a server and a key file is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(DevSiteProperties.class)
public class SiteConfiguration {

    @Bean
    @ConditionalOnProperty("masthead.gateway.dev-site.key-file")
    DevSite devSite(DevSiteProperties properties, SiteService sites, ApiKeyService apiKeys) {
        if (properties.keyFile() == null || properties.keyFile().toString().isBlank()) {
            throw new IllegalStateException("masthead.gateway.dev-site.key-file is set but empty");
        }
        return new DevSite(properties.keyFile(), sites, apiKeys);
    }
}
