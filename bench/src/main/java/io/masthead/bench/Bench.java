package io.masthead.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The benchmark harness, run against the local platform ({@code ./masthead up}):
 * <ol>
 *   <li>customer creates through the gateway at fixed rates (open loop, latency from the due time), each with
 *       a warm-up; every created customer's {@code customer.created} event is matched on Kafka by key;</li>
 *   <li>creates as fast as N closed-loop workers can (the platform's throughput);</li>
 *   <li>GET liveness through the gateway with the same N (the bare HTTP path's ceiling);</li>
 *   <li>single-row INSERTs into the same PostgreSQL with N connections (the machine's ceiling for the
 *       database work of a create), and the ratio of 2 to it.</li>
 * </ol>
 * Prints a table and writes it as Markdown (default {@code bench/target/results.md}). Figures only: nothing is
 * asserted. Every phase is bounded in time and count; only loopback targets are accepted.
 */
public final class Bench {

    private final BenchOptions options;
    private final String runId;

    private Bench(BenchOptions options) {
        this.options = options;
        this.runId = Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    }

    public static void main(String[] args) {
        // No SLF4J provider on the classpath: the Kafka client logs nothing; keep SLF4J from saying so.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            boolean help = e.getMessage() == null || e.getMessage().isEmpty();
            if (!help) {
                System.err.println("bench: " + e.getMessage());
            }
            (help ? System.out : System.err).println(BenchOptions.USAGE);
            System.exit(help ? 0 : 2);
            return;
        }
        int status;
        try {
            status = new Bench(options).run();
        } catch (Failure e) {
            System.err.println("bench: " + e.getMessage());
            status = 1;
        } catch (Exception e) {
            System.err.println("bench: failed");
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** A failure explained in its message (no stack trace needed). */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    private int run() throws Exception {
        String key = readKey(options.keyFile());
        ProcessCpu.configure(options.keyFile().toAbsolutePath().resolveSibling("masthead.pid"), options.postgresPort());
        List<String> context = new ArrayList<>();
        context.add("Run " + runId + " at " + OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
        context.add("Machine: " + machine());
        context.add("Load generator JVM: " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        context.add(String.format(Locale.ROOT,
                "Settings: rates %s/s, warm-up %s, measured %s per fixed-rate phase, %s per max phase; N = %d workers/connections; "
                        + "at most %d creates in flight at a fixed rate; request timeout %s",
                options.rates().stream().map(Report::rate).collect(Collectors.joining(", ")),
                human(options.warmup()), human(options.duration()), human(options.maxDuration()),
                options.workers(), options.concurrency(), human(options.requestTimeout())));
        context.add("Targets: gateway " + options.gateway() + ", Kafka " + options.kafka() + " topic " + options.topic()
                + ", PostgreSQL " + options.postgresHost() + ":" + options.postgresPort());
        for (String line : context) {
            say(line);
        }
        say("Planned: about %s of load, plus the wait for events after each phase.", human(plannedLength()));

        InsertCeiling ceiling = null;
        if (options.ceilingPhase()) {
            ceiling = new InsertCeiling(options, runId);
            Map<String, String> settings;
            try {
                settings = ceiling.prepare();
            } catch (java.sql.SQLException e) {
                throw new Failure("PostgreSQL at " + options.postgresHost() + ":" + options.postgresPort()
                        + " is not usable (" + e.getMessage() + "); start the platform with ./masthead up, or pass --no-ceiling");
            }
            String line = "PostgreSQL: " + settings.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            context.add(line);
            say(line);
        }

        List<PhaseResult> results = new ArrayList<>();
        EventTracker tracker = new EventTracker();
        try (Gateway gateway = new Gateway(options.gateway(), key, options.requestTimeout(), runId)) {
            String notReady = gateway.notReady();
            if (notReady != null) {
                throw new Failure("the gateway is not ready: " + notReady + "\nStart the platform with ./masthead up");
            }
            Load.Outcome first = gateway.create(System.nanoTime(), null, null);
            if (!first.ok()) {
                throw new Failure("a first customer create failed: " + first.cause() + " " + first.detail()
                        + (first.cause().equals("HTTP 401") ? "\nIs " + options.keyFile() + " the running gateway's dev site key?" : ""));
            }
            KafkaEvents kafka = null;
            try {
                kafka = new KafkaEvents(options.kafka(), options.topic(), tracker, Duration.ofSeconds(30),
                        plannedLength().plus(Duration.ofMinutes(15)));
                say("Kafka: reading %s from its end", options.topic());
            } catch (RuntimeException e) {
                String line = "Kafka: events NOT measured (" + e.getMessage() + ")";
                context.add(line);
                say(line);
            }
            try {
                EventTracker live = kafka == null ? null : tracker;
                for (double rate : options.rates()) {
                    results.add(fixedRate(gateway, live, kafka, rate));
                }
                if (options.maxPhase()) {
                    results.add(maxCreates(gateway, live, kafka));
                }
                if (options.livenessPhase()) {
                    results.add(liveness(gateway));
                }
            } finally {
                if (kafka != null) {
                    context.add("Kafka: " + kafka.records() + " records read from " + options.topic()
                            + (kafka.failure() != null ? "; the consumer failed: " + kafka.failure() : ""));
                    kafka.close();
                }
            }
        }
        if (ceiling != null) {
            results.add(insertCeiling(ceiling));
        }

        Report report = new Report(results);
        System.out.println();
        System.out.print(report.text());
        Path output = options.output();
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, report.markdown("Masthead benchmark results", context), StandardCharsets.UTF_8);
        say("Markdown written to %s", output);
        return 0;
    }

    private PhaseResult fixedRate(Gateway gateway, EventTracker tracker, KafkaEvents kafka, double rate) throws InterruptedException {
        String name = "creates @ " + Report.rate(rate) + "/s";
        say("%s: %s warm-up, %s measured...", name, human(options.warmup()), human(options.duration()));
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        Load.Run run = Load.openLoop(RateSchedule.of(rate, options.warmup(), options.duration()), options.concurrency(),
                options.requestTimeout(), (due, measured) -> gateway.createAsync(due, tracker, measured ? events : null));
        if (run.skippedWarmup() > 0) {
            say("  (%d warm-up creates were dropped: the warm-up's time was over before they could go out)", run.skippedWarmup());
        }
        if (run.maxLagNanos() > 100_000_000L) {
            say("  (the schedule ran up to %s ms late: more than %d creates were in flight)",
                    Report.ms(run.maxLagNanos() / 1e6), options.concurrency());
        }
        return finish(PhaseResult.Kind.FIXED_RATE, name, rate, options.concurrency(), run, tracker, kafka, events);
    }

    private PhaseResult maxCreates(Gateway gateway, EventTracker tracker, KafkaEvents kafka) throws InterruptedException {
        String name = "creates max";
        say("%s: %d workers, %s warm-up, %s measured...", name, options.workers(), human(options.warmup()), human(options.maxDuration()));
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        Load.Run run = Load.closedLoop(options.workers(), options.warmup(), options.maxDuration(), options.requestTimeout(),
                w -> (start, measured) -> gateway.create(start, tracker, measured ? events : null));
        return finish(PhaseResult.Kind.MAX_CREATES, name, null, options.workers(), run, tracker, kafka, events);
    }

    private PhaseResult liveness(Gateway gateway) throws InterruptedException {
        String name = "GET liveness max";
        say("%s: %d workers, %s warm-up, %s measured...", name, options.workers(), human(options.warmup()), human(options.maxDuration()));
        Load.Run run = Load.closedLoop(options.workers(), options.warmup(), options.maxDuration(), options.requestTimeout(),
                w -> (start, measured) -> gateway.liveness());
        return finish(PhaseResult.Kind.HTTP_CEILING, name, null, options.workers(), run, null, null, null);
    }

    private PhaseResult insertCeiling(InsertCeiling ceiling) throws Exception {
        String name = "INSERT ceiling (JDBC)";
        say("%s: %d connections, %s warm-up, %s measured...", name, options.workers(), human(options.warmup()), human(options.maxDuration()));
        try {
            Load.Run run = ceiling.run();
            return finish(PhaseResult.Kind.INSERT_CEILING, name, null, options.workers(), run, null, null, null);
        } finally {
            ceiling.cleanUp();
        }
    }

    private PhaseResult finish(PhaseResult.Kind kind, String name, Double target, int concurrency, Load.Run run,
                               EventTracker tracker, KafkaEvents kafka, EventTracker.PhaseEvents events) throws InterruptedException {
        boolean tracked = tracker != null && events != null;
        if (tracked) {
            long until = System.nanoTime() + options.eventWait().toNanos();
            while (events.missing() > 0 && System.nanoTime() - until < 0 && kafka.failure() == null) {
                Thread.sleep(50);
            }
            tracker.forget(events, System.nanoTime() - 60_000_000_000L);
            tracker.forgetWarmup();
            if (kafka.failure() != null) {
                say("  the Kafka consumer failed: %s", kafka.failure());
            }
        }
        PhaseCounters c = run.counters();
        PhaseResult result = new PhaseResult(kind, name, target, concurrency, run.achievedRate(), c.ok(), c.errors(),
                run.notSent(), c.causes(), c.samples(), c.latency.summary(), tracked,
                tracked ? events.afterResponse.summary() : Latencies.Summary.EMPTY,
                tracked ? events.afterRequestStart.summary() : Latencies.Summary.EMPTY,
                tracked ? events.missing() : 0, tracked ? events.beforeResponse.get() : 0, run.cpu());
        say("  -> %s/s, %d ok, %d errors, p50 %s ms, p99 %s ms%s; CPU machine %s, bench %s", Report.rate(result.achievedRate()),
                result.ok(), result.errors(), Report.ms(result.latency().p50()), Report.ms(result.latency().p99()),
                tracked ? ", event p99 " + Report.ms(result.eventAfterResponse().p99()) + " ms after the 201 ("
                        + result.eventsMissing() + " missing)" : "",
                Report.percent(result.cpu().machine()), Report.percent(result.cpu().bench()));
        if (!c.causes().isEmpty()) {
            say("  errors: %s", c.causes());
        }
        return result;
    }

    private Duration plannedLength() {
        Duration perPhase = options.warmup().plus(options.duration());
        Duration total = perPhase.multipliedBy(options.rates().size());
        Duration perMax = options.warmup().plus(options.maxDuration());
        int maxPhases = (options.maxPhase() ? 1 : 0) + (options.livenessPhase() ? 1 : 0) + (options.ceilingPhase() ? 1 : 0);
        return total.plus(perMax.multipliedBy(maxPhases));
    }

    private static String readKey(Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw new Failure(file + " is empty");
            }
            return key;
        } catch (NoSuchFileException e) {
            throw new Failure("no dev site key at " + file.toAbsolutePath()
                    + ": start the platform with ./masthead up (the gateway writes it on its first start), or pass --key-file");
        } catch (IOException e) {
            throw new Failure("cannot read " + file + ": " + e.getMessage());
        }
    }

    static String machine() {
        StringBuilder out = new StringBuilder();
        out.append(CpuUsage.cores()).append(" cores");
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> out.append(" (").append(l.substring(l.indexOf(':') + 1).strip()).append(')'));
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        long memory = CpuUsage.totalMemoryBytes();
        if (memory > 0) {
            out.append(String.format(Locale.ROOT, ", %.1f GiB RAM", memory / (1024.0 * 1024 * 1024)));
        }
        out.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch"));
        return out.toString();
    }

    static String human(Duration d) {
        long millis = d.toMillis();
        if (millis % 60_000 == 0 && millis >= 60_000) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return millis + " ms";
    }

    private static void say(String format, Object... args) {
        System.out.println("bench: " + (args.length == 0 ? format : String.format(Locale.ROOT, format, args)));
    }
}
