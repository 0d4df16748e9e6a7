package io.masthead.gateway.site.model;

import io.masthead.gateway.apikey.model.IssuedKey;

/** A site just created together with its first secret key. */
public record SiteWithKey(Site site, IssuedKey key) {
}
