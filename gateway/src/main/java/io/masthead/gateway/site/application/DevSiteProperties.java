package io.masthead.gateway.site.application;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param keyFile where the local run keeps the dev site's secret key; unset (the default) means no dev site
 */
@ConfigurationProperties("masthead.gateway.dev-site")
public record DevSiteProperties(Path keyFile) {
}
