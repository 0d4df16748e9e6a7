package io.masthead.system.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two sites of a fuzz run: the fuzz site (whose key sends every case) and another site with real objects of its
 * own, whose ids the cases try against the fuzz site's key. {@code own} and {@code foreign} map each collection path
 * (e.g. /v1/customers) to ids of real objects in it; they are found by listing every collection, so the objects of
 * services added later are found too.
 */
record Fixture(String ownSiteId, String ownKey, String foreignSiteId, String foreignKey,
               Map<String, List<String>> own, Map<String, List<String>> foreign, Set<String> protectedIds,
               String receiverUrl, String ownPublishableKey, String ownCustomerToken) {

    /**
     * The credential a well-formed request of {@code op} carries: the fuzz site's publishable key for login, a
     * customer token of one of its customers for logout, its secret key for everything else.
     */
    String keyFor(ApiCatalogue.Operation op) {
        return switch (op.key()) {
            case "POST /v1/auth/login" -> ownPublishableKey;
            case "POST /v1/auth/logout" -> ownCustomerToken;
            default -> ownKey;
        };
    }

    List<String> ownIn(String collection) {
        return own.getOrDefault(collection, List.of());
    }

    List<String> foreignIn(String collection) {
        return foreign.getOrDefault(collection, List.of());
    }

    /** Every id of the other site, and its site id: none may ever appear in an answer to the fuzz site. */
    List<String> foreignSecrets() {
        List<String> all = new ArrayList<>();
        foreign.values().forEach(all::addAll);
        all.add(foreignSiteId);
        return all;
    }

    /**
     * The collection a body or query field such as customer_id or endpoint_id refers to, if any; also a bare
     * reference named as the collection's singular (product, plan, customer), as Stripe-style APIs name them, and
     * the subscription's address and gift fields (shipping_address, billing_address, recipient).
     */
    String collectionOfField(String field) {
        Map<String, List<String>> all = new LinkedHashMap<>(foreign);
        all.putAll(own);
        if (field.endsWith("_address")) { // shipping_address, billing_address: an address id
            return all.keySet().stream().filter(c -> c.endsWith("/addresses")).findFirst().orElse(null);
        }
        if (field.equals("recipient")) { // a gift's recipient: a customer id
            return all.keySet().stream().filter(c -> c.endsWith("/customers")).findFirst().orElse(null);
        }
        if (!field.endsWith("_id")) {
            return all.keySet().stream().filter(c -> c.substring(c.lastIndexOf('/') + 1).equals(field + "s"))
                    .findFirst().orElse(null);
        }
        String stem = field.substring(0, field.length() - 3);
        String singular = stem.endsWith("y") ? stem.substring(0, stem.length() - 1) : stem;
        return all.keySet().stream().filter(c -> c.substring(c.lastIndexOf('/') + 1).contains(singular))
                .findFirst().orElse(null);
    }
}
