package io.masthead.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PaginationTest {

    @Test
    void defaultsToTenAndAcceptsOneToAHundred() {
        assertThat(PageRequest.of(null, null).limit()).isEqualTo(10);
        assertThat(PageRequest.of("1", "cus_x").fetchSize()).isEqualTo(2);
        assertThat(PageRequest.of("100", null).limit()).isEqualTo(100);
    }

    @Test
    void badLimitsNameTheParameter() {
        for (String bad : List.of("0", "101", "ten", "-5")) {
            assertThatThrownBy(() -> PageRequest.of(bad, null)).isInstanceOf(ValidationException.class)
                    .extracting(e -> ((ValidationException) e).violations()).asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.list(Violation.class))
                    .extracting(Violation::field).containsExactly("limit");
        }
    }

    @Test
    void theExtraRowOnlySignalsAnotherPage() {
        PageRequest page = PageRequest.of("2", null);
        ListResponse<String> full = ListResponse.of(List.of("c", "b", "a"), page, Function.identity());
        assertThat(full.data()).containsExactly("c", "b");
        assertThat(full.hasMore()).isTrue();
        assertThat(full.nextCursor()).isEqualTo("b");

        ListResponse<String> last = ListResponse.of(List.of("a"), page, Function.identity());
        assertThat(last.hasMore()).isFalse();
        assertThat(last.nextCursor()).isNull();
    }
}
