package io.masthead.gateway.session.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.masthead.gateway.apikey.model.ApiKeyRevoked;
import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.session.infrastructure.CustomerServiceClient;
import io.masthead.gateway.session.infrastructure.LoginAttemptRepository;
import io.masthead.gateway.session.infrastructure.SessionRepository;
import io.masthead.gateway.session.model.CustomerSession;
import io.masthead.gateway.session.model.LoginThrottle;
import io.masthead.gateway.session.model.SessionToken;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.Timestamps;
import io.masthead.platform.validation.Emails;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ProblemException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * Customer sessions: login with a publishable key (email and password, checked by customer-service), sessions
 * created for support tools with a secret key, logout, and the lookup of a presented token.
 *
 * <p>Failed logins are limited per email and per client address in the gateway's database, so every gateway
 * instance sees the same counts ({@link LoginThrottle}). An attempt is recorded before the password is checked and
 * deleted when it succeeds: concurrent attempts count each other, so a burst cannot slip past the limit.
 *
 * <p>Successful token lookups are cached for the authentication cache's TTL (by the token's hash); every use checks
 * the session's expiry against the site's time (a test site's test clock) and a logout through this instance drops
 * it at once. Nothing here logs a token, a password or an email.
 */
public class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionRepository sessions;
    private final LoginAttemptRepository attempts;
    private final CustomerServiceClient customers;
    private final SiteNow siteTime;
    /** Mints the internal token of a caller (the gateway's own, for its calls to customer-service). */
    private final Function<Caller, String> internalTokens;
    private final Clock clock;
    private final SessionProperties properties;
    private final LoginThrottle perCustomer;
    private final LoginThrottle perIp;
    private final AsyncCache<String, CustomerSession> cache;

    public SessionService(SessionRepository sessions, LoginAttemptRepository attempts, CustomerServiceClient customers,
            SiteNow siteTime, Function<Caller, String> internalTokens, Clock clock, SessionProperties properties,
            Duration cacheTtl) {
        this.sessions = sessions;
        this.attempts = attempts;
        this.customers = customers;
        this.siteTime = siteTime;
        this.internalTokens = internalTokens;
        this.clock = clock;
        this.properties = properties;
        this.perCustomer = new LoginThrottle(properties.maxFailuresPerCustomer(), properties.failureWindow());
        this.perIp = new LoginThrottle(properties.maxFailuresPerIp(), properties.failureWindow());
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(100_000).buildAsync();
    }

    /** A new session and its token, shown once. */
    public record Issued(CustomerSession session, SessionToken token) {
    }

    /** Too many failed logins: try again after {@code retryAfter}. */
    public static final class TooManyAttempts extends ProblemException {
        private final Duration retryAfter;

        TooManyAttempts(Duration retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, "too-many-login-attempts", "Too many login attempts",
                    "Too many failed logins for this customer or from this address; try again in "
                            + retryAfter.toSeconds() + " s", List.of());
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Logs a customer in with the site's publishable key: a session when the email and password are a customer's,
     * else 401; 429 once the email or the client address has too many recent failures.
     *
     * @param clientAddress the rate-limit subject of the client's address ({@code ClientAddress}); null when the peer
     *     has no address, which is refused (400)
     */
    public Mono<Issued> login(AuthenticatedKey key, String email, String password, String clientAddress) {
        return Mono.defer(() -> {
            Violations v = new Violations();
            v.require("email", email);
            v.require("password", password);
            v.maxLength("email", email, 254);
            v.maxLength("password", password, 1024);
            v.throwIfAny();
            if (clientAddress == null) {
                // one shared bucket for every peer without an address would let one client lock them all out
                return Mono.error(new ProblemException(HttpStatus.BAD_REQUEST, "client-address-unknown",
                        "Client address unknown", "The client's address is unknown, so failed logins cannot be "
                                + "limited; log in over a connection with a known peer address", List.of()));
            }
            Instant wall = clock.instant();
            String customerSubject = SecretKey.hashOf(Emails.normalized(email));
            String ipSubject = SecretKey.hashOf(clientAddress);
            return attempts.record(key.siteId(), LoginAttemptRepository.SCOPE_CUSTOMER, customerSubject, wall)
                    .zipWith(attempts.record(key.siteId(), LoginAttemptRepository.SCOPE_IP, ipSubject, wall))
                    .flatMap(ids -> {
                        List<Long> own = List.of(ids.getT1(), ids.getT2());
                        return throttled(key.siteId(), customerSubject, ids.getT1(), ipSubject, ids.getT2(), wall)
                                .flatMap(retry -> attempts.delete(own).then(Mono.<Issued>error(new TooManyAttempts(retry))))
                                .switchIfEmpty(Mono.defer(() -> check(key, email.strip(), password, own, customerSubject)));
                    });
        });
    }

    private Mono<Duration> throttled(String siteId, String customerSubject, long customerAttempt, String ipSubject,
            long ipAttempt, Instant wall) {
        Mono<Optional<Duration>> byCustomer = attempts.recent(siteId, LoginAttemptRepository.SCOPE_CUSTOMER,
                        customerSubject, perCustomer.windowStart(wall), customerAttempt, perCustomer.maxFailures())
                .collectList().map(earlier -> perCustomer.retryAfter(earlier, wall));
        Mono<Optional<Duration>> byIp = attempts.recent(siteId, LoginAttemptRepository.SCOPE_IP, ipSubject,
                        perIp.windowStart(wall), ipAttempt, perIp.maxFailures())
                .collectList().map(earlier -> perIp.retryAfter(earlier, wall));
        return byCustomer.zipWith(byIp).flatMap(both -> {
            Optional<Duration> longest = both.getT1().isEmpty() ? both.getT2() : both.getT2().isEmpty() ? both.getT1()
                    : Optional.of(both.getT1().get().compareTo(both.getT2().get()) >= 0 ? both.getT1().get()
                            : both.getT2().get());
            return Mono.justOrEmpty(longest);
        });
    }

    private Mono<Issued> check(AuthenticatedKey key, String email, String password, List<Long> own,
            String customerSubject) {
        String token = internalTokens.apply(Caller.admin(key.siteId(), key.livemode()));
        return customers.verify(token, email, password)
                // a timeout or failure of customer-service counts as a failed attempt: its rows stay, so that a
                // password that makes the check slow or fail cannot be tried without limit
                .flatMap(customer -> {
                    if (customer.isEmpty()) {
                        return Mono.error(new ProblemException(HttpStatus.UNAUTHORIZED, "invalid-credentials",
                                "Invalid credentials", "The email or password is wrong", List.of()));
                    }
                    return attempts.delete(own)
                            .then(attempts.clear(key.siteId(), LoginAttemptRepository.SCOPE_CUSTOMER, customerSubject))
                            .then(issue(key.siteId(), key.livemode(), customer.get(), CustomerSession.ORIGIN_LOGIN,
                                    key.keyId()));
                });
    }

    /** A session of customer {@code customerId} for support tools (a secret key); 404 for a customer the site lacks. */
    public Mono<Issued> createForCustomer(Caller caller, AuthenticatedKey key, String customerId) {
        return Mono.defer(() -> {
            if (!caller.isAdmin() || key == null || !key.secret()) {
                return Mono.error(ProblemException.forbidden("Only a secret API key can create customer sessions"));
            }
            if (!Ids.looksLike("cus", customerId)) {
                return Mono.error(ProblemException.notFound("customer", customerId));
            }
            return customers.customerExists(internalTokens.apply(Caller.admin(key.siteId(), key.livemode())),
                            customerId)
                    .flatMap(exists -> exists
                            ? issue(key.siteId(), key.livemode(), customerId, CustomerSession.ORIGIN_SUPPORT, key.keyId())
                            : Mono.error(ProblemException.notFound("customer", customerId)));
        });
    }

    private Mono<Issued> issue(String siteId, boolean livemode, String customerId, String origin, String keyId) {
        Instant wall = clock.instant();
        return siteNow(siteId, livemode, wall).flatMap(now -> {
            SessionToken token = SessionToken.generate(livemode, RANDOM);
            Instant created = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            CustomerSession session = new CustomerSession(Ids.next(CustomerSession.ID_PREFIX, clock), siteId, livemode,
                    customerId, origin, keyId, created, created.plus(properties.ttl()), null);
            log.info("Customer session {} created for {} of {} ({})", session.id(), customerId, siteId, origin);
            return sessions.insert(session, token.hash(), wall).thenReturn(new Issued(session, token));
        });
    }

    /** Revokes the presented session: its token stops working at once through this instance. */
    public Mono<CustomerSession> logout(CustomerSession session) {
        return sessions.revoke(session.siteId(), session.id(), Timestamps.now(clock))
                .doOnNext(revoked -> cache.synchronous().asMap().values().removeIf(s -> s.id().equals(revoked.id())))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session", session.id())));
    }

    /**
     * Revokes every session of a customer of the caller's site (secret key only): support ending a customer's logins.
     * A customer without sessions: nothing to revoke; a customer the site does not have (asked of customer-service):
     * 404.
     */
    public Mono<Void> revokeAllOf(Caller caller, AuthenticatedKey key, String customerId) {
        return Mono.defer(() -> {
            if (!caller.isAdmin() || key == null || !key.secret()) {
                return Mono.error(ProblemException.forbidden("Only a secret API key can revoke customer sessions"));
            }
            if (!Ids.looksLike("cus", customerId)) {
                return Mono.error(ProblemException.notFound("customer", customerId));
            }
            return customers.customerExists(internalTokens.apply(Caller.admin(key.siteId(), key.livemode())),
                            customerId)
                    .flatMap(exists -> exists ? revokeCustomer(caller.siteId(), customerId, "revoked by a secret key")
                            : Mono.error(ProblemException.notFound("customer", customerId)));
        });
    }

    /**
     * Revokes every session of a customer, e.g. after its password was set or reset: the tokens stop working at once
     * through this instance (through others within the authentication cache window).
     */
    public Mono<Void> revokeCustomer(String siteId, String customerId, String reason) {
        return sessions.revokeAllOf(siteId, customerId, Timestamps.now(clock))
                .doOnNext(n -> {
                    cache.synchronous().asMap().values()
                            .removeIf(s -> s.siteId().equals(siteId) && s.customerId().equals(customerId));
                    log.info("{} session(s) of {} of {} revoked ({})", n, customerId, siteId, reason);
                })
                .then();
    }

    /** Revokes the sessions created with a revoked API key (logins with a publishable key, support sessions). */
    @EventListener
    public void on(ApiKeyRevoked revoked) {
        cache.synchronous().asMap().values().removeIf(s -> revoked.keyId().equals(s.apiKeyId()));
        // the lookup already refuses sessions of a revoked key; this records their end
        sessions.revokeAllOfKey(revoked.keyId(), Timestamps.now(clock))
                .subscribe(n -> log.info("{} session(s) created with {} revoked with it", n, revoked.keyId()),
                        e -> log.warn("Sessions created with {} not marked revoked: {}", revoked.keyId(), e.toString()));
    }

    /** The session of this token if it is active now (not revoked, not expired in the site's time), else empty. */
    public Mono<CustomerSession> authenticate(SessionToken token) {
        return Mono.fromFuture(() -> cache.get(token.hash(),
                        (hash, executor) -> sessions.findByHash(hash).filter(s -> s.revokedAt() == null).toFuture()), true)
                .flatMap(session -> siteNow(session.siteId(), session.livemode(), clock.instant())
                        .filter(session::activeAt)
                        .map(now -> session));
    }

    /** The site's time: the wall clock for a live site (no lookup), its test clock's time for a test site. */
    private Mono<Instant> siteNow(String siteId, boolean livemode, Instant wall) {
        return livemode ? Mono.just(wall) : siteTime.of(siteId, wall);
    }

    /** A test site's time when the wall clock shows {@code wall} (its test clock's; the wall time without one). */
    @FunctionalInterface
    public interface SiteNow {
        Mono<Instant> of(String siteId, Instant wall);
    }
}
