package io.masthead.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The renewal benchmark's settings, from the command line ({@code ./masthead bench renewals [options]}). Every
 * target must be a loopback address, the count and the waits are bounded.
 */
record RenewalOptions(
        int subscriptions,
        URI gateway,
        String key,
        String postgres,
        String pgUser,
        String pgPassword,
        String database,
        String kafka,
        String topic,
        int managementPort,
        Path pidFile,
        Path launcherPidFile,
        Duration timeout,
        Path out) {

    static final int MAX_SUBSCRIPTIONS = 1_000_000;
    static final Duration LONGEST_WAIT = Duration.ofMinutes(30);

    static final String USAGE = """
            usage: ./masthead bench renewals [options]
              --subscriptions N   active monthly subscriptions renewing at the same instant (default 100000, at most 1000000)
              --key KEY           the secret key of a fresh test-mode site (the wrapper creates one: ./masthead site create)
              --gateway URL       default http://localhost:8080
              --postgres H:P      default localhost:15432 (subscription-service's database server)
              --pg-user U, --pg-password P   default postgres / postgres
              --database NAME     subscription-service's database (default subscriptions)
              --kafka H:P         default localhost:19092
              --topic NAME        default subscriptions.v1
              --management-port P subscription-service's management port, for its heap (default 9082)
              --pid-file PATH     subscription-service's pid, for its RSS (default .data/run/subscription-service.pid)
              --timeout DURATION  the longest the measured part may take (default 15m, at most 30m)
              --out PATH          the Markdown report (default bench/target/renewals.md)
            """;

    static RenewalOptions parse(String... args) {
        int subscriptions = 100_000;
        URI gateway = URI.create("http://localhost:8080");
        String key = null;
        String postgres = "localhost:15432";
        String pgUser = "postgres";
        String pgPassword = "postgres";
        String database = "subscriptions";
        String kafka = "localhost:19092";
        String topic = "subscriptions.v1";
        int managementPort = 9082;
        Path pidFile = Path.of(".data/run/subscription-service.pid");
        Duration timeout = Duration.ofMinutes(15);
        Path out = Path.of("bench/target/renewals.md");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--subscriptions" -> subscriptions = parseInt(option, value);
                case "--gateway" -> gateway = URI.create(value);
                case "--key" -> key = value;
                case "--postgres" -> postgres = value;
                case "--pg-user" -> pgUser = value;
                case "--pg-password" -> pgPassword = value;
                case "--database" -> database = value;
                case "--kafka" -> kafka = value;
                case "--topic" -> topic = value;
                case "--management-port" -> managementPort = parseInt(option, value);
                case "--pid-file" -> pidFile = Path.of(value);
                case "--timeout" -> timeout = BenchOptions.parseDuration(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        if (subscriptions < 1 || subscriptions > MAX_SUBSCRIPTIONS) {
            throw new IllegalArgumentException("--subscriptions: between 1 and " + MAX_SUBSCRIPTIONS);
        }
        if (key == null || !key.startsWith("sk_test_")) {
            throw new IllegalArgumentException("--key: the secret key of a test-mode site (sk_test_...) is required");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(LONGEST_WAIT) > 0) {
            throw new IllegalArgumentException("--timeout: more than 0 and at most " + LONGEST_WAIT.toMinutes() + "m");
        }
        if (managementPort < 1 || managementPort > 65535) {
            throw new IllegalArgumentException("--management-port: a port");
        }
        if (gateway.getHost() == null || !"http".equals(gateway.getScheme())) {
            throw new IllegalArgumentException("--gateway: an http:// URL");
        }
        BenchOptions.requireLoopback("--gateway", gateway.getHost());
        BenchOptions.requireLoopback("--postgres", BenchOptions.hostOf(postgres));
        BenchOptions.requireLoopback("--kafka", BenchOptions.hostOf(kafka));
        if (!database.matches("[a-z_][a-z0-9_]*") || !topic.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--database / --topic: a plain name");
        }
        return new RenewalOptions(subscriptions, gateway, key, postgres, pgUser, pgPassword, database, kafka, topic,
                managementPort, pidFile, Path.of(".data/masthead.pid"), timeout, out);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + postgres + "/" + database;
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number: " + value);
        }
    }
}
