package io.masthead.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The harness's settings, from the command line. Every target must be a loopback address: the harness
 * only ever loads the local platform.
 */
record BenchOptions(
        List<Double> rates,
        Duration warmup,
        Duration duration,
        Duration maxDuration,
        int workers,
        int concurrency,
        URI gateway,
        Path keyFile,
        String kafka,
        String topic,
        String postgresHost,
        int postgresPort,
        String postgresUser,
        String postgresPassword,
        String benchDatabase,
        Duration eventWait,
        Duration requestTimeout,
        Path output,
        boolean maxPhase,
        boolean ceilingPhase,
        boolean livenessPhase) {

    static final String USAGE = """
            Usage: Bench [options]   (run from the repository root, against `./masthead up`)
              --rates 50,200,500,1000   fixed (open-loop) rates of customer creates per second; "none" for no fixed-rate phase
              --duration 15s            measured time of each fixed-rate phase
              --warmup 5s               warm-up before each phase (same load, not measured)
              --max-duration <d>        measured time of each max-throughput phase (default: --duration)
              --workers 16              N: closed-loop workers of the max phase, and JDBC connections of the insert ceiling
              --concurrency 64          bound on requests in flight in the fixed-rate phases
              --gateway http://localhost:8080
              --key-file .data/dev-site.key
              --kafka localhost:19092   --topic customers.v1
              --postgres localhost:15432  --pg-user postgres  --pg-password postgres  --bench-db bench
              --event-wait 10s          after a phase, how long to wait for the events still expected
              --request-timeout 10s
              --out bench/target/results.md
              --no-max --no-ceiling --no-liveness   skip the max-throughput creates / JDBC insert ceiling / GET liveness phase
            Durations: 500ms, 15s, 2m or a number of seconds.""";

    /** Upper bounds that keep a run bounded whatever the arguments. */
    static final Duration LONGEST_PHASE = Duration.ofMinutes(10);
    static final double HIGHEST_RATE = 20_000;
    static final int MOST_WORKERS = 256;

    static BenchOptions parse(String... args) {
        List<Double> rates = List.of(50.0, 200.0, 500.0, 1000.0);
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(15);
        Duration maxDuration = null;
        int workers = 16;
        int concurrency = 64;
        URI gateway = URI.create("http://localhost:8080");
        Path keyFile = Path.of(".data", "dev-site.key");
        String kafka = "localhost:19092";
        String topic = "customers.v1";
        String postgres = "localhost:15432";
        String pgUser = "postgres";
        String pgPassword = "postgres";
        String benchDb = "bench";
        Duration eventWait = Duration.ofSeconds(10);
        Duration requestTimeout = Duration.ofSeconds(10);
        Path output = Path.of("bench", "target", "results.md");
        boolean maxPhase = true;
        boolean ceilingPhase = true;
        boolean livenessPhase = true;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--no-max" -> maxPhase = false;
                case "--no-ceiling" -> ceilingPhase = false;
                case "--no-liveness" -> livenessPhase = false;
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("missing value for " + arg);
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--rates" -> rates = parseRates(value);
                        case "--duration" -> duration = parseDuration(value);
                        case "--warmup" -> warmup = parseDuration(value);
                        case "--max-duration" -> maxDuration = parseDuration(value);
                        case "--workers" -> workers = parseInt(arg, value);
                        case "--concurrency" -> concurrency = parseInt(arg, value);
                        case "--gateway" -> gateway = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                        case "--key-file" -> keyFile = Path.of(value);
                        case "--kafka" -> kafka = value;
                        case "--topic" -> topic = value;
                        case "--postgres" -> postgres = value;
                        case "--pg-user" -> pgUser = value;
                        case "--pg-password" -> pgPassword = value;
                        case "--bench-db" -> benchDb = value;
                        case "--event-wait" -> eventWait = parseDuration(value);
                        case "--request-timeout" -> requestTimeout = parseDuration(value);
                        case "--out" -> output = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + arg);
                    }
                }
            }
        }
        if (maxDuration == null) {
            maxDuration = duration;
        }
        for (Duration d : List.of(duration, warmup, maxDuration, eventWait, requestTimeout)) {
            if (d.isNegative() || d.compareTo(LONGEST_PHASE) > 0) {
                throw new IllegalArgumentException("durations must be between 0 and " + LONGEST_PHASE.toMinutes() + " min");
            }
        }
        if (duration.isZero() || maxDuration.isZero()) {
            throw new IllegalArgumentException("--duration and --max-duration must be > 0");
        }
        if (workers < 1 || workers > MOST_WORKERS || concurrency < 1 || concurrency > MOST_WORKERS) {
            throw new IllegalArgumentException("--workers and --concurrency must be between 1 and " + MOST_WORKERS);
        }
        if (!benchDb.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("--bench-db must be a plain lower-case identifier");
        }
        if (!"http".equals(gateway.getScheme()) || gateway.getHost() == null) {
            throw new IllegalArgumentException("--gateway must be an http:// URL");
        }
        requireLoopback("--gateway", gateway.getHost());
        for (String server : kafka.split(",")) {
            requireLoopback("--kafka", hostOf(server.strip()));
        }
        String pgHost = hostOf(postgres);
        requireLoopback("--postgres", pgHost);
        int pgPort = postgres.lastIndexOf(':') > postgres.lastIndexOf(']')
                ? parseInt("--postgres", postgres.substring(postgres.lastIndexOf(':') + 1)) : 5432;
        return new BenchOptions(rates, warmup, duration, maxDuration, workers, concurrency, gateway, keyFile,
                kafka, topic, pgHost, pgPort, pgUser, pgPassword, benchDb, eventWait, requestTimeout, output,
                maxPhase, ceilingPhase, livenessPhase);
    }

    static List<Double> parseRates(String value) {
        if ("none".equalsIgnoreCase(value.strip()) || value.isBlank()) {
            return List.of();
        }
        List<Double> rates = new ArrayList<>();
        for (String part : value.split(",")) {
            double rate;
            try {
                rate = Double.parseDouble(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad rate: " + part);
            }
            if (!(rate > 0) || rate > HIGHEST_RATE) {
                throw new IllegalArgumentException("rates must be > 0 and <= " + (long) HIGHEST_RATE + "/s: " + part);
            }
            rates.add(rate);
        }
        return List.copyOf(rates);
    }

    /** {@code 500ms}, {@code 15s}, {@code 2m}, or a plain number of seconds (decimals allowed). */
    static Duration parseDuration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad duration: " + value + " (e.g. 500ms, 15s, 2m)");
        }
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number for " + option + ": " + value);
        }
    }

    static String hostOf(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            return end > 0 ? hostAndPort.substring(1, end) : hostAndPort;
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon >= 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    }

    static void requireLoopback(String option, String host) {
        boolean loopback;
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            loopback = addresses.length > 0;
            for (InetAddress address : addresses) {
                loopback &= address.isLoopbackAddress();
            }
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException(option + ": " + host
                    + " is not a loopback address; the harness only loads the local platform");
        }
    }
}
