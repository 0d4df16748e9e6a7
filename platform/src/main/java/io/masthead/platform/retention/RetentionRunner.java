package io.masthead.platform.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link RetentionJob}s: on schedule (a first run {@code initial-delay} after start-up, then every
 * {@code interval}) on one thread of its own, or when {@link #runOnce()} is called. Ages are measured on the
 * injected clock. Each job deletes in batches until a batch finds fewer rows than it may take; a job that fails
 * is counted and logged, and the others still run (it is tried again next run). Several instances may run at
 * once: batches skip rows another one holds.
 *
 * <p>Meters: {@code masthead.retention.deleted{table}} rows deleted, {@code masthead.retention.failures{table}}
 * failed job runs, {@code masthead.retention.run} run durations, {@code masthead.retention.last.run} the end of
 * the last run (epoch seconds; Prometheus {@code masthead_retention_last_run_seconds}).
 */
public class RetentionRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionRunner.class);
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(5);

    private final List<RetentionJob> jobs;
    private final RetentionProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer runs;
    private final AtomicLong lastRun = new AtomicLong();
    private volatile ScheduledExecutorService scheduler;

    public RetentionRunner(List<RetentionJob> jobs, RetentionProperties properties, Clock clock, MeterRegistry meters) {
        this.jobs = jobs.stream().sorted(Comparator.comparingInt(RetentionJob::order).thenComparing(RetentionJob::name))
                .toList();
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        Set<String> names = new HashSet<>();
        for (RetentionJob job : this.jobs) {
            if (!names.add(job.name())) {
                throw new IllegalStateException("two retention jobs are named " + job.name());
            }
        }
        for (String configured : properties.ages().keySet()) {
            RetentionJob job = this.jobs.stream().filter(j -> j.name().equals(configured)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("masthead.retention.ages." + configured
                            + " names no retention job of this service (known: " + names + ")"));
            if (job.defaultAge() == null) {
                throw new IllegalStateException("masthead.retention.ages." + configured
                        + ": the age of this job is fixed, it cannot be configured");
            }
        }
        this.runs = Timer.builder("masthead.retention.run").description("Retention runs, all jobs together")
                .register(meters);
        Gauge.builder("masthead.retention.last.run", lastRun, AtomicLong::get)
                .description("When the last retention run ended (epoch seconds)").baseUnit("seconds").register(meters);
        for (RetentionJob job : this.jobs) {
            deleted(job);
            failures(job);
        }
    }

    /** The jobs, in the order they run. */
    public List<RetentionJob> jobs() {
        return jobs;
    }

    /** The age after which {@code job} deletes rows: the configured one, else its default (null when fixed). */
    public Duration age(RetentionJob job) {
        return properties.ages().getOrDefault(job.name(), job.defaultAge());
    }

    /**
     * Runs every job now, in order, each to the end of what is old enough.
     *
     * @return the rows deleted, by job name (a failed job is missing)
     */
    public synchronized Map<String, Long> runOnce() {
        long started = System.nanoTime();
        Map<String, Long> result = new LinkedHashMap<>();
        for (RetentionJob job : jobs) {
            try {
                result.put(job.name(), run(job));
            } catch (RuntimeException e) {
                failures(job).increment();
                log.warn("Retention of {} failed (tried again next run): {}", job.table(), e.toString());
            }
        }
        runs.record(Duration.ofNanos(System.nanoTime() - started));
        lastRun.set(clock.instant().getEpochSecond());
        return result;
    }

    private long run(RetentionJob job) {
        Duration age = age(job);
        Instant cutoff = age == null ? clock.instant() : clock.instant().minus(age);
        int limit = properties.batchSize();
        long total = 0;
        while (true) {
            Long deleted = job.batch().delete(cutoff, limit).block(BATCH_TIMEOUT);
            long n = deleted == null ? 0 : deleted;
            total += n;
            deleted(job).increment(n);
            if (!job.bounded() || n < limit) {
                break;
            }
        }
        if (total > 0) {
            log.info("Retention deleted {} rows of {} older than {}", total, job.table(), age == null ? "their time" : age);
        }
        return total;
    }

    private Counter deleted(RetentionJob job) {
        return Counter.builder("masthead.retention.deleted").tag("table", job.table())
                .description("Rows deleted by retention").register(meters);
    }

    private Counter failures(RetentionJob job) {
        return Counter.builder("masthead.retention.failures").tag("table", job.table())
                .description("Retention job runs that failed").register(meters);
    }

    @Override
    public void start() {
        if (!properties.enabled() || scheduler != null) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().name("retention").daemon().unstarted(task));
        executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("Retention run failed: {}", e.toString());
            }
        }, properties.initialDelay().toMillis(), properties.interval().toMillis(), TimeUnit.MILLISECONDS);
        scheduler = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = scheduler;
        scheduler = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
