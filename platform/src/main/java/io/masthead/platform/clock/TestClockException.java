package io.masthead.platform.clock;

/** An advance of a test clock that could not complete: a participant failed, or did not settle within the rounds. */
public class TestClockException extends RuntimeException {

    public TestClockException(String message) {
        super(message);
    }

    public TestClockException(String message, Throwable cause) {
        super(message, cause);
    }
}
