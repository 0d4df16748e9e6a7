package io.masthead.gateway.testclock.application;

import io.masthead.platform.clock.ClockParticipant;
import java.util.List;

/** The services an advance moves, as participants of the test clock. */
@FunctionalInterface
public interface TestClockParticipants {

    List<ClockParticipant> all();
}
