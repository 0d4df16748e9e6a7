package io.masthead.webhook.ssrf.infrastructure;

/** The URL's host resolves to an address endpoints may not use, or does not resolve at all. */
public class AddressRefusedException extends RuntimeException {

    public AddressRefusedException(String message) {
        super(message, null, false, false);
    }
}
