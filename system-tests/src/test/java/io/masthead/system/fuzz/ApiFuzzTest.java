package io.masthead.system.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.masthead.system.fuzz.ApiCatalogue.Operation;
import io.masthead.system.fuzz.PlatformState.Snapshot;
import io.masthead.system.fuzz.RawHttp.Answer;
import io.masthead.test.engines.Engines;
import io.masthead.test.platform.PlatformUnderTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The abuse suite: generated requests against every public operation of every service, through the gateway, on the
 * whole platform (every service its own process, real PostgreSQL, Kafka and registry). See docs/fuzzing.md.
 *
 * <p>Invariants, for every case: no 5xx; every error is {@code application/problem+json} whose {@code status} is the
 * HTTP status; a 4xx changes nothing (row counts of every table of every service database, end offsets of every
 * topic); a bad key answers 401; an undeclared method never succeeds; the other site's ids answer exactly as unknown
 * ids do (404 for a well-formed request) and no answer ever carries the other site's ids.
 *
 * <p>{@code -Dmasthead.fuzz.tries=N} (total cases, default 2000), {@code -Dmasthead.fuzz.seed=S} (printed at the start
 * of every run), {@code -Dmasthead.fuzz.operation='POST /v1/customers'} and {@code -Dmasthead.fuzz.case=N} replay one
 * failure. {@code ./masthead fuzz} runs it long.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiFuzzTest {

    private static final int TRIES = Integer.getInteger("masthead.fuzz.tries", 2_000);
    private static final long SEED = Long.getLong("masthead.fuzz.seed", new SecureRandom().nextLong());
    private static final String ONLY_OPERATION = System.getProperty("masthead.fuzz.operation", "");
    private static final Integer ONLY_CASE = Integer.getInteger("masthead.fuzz.case");
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /** Request size limits (body, URI, headers) may be enforced before the key is read. */
    private static final Set<Integer> SIZE_LIMITS = Set.of(413, 414, 431);

    private static PlatformUnderTest platform;
    private static ApiCatalogue catalogue;
    private static Fixture fixture;
    private static PlatformState state;
    private static RequestFactory factory;
    private static RawHttp http;
    private static HttpServer receiver;
    private static final Failures failures = new Failures();
    private static Snapshot last;
    private static boolean dirty = true;
    private static int cases;

    @BeforeAll
    static void platformTwoSitesAndTheirObjects() throws IOException {
        System.out.printf("API fuzz suite: -Dmasthead.fuzz.seed=%d -Dmasthead.fuzz.tries=%d%n", SEED, TRIES);
        platform = PlatformUnderTest.shared();
        URI gateway = URI.create(platform.gatewayUrl());
        http = new RawHttp(gateway.getHost(), gateway.getPort());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        catalogue = ApiCatalogue.read(platform.gatewayUrl());

        CompletableFuture<PlatformUnderTest.Site> ownSite = CompletableFuture.supplyAsync(
                () -> platform.createSite("Fuzz site " + UUID.randomUUID()), Engines.THREAD_PER_TASK);
        PlatformUnderTest.Site other = platform.createSite("Fuzz other site " + UUID.randomUUID());
        PlatformUnderTest.Site own = ownSite.join();
        Map<String, List<String>> foreignUnlisted = new ObjectsOfASite(other.secretKey()).create(receiverUrl);
        Map<String, List<String>> ownUnlisted = new ObjectsOfASite(own.secretKey()).create(receiverUrl);
        Map<String, List<String>> foreignIds = idsOfEveryCollection(other.secretKey(), foreignUnlisted);
        Map<String, List<String>> ownIds = idsOfEveryCollection(own.secretKey(), ownUnlisted);
        // the credentials of customers acting for themselves: a publishable key, a customer token
        Map<String, String> admin = Map.of("Authorization", "Bearer " + own.secretKey(), "Content-Type",
                "application/json");
        String publishable = ApiCatalogue.JSON.readTree(http.send("POST", "/v1/api_keys", admin,
                "{\"type\": \"publishable\"}".getBytes(StandardCharsets.UTF_8)).body()).path("secret").asString();
        String customer = ownIds.entrySet().stream().filter(e -> e.getKey().endsWith("/customers"))
                .flatMap(e -> e.getValue().stream()).findFirst().orElseThrow();
        String customerToken = ApiCatalogue.JSON.readTree(http.send("POST", "/v1/customers/" + customer + "/sessions",
                admin, null).body()).path("token").asString();
        assertThat(publishable).startsWith("pk_test_");
        assertThat(customerToken).startsWith("cst_test_");
        Set<String> protectedIds = new HashSet<>(keysInUse(own.secretKey()));
        protectedIds.add(customer);
        fixture = new Fixture(own.id(), own.secretKey(), other.id(), other.secretKey(), ownIds, foreignIds,
                protectedIds, receiverUrl, publishable, customerToken);
        factory = new RequestFactory(catalogue, fixture);
        state = new PlatformState(platform.databases(), Engines.shared().kafka().bootstrapServers());
    }

    @AfterAll
    static void report() throws IOException {
        if (state != null) {
            state.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        String text = "API fuzz run: seed " + SEED + ", " + cases + " cases\n\n" + failures.describe();
        Path report = Path.of("target", "fuzz-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, text);
        System.out.println(text.length() > 20_000 ? text.substring(0, 20_000) + "\n... (see " + report + ")" : text);
    }

    @Test
    @Order(1)
    void everyServiceDocumentIsReadAndEveryOperationIsInTheCatalogue() {
        Set<String> services = new HashSet<>();
        catalogue.operations().forEach(o -> services.add(o.service()));
        assertThat(services).as("a document per service, and the gateway's").contains("gateway", "customer-service",
                "subscription-service", "webhook-service");
        assertThat(catalogue.operations()).extracting(Operation::key).contains("POST /v1/customers",
                "PATCH /v1/customers/{id}", "DELETE /v1/webhook_endpoints/{id}", "POST /v1/products",
                "POST /v1/products/{id}/archive", "DELETE /v1/products/{id}", "PATCH /v1/plans/{id}",
                "GET /v1/plans/export",
                "POST /v1/webhook_endpoints/{id}/rotate_secret", "POST /v1/api_keys", "GET /v1/events/{id}",
                "POST /v1/subscriptions", "GET /v1/subscriptions/{id}", "GET /v1/subscriptions",
                "GET /v1/subscriptions/search", "GET /v1/subscriptions/export", "PATCH /v1/subscriptions/{id}",
                "POST /v1/subscriptions/{id}/cancel", "POST /v1/subscriptions/{id}/change_plan",
                "POST /v1/subscriptions/{id}/renew", "POST /v1/subscriptions/{id}/pause",
                "POST /v1/subscriptions/{id}/resume", "GET /v1/subscriptions/{id}/pauses",
                "GET /v1/subscriptions/stats", "POST /v1/bulk_cancellations",
                "GET /v1/bulk_cancellations/{id}", "GET /v1/test_clock", "POST /v1/test_clock/advance",
                "GET /v1/customers/{id}/entitlements", "GET /v1/entitlement_settings", "PUT /v1/entitlement_settings",
                "POST /v1/customers/{id}/password", "POST /v1/customers/{id}/sessions", "POST /v1/auth/login",
                "POST /v1/auth/logout", "DELETE /v1/customers/{id}/sessions");
        for (Operation op : catalogue.operations()) {
            if (op.collection() != null) {
                assertThat(fixture.foreignIn(op.collection())).as("the other site has objects for " + op.key())
                        .isNotEmpty();
            }
        }
    }

    /**
     * Every operation that takes an id, with each of the other site's objects, in a request the fuzz site's own
     * object accepts (the same body succeeds with an own id): 404, a problem, nothing changed. Where no generated
     * body is accepted for an own object, the other site's id must at least answer as an unknown id does.
     */
    @TestFactory
    @Order(2)
    Stream<DynamicTest> anotherSitesObjectsAnswer404AndChangeNothing() {
        return selected().filter(op -> op.collection() != null).map(op -> DynamicTest.dynamicTest(op.key(), () -> {
            List<String> ids = fixture.foreignIn(op.collection());
            Failures mine = new Failures();
            FuzzRequest accepted = acceptedForAnOwnObject(op);
            for (int i = 0; i < ids.size(); i++) {
                FuzzRequest request = accepted != null ? withPathId(accepted, op, ids.get(i))
                        : factory.wellFormed(op, ids.get(i), caseRandom(op, -1 - i), true);
                Snapshot before = beforeCase();
                Answer answer = http.send(request);
                Snapshot after = afterCase(request, answer);
                List<String> found = new ArrayList<>(generalViolations(request, answer));
                if (accepted != null && answer.status() != 404) {
                    found.add("foreign-id-not-404");
                } else if (accepted == null) {
                    Answer unknown = http.send(request.withIdInsteadOfForeign(unknownLike(ids.get(i))));
                    afterCase(request, unknown);
                    if (answer.status() < 300 || answer.status() != unknown.status()) {
                        found.add("foreign-id-answers-unlike-unknown-id(" + unknown.status() + ")");
                    }
                }
                String diff = after.diff(before);
                if (!diff.isEmpty()) {
                    diff = confirmChange(request, diff);
                    if (!diff.isEmpty()) {
                        found.add("foreign-id-changed-state");
                    }
                }
                for (String kind : found) {
                    mine.add(kind, request, answer, -1 - i, SEED, diff);
                }
            }
            failures.addAll(mine);
            assertThat(mine.isEmpty()).as("%s", mine.describe()).isTrue();
        }));
    }

    /**
     * A well-formed request that succeeds for one of the fuzz site's own objects (tried with a few generated
     * bodies), or null. Operations without a body, and DELETE or revoke (which would destroy the object), are taken
     * as well-formed as they are.
     */
    private static FuzzRequest acceptedForAnOwnObject(Operation op) {
        List<String> own = fixture.ownIn(op.collection()).stream().filter(id -> !fixture.protectedIds().contains(id))
                .toList();
        if (op.bodySchema() == null) {
            return factory.wellFormed(op, "{id}", caseRandom(op, -100), true);
        }
        if (own.isEmpty()) {
            return null;
        }
        for (int attempt = 0; attempt < 6; attempt++) {
            FuzzRequest candidate = factory.wellFormed(op, own.getFirst(), caseRandom(op, -100 - attempt),
                    attempt % 2 == 0);
            beforeCase();
            Answer answer = http.send(candidate);
            afterCase(candidate, answer);
            if (answer.status() >= 200 && answer.status() < 300) {
                return candidate;
            }
        }
        return null;
    }

    private static FuzzRequest withPathId(FuzzRequest request, Operation op, String id) {
        FuzzRequest template = request.foreignId() == null ? request
                : new FuzzRequest(op, request.method(), request.path(), request.query(), request.headers(),
                        request.body(), request.labels(), true, true, false, request.foreignId());
        return template.withIdInsteadOfForeign(id).withForeignId(id);
    }

    @TestFactory
    @Order(3)
    Stream<DynamicTest> everyOperationHoldsTheInvariantsUnderGeneratedRequests() {
        long operations = selected().count();
        int perOperation = (int) Math.max(10, TRIES / Math.max(1, operations));
        return selected().map(op -> DynamicTest.dynamicTest(op.key() + " x" + perOperation, () -> {
            Failures mine = new Failures();
            for (int i = 0; i < perOperation; i++) {
                if (ONLY_CASE != null && ONLY_CASE != i) {
                    continue;
                }
                runCase(op, i, mine);
            }
            failures.addAll(mine);
            assertThat(mine.isEmpty()).as("%s", mine.describe()).isTrue();
        }));
    }

    private static Stream<Operation> selected() {
        return catalogue.operations().stream().filter(op -> ONLY_OPERATION.isEmpty() || op.key().equals(ONLY_OPERATION));
    }

    private static SplittableRandom caseRandom(Operation op, int caseIndex) {
        return new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + op.key().hashCode() * 1_000_003L + caseIndex);
    }

    private static void runCase(Operation op, int caseIndex, Failures into) {
        FuzzRequest request = factory.generate(op, caseRandom(op, caseIndex));
        Snapshot before = beforeCase();
        Answer answer = http.send(request);
        Snapshot after = afterCase(request, answer);
        List<String> found = new ArrayList<>(generalViolations(request, answer));
        String diff = "";
        if (answer.status() >= 400 && answer.status() < 500) {
            diff = after.diff(before);
            if (!diff.isEmpty()) {
                diff = confirmChange(request, diff);
                if (!diff.isEmpty()) {
                    found.add("4xx-changed-state");
                }
            }
        }
        if (request.foreignId() != null && request.validAuth() && request.declaredMethod() && !request.oddPath()
                && answer.status() > 0) {
            String unknown = unknownLike(request.foreignId());
            Answer twin = http.send(request.withIdInsteadOfForeign(unknown));
            afterCase(request, twin);
            if (answer.status() < 300) {
                found.add("foreign-id-succeeded");
            } else if (twin.status() != answer.status()) {
                found.add("foreign-id-answers-unlike-unknown-id(" + twin.status() + " for " + unknown + ")");
            }
        }
        for (String kind : found) {
            into.add(kind, request, answer, caseIndex, SEED, diff);
        }
    }

    /** The checks that need nothing but the request and its answer. */
    private static List<String> generalViolations(FuzzRequest request, Answer answer) {
        List<String> found = new ArrayList<>();
        int status = answer.status();
        if (status == 0) {
            found.add("no-answer");
            return found;
        }
        if (status >= 500) {
            found.add("5xx");
        }
        if (status >= 400) {
            String type = String.valueOf(answer.header("content-type"));
            if (!type.startsWith("application/problem+json")) {
                found.add("error-not-problem-json(" + type + ")");
            } else {
                try {
                    JsonNode problem = ApiCatalogue.JSON.readTree(answer.body());
                    if (!problem.path("status").isInt() || problem.get("status").asInt() != status) {
                        found.add("problem-status-differs(" + problem.path("status") + ")");
                    }
                } catch (RuntimeException e) {
                    found.add("problem-not-json");
                }
            }
        }
        if (!request.validAuth() && !request.oddPath() && status != 401 && !SIZE_LIMITS.contains(status)) {
            found.add("bad-key-not-401");
        }
        if (status >= 200 && status < 300) {
            if (!request.declaredMethod()) {
                found.add("undeclared-method-succeeded");
            }
            String body = answer.bodyText();
            for (String secret : fixture.foreignSecrets()) {
                if (body.contains(secret)) {
                    found.add("other-sites-data-in-answer(" + secret + ")");
                    break;
                }
            }
        }
        return found;
    }

    private static Snapshot beforeCase() {
        if (dirty || last == null) {
            last = state.settled(SETTLE);
            dirty = false;
        }
        return last;
    }

    /** Takes the snapshot after a case; a success that may have started background work marks the state dirty. */
    private static Snapshot afterCase(FuzzRequest request, Answer answer) {
        cases++;
        if (answer.status() >= 200 && answer.status() < 300 && !request.method().equals("GET")) {
            deleteIfCreated(request, answer);
            dirty = true;
        }
        last = state.snapshot();
        return last;
    }

    /**
     * A 4xx whose snapshots differ: background work of an earlier success (a relay, a consumer, a webhook retry) may
     * have moved a count. Wait for the platform to be still, send the same request again (with a fresh
     * Idempotency-Key, if it had one) and compare again; what remains is the request's doing.
     */
    private static String confirmChange(FuzzRequest request, String firstDiff) {
        FuzzRequest again = request.headers().containsKey("Idempotency-Key")
                ? request.withHeader("Idempotency-Key", UUID.randomUUID().toString()) : request;
        Snapshot before = state.settled(SETTLE);
        Answer answer = http.send(again);
        Snapshot after = state.snapshot();
        last = after;
        if (answer.status() >= 200 && answer.status() < 300) {
            dirty = true;
            return "";
        }
        String diff = after.diff(before);
        return diff.isEmpty() ? "" : diff + " (first try: " + firstDiff + ")";
    }

    /** Objects the cases create are deleted where the API can delete them (fewer background deliveries). */
    private static void deleteIfCreated(FuzzRequest request, Answer answer) {
        if (answer.status() != 201 || !request.method().equals(request.operation().method())) {
            return;
        }
        try {
            JsonNode created = ApiCatalogue.JSON.readTree(answer.body());
            String id = created.path("id").asString("");
            if (id.isEmpty()) {
                return;
            }
            catalogue.operations().stream()
                    .filter(o -> o.method().equals("DELETE") && o.collection() != null
                            && o.collection().equals(request.path()))
                    .findFirst().ifPresent(delete -> http.send("DELETE",
                            delete.path().replaceAll("\\{[^}]+}", id), Map.of("Authorization", "Bearer "
                                    + fixture.ownKey()), null));
        } catch (RuntimeException ignored) {
            // not a JSON object: nothing to delete
        }
    }

    private static String unknownLike(String id) {
        String prefix = id.contains("_") ? id.substring(0, id.lastIndexOf('_') + 1) : "";
        StringBuilder s = new StringBuilder(prefix);
        SplittableRandom random = new SplittableRandom(id.hashCode());
        String alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        while (s.length() < id.length()) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /**
     * The ids in every collection an operation indexes, as the site lists them: from the collection's own list
     * (GET /v1/customers) or, where it has none, from the lists nested under its parents
     * (GET /v1/customers/{id}/addresses for /v1/addresses), plus the objects of collections that have no list at
     * all (bulk cancellations), as their creation answered.
     */
    private static Map<String, List<String>> idsOfEveryCollection(String key, Map<String, List<String>> unlisted) {
        Map<String, List<String>> ids = new TreeMap<>();
        for (Operation op : catalogue.operations()) {
            if (op.collection() != null) {
                ids.computeIfAbsent(op.collection(), collection -> new ArrayList<>(list(collection, key)));
            }
        }
        unlisted.forEach((collection, created) -> created.stream()
                .filter(id -> !ids.computeIfAbsent(collection, c -> new ArrayList<>()).contains(id))
                .forEach(ids.get(collection)::add));
        for (Operation nested : catalogue.operations()) {
            if (!nested.method().equals("GET") || nested.collection() == null || nested.path().endsWith("}")) {
                continue;
            }
            String segment = nested.path().substring(nested.path().lastIndexOf('/'));
            ids.keySet().stream().filter(c -> c.endsWith(segment) && !c.equals(nested.collection())).findFirst()
                    .ifPresent(collection -> {
                        for (String parent : List.copyOf(ids.get(nested.collection()))) {
                            list(nested.path().replaceAll("\\{[^}]+}", parent), key).stream()
                                    .filter(id -> !ids.get(collection).contains(id)).forEach(ids.get(collection)::add);
                        }
                    });
        }
        Map<String, List<String>> frozen = new TreeMap<>();
        ids.forEach((collection, list) -> frozen.put(collection, List.copyOf(list)));
        return frozen;
    }

    private static List<String> list(String path, String key) {
        Answer list = http.send("GET", path + "?limit=100", Map.of("Authorization", "Bearer " + key), null);
        List<String> found = new ArrayList<>();
        if (list.status() == 200) {
            ApiCatalogue.JSON.readTree(list.body()).path("data").forEach(item -> found.add(item.path("id").asString()));
        }
        return found;
    }

    /** The ids of the site's API keys that the suite's own key is (revoking it would end the run). */
    private static Set<String> keysInUse(String key) {
        Set<String> ids = new HashSet<>();
        Answer list = http.send("GET", "/v1/api_keys?limit=100", Map.of("Authorization", "Bearer " + key), null);
        ApiCatalogue.JSON.readTree(list.body()).path("data").forEach(item -> {
            String prefix = item.path("prefix").asString("");
            if (!prefix.isEmpty() && key.startsWith(prefix)) {
                ids.add(item.path("id").asString());
            }
        });
        assertThat(ids).as("the key in use is listed").isNotEmpty();
        return ids;
    }

    /** A site's real objects of every kind the API has today, so that each collection has ids to try. */
    private record ObjectsOfASite(String key) {

        /** Creates them; returns the ids of objects in collections the API cannot list (by collection path). */
        Map<String, List<String>> create(String receiverUrl) {
            String endpoint = created("/v1/webhook_endpoints", "{\"url\": \"" + receiverUrl
                    + "\", \"enabled_events\": [\"customer.*\"]}");
            String organization = created("/v1/organizations", "{\"name\": \"Fuzz organization\"}");
            String customer = created("/v1/customers", "{\"email\": \"fuzz-" + UUID.randomUUID()
                    + "@example.com\", \"organization_id\": \"" + organization + "\"}");
            String address = created("/v1/customers/" + customer + "/addresses",
                    "{\"type\": \"billing\", \"line1\": \"1 Main St\", \"country\": \"US\"}");
            created("/v1/api_keys", "{}");
            String product = created("/v1/products", "{\"name\": \"Fuzz product\"}");
            String plan = created("/v1/plans", "{\"product\": \"" + product + "\", \"nickname\": \"Fuzz monthly\", "
                    + "\"amount\": 1900, \"currency\": \"usd\", \"interval\": \"month\"}");
            // two subscriptions: a case that cancels the first leaves one that can still change
            for (int i = 0; i < 2; i++) {
                created("/v1/subscriptions", "{\"customer\": \"" + customer + "\", \"plan\": \"" + plan
                        + "\", \"billing_address\": \"" + address + "\"}");
            }
            // bulk cancellations have no list: a dry run (it cancels nothing) gives an id to try
            String bulk = created("/v1/bulk_cancellations", "{\"scope\": {\"plan\": \"" + plan
                    + "\"}, \"effective\": \"immediately\", \"dry_run\": true}", 202);
            // the customer's events reach the endpoint: an event, a delivery and an attempt to try ids of
            Awaitility.await("a succeeded delivery to the site's endpoint").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Answer deliveries = http.send("GET", "/v1/webhook_deliveries?endpoint_id=" + endpoint
                                + "&status=succeeded", Map.of("Authorization", "Bearer " + key), null);
                        return deliveries.status() == 200
                                && ApiCatalogue.JSON.readTree(deliveries.body()).path("data").size() >= 1;
                    });
            return Map.of("/v1/bulk_cancellations", List.of(bulk));
        }

        private String created(String path, String json) {
            return created(path, json, 201);
        }

        private String created(String path, String json, int status) {
            Answer answer = http.send("POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type",
                    "application/json"), json.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as("POST %s: %s", path, answer.bodyText()).isEqualTo(status);
            return ApiCatalogue.JSON.readTree(answer.body()).path("id").asString();
        }
    }

    /**
     * The failures found, grouped by what broke (invariant, operation, status): each with how many cases showed it,
     * which generated values they had, and the first cases as curl lines and replay properties.
     */
    static final class Failures {

        private final Map<String, Group> groups = new LinkedHashMap<>();

        private static final class Group {
            int count;
            final Map<String, Integer> labels = new TreeMap<>();
            final List<String> examples = new ArrayList<>();
        }

        synchronized void add(String kind, FuzzRequest request, Answer answer, int caseIndex, long seed, String diff) {
            String signature = kind.replaceAll("\\(.*", "") + " | " + request.operation().key() + " | "
                    + answer.status();
            Group group = groups.computeIfAbsent(signature, k -> new Group());
            group.count++;
            request.labels().forEach(l -> group.labels.merge(l.replaceAll("\\(.*", "(...)"), 1, Integer::sum));
            if (group.examples.size() < 3) {
                String answerText = answer.error() != null ? answer.error() : answer.status() + " "
                        + answer.header("content-type") + " " + shorten(answer.bodyText(), 400);
                group.examples.add("    " + kind + "\n    replay: -Dmasthead.fuzz.seed=" + seed
                        + " -Dmasthead.fuzz.operation='" + request.operation().key() + "' -Dmasthead.fuzz.case="
                        + caseIndex + "\n    values: " + request.labelText() + "\n    request: "
                        + request.describe(platform.gatewayUrl()) + "\n    answer: " + answerText
                        + (diff.isEmpty() ? "" : "\n    changed: " + diff));
            }
        }

        synchronized void addAll(Failures other) {
            other.groups.forEach((signature, group) -> {
                Group mine = groups.computeIfAbsent(signature, k -> new Group());
                mine.count += group.count;
                group.labels.forEach((l, n) -> mine.labels.merge(l, n, Integer::sum));
                group.examples.stream().limit(Math.max(0, 3 - mine.examples.size())).forEach(mine.examples::add);
            });
        }

        synchronized boolean isEmpty() {
            return groups.isEmpty();
        }

        synchronized String describe() {
            if (groups.isEmpty()) {
                return "no failures";
            }
            StringBuilder s = new StringBuilder(groups.size() + " distinct failure(s):\n");
            groups.forEach((signature, group) -> {
                s.append("\n* ").append(signature).append(": ").append(group.count).append(" case(s)\n  values seen: ");
                group.labels.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
                        .forEach(e -> s.append(e.getKey()).append(" x").append(e.getValue()).append("; "));
                s.append('\n');
                group.examples.forEach(e -> s.append(e).append('\n'));
            });
            return s.toString();
        }

        private static String shorten(String text, int max) {
            return text.length() <= max ? text : text.substring(0, max) + "...";
        }
    }
}
