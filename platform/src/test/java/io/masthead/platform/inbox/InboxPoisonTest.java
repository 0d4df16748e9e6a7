package io.masthead.platform.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.consumer.PoisonRecordException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/** Which database refusals make a record poison (dead-lettered) and which are retried. */
class InboxPoisonTest {

    private static Throwable refusal(String sqlState) {
        return new DataIntegrityViolationException("refused",
                new R2dbcDataIntegrityViolationException("refused", sqlState));
    }

    @Test
    void refusalsTheRecordsOwnDataCausesArePoison() {
        assertThat(Inbox.poisonIfTheDataIsAtFault(refusal("23502"))).isInstanceOf(PoisonRecordException.class);
        assertThat(Inbox.poisonIfTheDataIsAtFault(refusal("23514"))).isInstanceOf(PoisonRecordException.class);
        assertThat(Inbox.poisonIfTheDataIsAtFault(new R2dbcNonTransientResourceException("bad text", "22021")))
                .isInstanceOf(PoisonRecordException.class).hasMessageContaining("22021");
    }

    @Test
    void refusalsARaceCanCauseAreRetried() {
        Throwable foreignKey = refusal("23503");
        Throwable unique = refusal("23505");
        assertThat(Inbox.poisonIfTheDataIsAtFault(foreignKey)).isSameAs(foreignKey);
        assertThat(Inbox.poisonIfTheDataIsAtFault(unique)).isSameAs(unique);
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThat(Inbox.poisonIfTheDataIsAtFault(bug)).isSameAs(bug);
    }
}
