package io.masthead.webhook.ssrf.infrastructure;

import io.masthead.webhook.ssrf.model.AddressPolicy;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The SSRF guard. {@link #check(String)} resolves a host and refuses it when any of its addresses is not
 * public (at endpoint creation). {@link #resolverGroup()} is the HTTP client's resolver: every connection of
 * every attempt goes to an address this guard resolved and judged itself, so a DNS answer that changes
 * between the check and the connection (DNS rebinding) cannot reach a private address. Lookups run on a
 * small pool of their own (the JDK resolver blocks), never on an event loop.
 */
public class AddressGuard implements AutoCloseable {

    private final AddressPolicy policy;
    private final ExecutorService lookups;
    private final Scheduler scheduler;

    public AddressGuard(AddressPolicy policy) {
        this.policy = policy;
        this.lookups = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("webhook-dns-", 0).factory());
        this.scheduler = Schedulers.fromExecutorService(lookups, "webhook-dns");
    }

    public AddressPolicy policy() {
        return policy;
    }

    /** Completes when every address of {@code host} may be called; fails with {@link AddressRefusedException}. */
    public Mono<Void> check(String host) {
        return Mono.fromCallable(() -> resolveAllowed(host)).subscribeOn(scheduler).then();
    }

    /** The addresses of {@code host}, all of them allowed; throws {@link AddressRefusedException} otherwise. */
    List<InetAddress> resolveAllowed(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new AddressRefusedException("the host '" + host + "' does not resolve");
        }
        List<InetAddress> result = new ArrayList<>();
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                throw new AddressRefusedException("the host '" + host + "' resolves to a non-public address ("
                        + refusal.get() + ")");
            }
            result.add(address);
        }
        return result;
    }

    public AddressResolverGroup<InetSocketAddress> resolverGroup() {
        return new AddressResolverGroup<>() {
            @Override
            protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
                return new GuardedResolver(executor);
            }
        };
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }

    /** Resolves (even literal addresses go through the check) and refuses what the policy refuses. */
    private final class GuardedResolver implements AddressResolver<InetSocketAddress> {

        private final EventExecutor executor;

        GuardedResolver(EventExecutor executor) {
            this.executor = executor;
        }

        @Override
        public boolean isSupported(SocketAddress address) {
            return address instanceof InetSocketAddress;
        }

        @Override
        public boolean isResolved(SocketAddress address) {
            return false; // always come through resolveAll, so that literal addresses are judged too
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address) {
            return resolve(address, executor.newPromise());
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
            Promise<List<InetSocketAddress>> all = executor.newPromise();
            all.addListener(f -> {
                if (f.isSuccess()) {
                    promise.trySuccess(all.getNow().getFirst());
                } else {
                    promise.tryFailure(f.cause());
                }
            });
            resolveAll(address, all);
            return promise;
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
            return resolveAll(address, executor.newPromise());
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address,
                Promise<List<InetSocketAddress>> promise) {
            InetSocketAddress target = (InetSocketAddress) address;
            try {
                lookups.execute(() -> {
                    try {
                        String host = target.isUnresolved() ? target.getHostString() : target.getAddress().getHostAddress();
                        List<InetSocketAddress> result = resolveAllowed(host).stream()
                                .map(a -> new InetSocketAddress(a, target.getPort())).toList();
                        promise.trySuccess(result);
                    } catch (RuntimeException e) {
                        promise.tryFailure(e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                promise.tryFailure(e);
            }
            return promise;
        }

        @Override
        public void close() {
        }
    }
}
