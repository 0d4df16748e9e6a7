package io.masthead.subscription.product.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProductTest {

    private static final Instant T0 = Instant.parse("2026-05-04T09:30:00Z");
    private static final Instant T1 = Instant.parse("2026-05-05T09:30:00Z");

    private static ProductProfile print() {
        return new ProductProfile("Print Membership", "12 print magazines a year", true, null, null, null, "PR1235",
                null).withDefaults();
    }

    private static List<String> fieldsOf(ProductProfile p) {
        return p.validate().list().stream().map(Violation::field).toList();
    }

    private static Product product() {
        return Product.create("prd_1", "site_a", print(), T0);
    }

    @Test
    void theGuidesExampleProductsAreValid() {
        assertThat(fieldsOf(print())).isEmpty();
        assertThat(print().isActive()).isTrue();
        assertThat(fieldsOf(new ProductProfile("Digital membership", "Digital membership", false, true, null,
                "https://abcd.com/images/1.jpg", "PR1234", Map.of()))).isEmpty();
        assertThat(new ProductProfile("x", null, null, null, null, null, null, null).withDefaults()
                .isAddressRequired()).isFalse();
    }

    @Test
    void nameIsRequiredAndBounded() {
        assertThat(fieldsOf(print().toBuilder().text("name", " ").build())).containsExactly("name");
        assertThat(fieldsOf(print().toBuilder().text("name", "n".repeat(201)).build())).containsExactly("name");
        assertThat(fieldsOf(print().toBuilder().text("description", "d".repeat(2001)).build()))
                .containsExactly("description");
        assertThat(fieldsOf(print().toBuilder().text("old_provider_id", "o".repeat(256)).build()))
                .containsExactly("old_provider_id");
    }

    @Test
    void flagsAreRequiredOnceDefaulted() {
        assertThat(fieldsOf(print().toBuilder().flag("address_required", null).flag("active", null).build()))
                .containsExactlyInAnyOrder("address_required", "active");
    }

    @ParameterizedTest
    @CsvSource({"DAILY PLANET,true", "Planet 24,true", "DP,false", "THE DAILY PLANET GAZETTE,false",
        "12345,false", "DAILY <PLANET>,false", "DAILY 'PLANET',false", "PLANÈTE DU JOUR,false"})
    void statementDescriptorIsWhatCardNetworksPrint(String descriptor, boolean valid) {
        assertThat(fieldsOf(print().toBuilder().text("statement_descriptor", descriptor).build())
                .contains("statement_descriptor")).isEqualTo(!valid);
    }

    @ParameterizedTest
    @CsvSource({"https://abcd.com/images/1.jpg,true", "http://cdn.example/p.png,true", "ftp://x.example/p.png,false",
        "javascript:alert(1),false", "not a url,false", "/images/1.jpg,false"})
    void imageIsAWebUrl(String image, boolean valid) {
        assertThat(fieldsOf(print().toBuilder().text("image", image).build()).contains("image")).isEqualTo(!valid);
    }

    @Test
    void archivingWithoutActivePlansWorks() {
        assertThat(product().archive(0, T1)).isInstanceOfSatisfying(Product.Change.Changed.class, c -> {
            assertThat(c.product().active()).isFalse();
            assertThat(c.fields()).containsExactly("active");
            assertThat(c.product().updatedAt()).isEqualTo(T1);
        });
    }

    @Test
    void archivingWithActivePlansIsRefusedSayingHowMany() {
        assertThat(product().archive(2, T1)).isInstanceOfSatisfying(Product.Change.HasActivePlans.class,
                r -> assertThat(r.activePlans()).isEqualTo(2));
        assertThat(product().change(print().toBuilder().flag("active", false).build(), 1, T1))
                .isInstanceOf(Product.Change.HasActivePlans.class);
        assertThat(Product.HasActivePlansMessage.of(2, "archived")).contains("2 active plans");
        assertThat(Product.HasActivePlansMessage.of(1, "archived")).contains("1 active plan ");
    }

    @Test
    void archivingAnArchivedProductChangesNothing() {
        Product archived = ((Product.Change.Changed) product().archive(0, T1)).product();
        assertThat(archived.archive(0, T1)).isInstanceOf(Product.Change.Unchanged.class);
    }

    @Test
    void otherChangesDoNotCareAboutPlans() {
        assertThat(product().change(print().toBuilder().text("name", "Print").build(), 5, T1))
                .isInstanceOf(Product.Change.Changed.class);
    }

    @Test
    void onlyAnUnusedProductWithoutActivePlansCanBeDeleted() {
        assertThat(product().deletionRefusal(0)).isEmpty();
        assertThat(product().deletionRefusal(3)).hasValueSatisfying(r -> assertThat(r).contains("3 active plans"));
        Product used = new Product("prd_1", "site_a", print(), T1, T0, T0);
        assertThat(used.deletionRefusal(0)).hasValueSatisfying(r -> assertThat(r).contains("archive it instead"));
    }
}
