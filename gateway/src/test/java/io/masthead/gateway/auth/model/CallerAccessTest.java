package io.masthead.gateway.auth.model;

import static io.masthead.gateway.auth.model.CallerAccess.Decision.ALLOW;
import static io.masthead.gateway.auth.model.CallerAccess.Decision.FORBIDDEN;
import static io.masthead.gateway.auth.model.CallerAccess.Decision.NOT_FOUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerAccessTest {

    private static final String ME = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final String OTHER = "cus_01jt3z8x9k2m4n6p8q0r2s4t6w";
    private static final String SUB = "sub_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final String ADR = "adr_01jt3z8x9k2m4n6p8q0r2s4t6v";

    private static CallerAccess.Decision customer(String method, String path) {
        return CallerAccess.forCustomer(method, path, Map.of(), ME);
    }

    @Test
    void aPublishableKeyOnlyLogsIn() {
        assertThat(CallerAccess.forPublishableKey("POST", "/v1/auth/login")).isEqualTo(ALLOW);
        assertThat(CallerAccess.forPublishableKey("GET", "/v1/auth/login")).isEqualTo(FORBIDDEN);
        assertThat(CallerAccess.forPublishableKey("POST", "/v1/auth/logout")).isEqualTo(FORBIDDEN);
        assertThat(CallerAccess.forPublishableKey("GET", "/v1/customers/" + ME)).isEqualTo(FORBIDDEN);
        assertThat(CallerAccess.forPublishableKey("POST", "/v1/api_keys")).isEqualTo(FORBIDDEN);
    }

    @Test
    void aCustomerReachesItsOwnCustomerAddressesAndEntitlements() {
        assertThat(customer("GET", "/v1/customers/" + ME)).isEqualTo(ALLOW);
        assertThat(customer("PATCH", "/v1/customers/" + ME)).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/customers/" + ME + "/addresses")).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/customers/" + ME + "/entitlements")).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/addresses/" + ADR)).isEqualTo(ALLOW);
        // another customer: as if it did not exist
        assertThat(customer("GET", "/v1/customers/" + OTHER)).isEqualTo(NOT_FOUND);
        assertThat(customer("GET", "/v1/customers/" + OTHER + "/addresses")).isEqualTo(NOT_FOUND);
        assertThat(customer("PATCH", "/v1/customers/" + OTHER)).isEqualTo(NOT_FOUND);
    }

    @Test
    void aCustomerReadsAndPausesItsSubscriptionsAndListsOnlyItsOwn() {
        assertThat(customer("GET", "/v1/subscriptions/" + SUB + "")).isEqualTo(ALLOW);
        assertThat(customer("POST", "/v1/subscriptions/" + SUB + "/pause")).isEqualTo(ALLOW);
        assertThat(customer("POST", "/v1/subscriptions/" + SUB + "/resume")).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/subscriptions/" + SUB + "/pauses")).isEqualTo(ALLOW);
        assertThat(CallerAccess.forCustomer("GET", "/v1/subscriptions", Map.of("customer", ME), ME)).isEqualTo(ALLOW);
        assertThat(CallerAccess.forCustomer("GET", "/v1/subscriptions", Map.of("customer", OTHER), ME))
                .isEqualTo(FORBIDDEN);
        assertThat(customer("GET", "/v1/subscriptions")).isEqualTo(FORBIDDEN);
        assertThat(customer("POST", "/v1/subscriptions/" + SUB + "/cancel")).isEqualTo(FORBIDDEN);
        assertThat(customer("PATCH", "/v1/subscriptions/" + SUB + "")).isEqualTo(FORBIDDEN);
        assertThat(customer("POST", "/v1/subscriptions")).isEqualTo(FORBIDDEN);
        assertThat(customer("GET", "/v1/subscriptions/export")).isEqualTo(FORBIDDEN);
        assertThat(customer("GET", "/v1/subscriptions/search")).isEqualTo(FORBIDDEN);
        assertThat(customer("GET", "/v1/subscriptions/stats")).isEqualTo(FORBIDDEN);
    }

    @Test
    void everythingElseIsTheSitesAdminsOnly() {
        for (String[] call : new String[][] {{"GET", "/v1/customers"}, {"POST", "/v1/customers"},
            {"GET", "/v1/customers/search"}, {"GET", "/v1/customers/export"}, {"GET", "/v1/addresses/export"},
            {"POST", "/v1/customers/" + ME + "/addresses"}, {"POST", "/v1/customers/" + ME + "/password"},
            {"POST", "/v1/customers/" + ME + "/sessions"}, {"PATCH", "/v1/addresses/adr_1"},
            {"GET", "/v1/webhook_endpoints"}, {"POST", "/v1/webhook_endpoints"}, {"GET", "/v1/webhook_deliveries"},
            {"GET", "/v1/events"}, {"GET", "/v1/api_keys"}, {"POST", "/v1/api_keys"}, {"GET", "/v1/test_clock"},
            {"POST", "/v1/test_clock/advance"}, {"GET", "/v1/products"}, {"GET", "/v1/plans"},
            {"GET", "/v1/organizations/org_1"}, {"GET", "/v1/bulk_cancellations/bc_1"}, {"POST", "/v1/auth/login"},
            {"GET", "/v1/entitlement_settings"}, {"GET", "/v1/customers/" + ME + "/"}, {"GET", "/v1//customers"},
            {"GET", "/v1"}, {"GET", "/v2/customers/" + ME}}) {
            assertThat(customer(call[0], call[1])).as("%s %s", call[0], call[1]).isEqualTo(FORBIDDEN);
        }
        assertThat(customer("POST", "/v1/auth/logout")).isEqualTo(ALLOW);
    }

    @Test
    void encodedSpellingsAreDecodedBeforeTheyAreMatched() {
        for (String[] call : new String[][] {{"GET", "/v1/customers/%65xport"}, {"GET", "/v1/customers/%73earch"},
            {"GET", "/v1/addresses/%65xport"}, {"GET", "/v1/subscriptions/%73earch"},
            {"GET", "/v1/subscriptions/%65xport"}, {"GET", "/v1/subscriptions/st%61ts"},
            {"POST", "/v1/customers/" + ME + "/%70assword"}, {"POST", "/v1/customers/" + ME + "/%73essions"},
            {"GET", "/v1/%77ebhook_endpoints"}, {"GET", "/v1/customers%2F" + ME}, {"GET", "/v1/customers/%2F"},
            {"GET", "/v1/customers/" + ME + "%2Faddresses"}, {"GET", "/v1/customers/%zz"},
            {"GET", "/v1/customers/export;x=1"}, {"GET", "/v1/customers/" + ME + ";x=1"},
            {"GET", "/v1/subscriptions/" + SUB + ";x=1/pauses"}}) {
            assertThat(customer(call[0], call[1])).as("%s %s", call[0], call[1]).isEqualTo(FORBIDDEN);
        }
        // an encoded spelling of an allowed call is the same call
        assertThat(customer("GET", "/v1/customers/" + ME.replace("c", "%63"))).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/customers/" + OTHER.replace("c", "%63") + "/%61ddresses")).isEqualTo(NOT_FOUND);
        assertThat(customer("POST", "/v1/subscriptions/" + SUB + "/p%61use")).isEqualTo(ALLOW);
    }

    @Test
    void addressAndSubscriptionIdsMustHaveTheirShape() {
        for (String path : new String[] {"/v1/addresses/adr_1", "/v1/addresses/" + SUB, "/v1/addresses/anything",
            "/v1/subscriptions/sub_1", "/v1/subscriptions/" + ADR, "/v1/subscriptions/anything/pauses"}) {
            assertThat(customer("GET", path)).as(path).isEqualTo(FORBIDDEN);
        }
        assertThat(customer("GET", "/v1/addresses/" + ADR)).isEqualTo(ALLOW);
        assertThat(customer("GET", "/v1/subscriptions/" + SUB + "/pauses")).isEqualTo(ALLOW);
    }
}
