package io.masthead.subscription.pause.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.web.ProblemException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/** The database's refusals of a pause become problems of the request: 409 or 422, never a 500. */
class PauseServiceTranslateTest {

    private static ProblemException translated(String message) {
        Throwable t = PauseService.translate(new DataIntegrityViolationException(message));
        assertThat(t).isInstanceOf(ProblemException.class);
        return (ProblemException) t;
    }

    @Test
    void theNinetyDaysCheckIsA422OnTheDuration() {
        ProblemException p = translated("new row for relation \"subscription_pauses\" violates check constraint "
                + "\"subscription_pauses_at_most_90_days\"");
        assertThat(p.status().value()).isEqualTo(422);
        assertThat(p.type()).endsWith("at-most-90-days");
        assertThat(p.getMessage()).contains("90 days");
    }

    @Test
    void anyOtherCheckIsA422NamingIt() {
        ProblemException p = translated("new row for relation \"subscription_pauses\" violates check constraint "
                + "\"subscription_pauses_check7\"");
        assertThat(p.status().value()).isEqualTo(422);
        assertThat(p.getMessage()).contains("subscription_pauses_check7");
    }

    @Test
    void theOncePerYearIndexIsA409() {
        assertThat(translated("duplicate key value violates unique constraint \"subscription_pauses_once_per_year\"")
                .status().value()).isEqualTo(409);
    }
}
