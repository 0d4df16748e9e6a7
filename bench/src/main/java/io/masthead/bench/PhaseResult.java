package io.masthead.bench;

import java.util.Map;

/** The figures of one phase. Rates per second; latencies in ms (NaN when there are none). */
record PhaseResult(
        Kind kind,
        String name,
        /** Target rate per second, or null for a closed-loop (as fast as possible) phase. */
        Double targetRate,
        /** Closed loop: workers; open loop: bound on requests in flight. */
        int concurrency,
        double achievedRate,
        long ok,
        long errors,
        /** Open loop: requests never sent because the phase ran out of time waiting for a free slot. */
        long notSent,
        Map<String, Long> errorCauses,
        Map<String, String> errorSamples,
        Latencies.Summary latency,
        /** Whether events were matched for this phase (creates, with Kafka reachable). */
        boolean eventsTracked,
        Latencies.Summary eventAfterResponse,
        Latencies.Summary eventAfterRequestStart,
        long eventsMissing,
        long eventsBeforeResponse,
        CpuUsage.Usage cpu) {

    enum Kind {
        /** Customer creates through the gateway at a fixed rate (open loop). */
        FIXED_RATE,
        /** Customer creates through the gateway, closed loop, as fast as N workers can. */
        MAX_CREATES,
        /** GET liveness through the gateway, closed loop: the ceiling of the bare HTTP path. */
        HTTP_CEILING,
        /** Single-row INSERTs into PostgreSQL, autocommit, N connections: the ceiling of the database work. */
        INSERT_CEILING
    }
}
