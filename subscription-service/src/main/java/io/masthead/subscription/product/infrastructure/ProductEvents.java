package io.masthead.subscription.product.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.ProductCreated;
import io.masthead.events.subscription.ProductDeleted;
import io.masthead.events.subscription.ProductUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.events.SubscriptionTopic;
import io.masthead.subscription.product.model.Product;
import io.masthead.subscription.product.model.ProductProfile;
import java.util.List;

/** The Avro events of products, keyed by the product id (a product concerns no one customer). */
public final class ProductEvents {

    public static final String CREATED = "product.created";
    public static final String UPDATED = "product.updated";
    public static final String DELETED = "product.deleted";

    private ProductEvents() {
    }

    public static OutboxMessage created(EventHeader header, Product p) {
        return SubscriptionTopic.message(header, p.id(),
                ProductCreated.newBuilder().setHeader(header).setProduct(snapshot(p)).build());
    }

    public static OutboxMessage updated(EventHeader header, Product p, List<String> changedFields) {
        return SubscriptionTopic.message(header, p.id(), ProductUpdated.newBuilder().setHeader(header)
                .setProduct(snapshot(p)).setChangedFields(changedFields).build());
    }

    public static OutboxMessage deleted(EventHeader header, Product p) {
        return SubscriptionTopic.message(header, p.id(),
                ProductDeleted.newBuilder().setHeader(header).setProduct(snapshot(p)).build());
    }

    static io.masthead.events.subscription.Product snapshot(Product p) {
        ProductProfile f = p.profile();
        return io.masthead.events.subscription.Product.newBuilder()
                .setId(p.id())
                .setName(f.name())
                .setDescription(f.description())
                .setAddressRequired(f.isAddressRequired())
                .setActive(f.isActive())
                .setStatementDescriptor(f.statementDescriptor())
                .setImage(f.image())
                .setOldProviderId(f.oldProviderId())
                .setMetadata(f.metadata())
                .setCreatedAt(p.createdAt())
                .setUpdatedAt(p.updatedAt())
                .build();
    }
}
