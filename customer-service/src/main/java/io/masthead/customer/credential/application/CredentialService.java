package io.masthead.customer.credential.application;

import io.masthead.customer.credential.infrastructure.CredentialRepository;
import io.masthead.customer.credential.infrastructure.SpringBcrypt;
import io.masthead.customer.credential.model.HashAlgorithm;
import io.masthead.customer.credential.model.PasswordHashing;
import io.masthead.customer.credential.model.PasswordRules;
import io.masthead.customer.credential.model.StoredPassword;
import io.masthead.customer.customer.infrastructure.CustomerRepository;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ProblemException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Customers' passwords: an admin sets or resets one; the gateway verifies an email and password at login (through
 * the internal endpoint), and a migrated hash that verifies is replaced by a current one. Hashing is slow on
 * purpose, so it runs on a scheduler of its own with one thread per core, never on an event loop. Nothing here
 * logs, returns or emits a password or a hash; a credential change emits no event (the customer snapshot does not
 * change, and events must never carry credentials).
 */
@Service
@EnableConfigurationProperties(CredentialProperties.class)
public class CredentialService {

    private static final Logger log = LoggerFactory.getLogger(CredentialService.class);

    private final CredentialRepository credentials;
    private final CustomerRepository customers;
    private final SiteTime siteTime;
    private final PasswordHashing hashing;
    private final Scheduler hashingScheduler;
    /** Checked when no customer or credential matches, so that a login takes as long either way. */
    private final StoredPassword decoy;

    public CredentialService(CredentialRepository credentials, CustomerRepository customers, SiteTime siteTime,
            CredentialProperties properties) {
        this.credentials = credentials;
        this.customers = customers;
        this.siteTime = siteTime;
        this.hashing = new PasswordHashing(new SpringBcrypt(), properties.bcryptCost());
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.hashingScheduler = Schedulers.newBoundedElastic(threads, 10_000, "password-hashing");
        this.decoy = hashing.hash("decoy password " + System.nanoTime());
    }

    /** Sets or resets a customer's password (admin only); 404 for a customer the site does not have. */
    public Mono<Void> setPassword(Caller caller, String customerId, String password) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return customers.find(caller.siteId(), customerId)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("customer", customerId)));
        }).flatMap(customer -> {
            PasswordRules.check(password, customer.profile().email()).throwIfAny();
            return slow(() -> hashing.hash(password));
        }).flatMap(stored -> siteTime.now(caller)
                .flatMap(now -> credentials.save(caller.siteId(), customerId, stored, now)));
    }

    /**
     * The customer of the site whose email and password these are, or empty. Admin only: the gateway asks with
     * its own token for the site. A hash of another algorithm or a lower cost is replaced after it verified.
     */
    public Mono<Optional<String>> verify(Caller caller, String email, String password) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Violations v = new Violations();
            v.require("email", email);
            v.require("password", password);
            v.maxLength("email", email, 254);
            v.maxLength("password", password, 1024);
            v.throwIfAny();
            return credentials.findByEmail(caller.siteId(), email.strip())
                    .map(Optional::of).defaultIfEmpty(Optional.empty());
        }).flatMap(holder -> {
            Optional<StoredPassword> stored = holder.flatMap(CredentialRepository.Holder::password);
            if (stored.isEmpty()) {
                return slow(() -> hashing.verify(password, decoy)).thenReturn(Optional.<String>empty());
            }
            String customerId = holder.get().customerId();
            if (!hashing.withinWorkLimit(stored.get())) {
                // a hostile or corrupt hash: it would hold a hashing thread for minutes; it does not verify
                log.warn("Credential of {} ({}) names a work factor above the cap; it does not verify", customerId,
                        stored.get().algorithm().wireName());
            }
            // a fast legacy hash (or one above the cap) checks the decoy as well: the time tells nothing
            return slow(() -> hashing.verifyPadded(password, stored.get(), decoy)).flatMap(matched -> {
                if (!matched) {
                    return Mono.just(Optional.<String>empty());
                }
                if (!hashing.needsRehash(stored.get())) {
                    return Mono.just(Optional.of(customerId));
                }
                return rehash(caller, customerId, stored.get(), password).thenReturn(Optional.of(customerId));
            });
        });
    }

    private Mono<Void> rehash(Caller caller, String customerId, StoredPassword old, String password) {
        return slow(() -> hashing.hash(password))
                .flatMap(fresh -> siteTime.now(caller)
                        .flatMap(now -> credentials.replace(caller.siteId(), customerId, old, fresh, now)))
                .doOnNext(replaced -> {
                    if (replaced) {
                        log.info("Credential of {} rehashed from {} to {}", customerId, old.algorithm().wireName(),
                                HashAlgorithm.BCRYPT_SHA384.wireName());
                    }
                })
                .then()
                // the password verified: a failed rehash is tried again at the next login, not a failed login
                .onErrorResume(e -> {
                    log.warn("Credential of {} not rehashed: {}", customerId, e.toString());
                    return Mono.empty();
                });
    }

    private <T> Mono<T> slow(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(hashingScheduler);
    }
}
