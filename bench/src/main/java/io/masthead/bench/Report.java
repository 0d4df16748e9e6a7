package io.masthead.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The results as a plain-text table (console) and as Markdown (results.md). */
final class Report {

    static final double TARGET_CREATES_PER_SECOND = 1000;
    static final double TARGET_RATE_FOR_P99 = 200;
    static final double TARGET_P99_MS = 50;
    static final double TARGET_EVENT_P99_MS = 100;

    static final String[] HEADER = {
            "Phase", "Target", "Achieved/s", "OK", "Errors",
            "p50 ms", "p90 ms", "p99 ms", "max ms",
            "Event p50 ms", "Event p99 ms", "Event p50 ms", "Event p99 ms", "Events missing",
            "CPU machine", "CPU bench"};
    static final String HEADER_NOTE = "Event columns: first pair = receive - 201 response (upper bound of commit -> Kafka), "
            + "second pair = receive - request due time.";

    /** What a target came to. {@code met} is empty when the phase that measures it did not run. */
    record Verdict(String target, String measured, Optional<Boolean> met) {
        String status() {
            return met.map(m -> m ? "met" : "NOT met").orElse("not measured");
        }
    }

    private final List<PhaseResult> phases;

    Report(List<PhaseResult> phases) {
        this.phases = List.copyOf(phases);
    }

    List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (PhaseResult p : phases) {
            boolean events = p.eventsTracked();
            rows.add(new String[] {
                    p.name(),
                    p.targetRate() == null ? "max, N=" + p.concurrency() : rate(p.targetRate()) + "/s",
                    rate(p.achievedRate()),
                    Long.toString(p.ok()),
                    Long.toString(p.errors()),
                    ms(p.latency().p50()), ms(p.latency().p90()), ms(p.latency().p99()), ms(p.latency().max()),
                    events ? ms(p.eventAfterResponse().p50()) : "–",
                    events ? ms(p.eventAfterResponse().p99()) : "–",
                    events ? ms(p.eventAfterRequestStart().p50()) : "–",
                    events ? ms(p.eventAfterRequestStart().p99()) : "–",
                    events ? Long.toString(p.eventsMissing()) : "–",
                    percent(p.cpu().machine()),
                    percent(p.cpu().bench())});
        }
        return rows;
    }

    Optional<PhaseResult> phase(PhaseResult.Kind kind) {
        return phases.stream().filter(p -> p.kind() == kind).findFirst();
    }

    Optional<PhaseResult> fixedRate(double rate) {
        return phases.stream()
                .filter(p -> p.kind() == PhaseResult.Kind.FIXED_RATE && p.targetRate() != null
                        && Math.abs(p.targetRate() - rate) < 1e-9)
                .findFirst();
    }

    /** Max creates/s through the gateway divided by the insert ceiling; empty unless both ran. */
    Optional<Double> ratio() {
        Optional<PhaseResult> creates = phase(PhaseResult.Kind.MAX_CREATES);
        Optional<PhaseResult> inserts = phase(PhaseResult.Kind.INSERT_CEILING);
        if (creates.isEmpty() || inserts.isEmpty() || !(inserts.get().achievedRate() > 0)) {
            return Optional.empty();
        }
        return Optional.of(creates.get().achievedRate() / inserts.get().achievedRate());
    }

    List<String> ratioLines() {
        List<String> lines = new ArrayList<>();
        Optional<PhaseResult> creates = phase(PhaseResult.Kind.MAX_CREATES);
        Optional<PhaseResult> inserts = phase(PhaseResult.Kind.INSERT_CEILING);
        Optional<PhaseResult> http = phase(PhaseResult.Kind.HTTP_CEILING);
        ratio().ifPresent(r -> lines.add(String.format(Locale.ROOT,
                "Creates through the gateway / single-row INSERT ceiling: %s / %s per second = %.3f (%.1f %% of the ceiling)",
                rate(creates.get().achievedRate()), rate(inserts.get().achievedRate()), r, 100 * r)));
        if (creates.isPresent() && http.isPresent() && http.get().achievedRate() > 0) {
            lines.add(String.format(Locale.ROOT,
                    "Creates through the gateway / GET liveness through the gateway: %s / %s per second = %.3f",
                    rate(creates.get().achievedRate()), rate(http.get().achievedRate()),
                    creates.get().achievedRate() / http.get().achievedRate()));
        }
        return lines;
    }

    List<Verdict> verdicts() {
        List<Verdict> verdicts = new ArrayList<>();
        Optional<PhaseResult> max = phase(PhaseResult.Kind.MAX_CREATES);
        Optional<Double> best = phases.stream()
                .filter(p -> p.kind() == PhaseResult.Kind.MAX_CREATES || p.kind() == PhaseResult.Kind.FIXED_RATE)
                .map(PhaseResult::achievedRate).max(Double::compare);
        verdicts.add(new Verdict("≥ 1,000 creates/s through the gateway",
                best.map(b -> rate(b) + "/s" + (max.isPresent() ? " (best phase)" : " (best fixed-rate phase; max phase not run)"))
                        .orElse("–"),
                best.map(b -> b >= TARGET_CREATES_PER_SECOND)));
        Optional<PhaseResult> at200 = fixedRate(TARGET_RATE_FOR_P99);
        verdicts.add(new Verdict("p99 < 50 ms at 200/s",
                at200.map(p -> ms(p.latency().p99()) + " ms (" + p.errors() + " errors)").orElse("–"),
                at200.map(p -> p.latency().p99() < TARGET_P99_MS && p.errors() == 0)));
        verdicts.add(new Verdict("event on Kafka p99 < 100 ms after commit (at 200/s; receive − 201, an upper bound)",
                at200.filter(PhaseResult::eventsTracked)
                        .map(p -> ms(p.eventAfterResponse().p99()) + " ms (" + p.eventsMissing() + " missing)").orElse("–"),
                at200.filter(PhaseResult::eventsTracked)
                        .map(p -> p.eventAfterResponse().p99() < TARGET_EVENT_P99_MS && p.eventsMissing() == 0)));
        return verdicts;
    }

    /** Parts of the platform that used CPU in any phase, in display order. */
    List<String> cpuGroups() {
        java.util.Set<String> groups = new java.util.HashSet<>();
        phases.forEach(p -> groups.addAll(p.cpu().byProcess().keySet()));
        return ProcessCpu.order(groups);
    }

    /** Header then one row per phase: CPU by part of the platform, in percent of all cores. */
    List<String[]> cpuRows() {
        List<String> groups = cpuGroups();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[groups.size() + 2];
        header[0] = "Phase";
        header[1] = "machine";
        for (int i = 0; i < groups.size(); i++) {
            header[i + 2] = groups.get(i);
        }
        rows.add(header);
        for (PhaseResult p : phases) {
            String[] row = new String[header.length];
            row[0] = p.name();
            row[1] = percent(p.cpu().machine());
            for (int i = 0; i < groups.size(); i++) {
                Double share = p.cpu().byProcess().get(groups.get(i));
                row[i + 2] = p.cpu().byProcess().isEmpty() ? "–" : percent(share == null ? 0 : share);
            }
            rows.add(row);
        }
        return rows;
    }

    private static void textTable(StringBuilder out, List<String[]> all) {
        int[] widths = new int[all.get(0).length];
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < all.size(); r++) {
            String[] row = all.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String pad = " ".repeat(widths[i] - cell.length());
                out.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
    }

    String text() {
        StringBuilder out = new StringBuilder();
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows());
        textTable(out, all);
        out.append(HEADER_NOTE).append('\n');
        for (String line : ratioLines()) {
            out.append(line).append('\n');
        }
        out.append("Targets:\n");
        for (Verdict v : verdicts()) {
            out.append("  ").append(v.status()).append(": ").append(v.target()).append(" -> ").append(v.measured()).append('\n');
        }
        errors(out, "  ");
        if (!cpuGroups().isEmpty()) {
            out.append("CPU by process, % of all cores (measured part of each phase):\n");
            textTable(out, cpuRows());
        }
        return out.toString();
    }

    String markdownCpuTable() {
        List<String[]> rows = cpuRows();
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", rows.get(0))).append(" |\n|---");
        out.append("|---:".repeat(rows.get(0).length - 1)).append("|\n");
        for (String[] row : rows.subList(1, rows.size())) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| Phase | Target | Achieved/s | OK | Errors | p50 ms | p90 ms | p99 ms | max ms "
                + "| Event p50 ms (recv − 201) | Event p99 ms (recv − 201) | Event p50 ms (recv − due) | Event p99 ms (recv − due) "
                + "| Events missing | CPU machine | CPU bench |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String[] row : rows()) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    String markdown(String title, List<String> context) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n");
        for (String line : context) {
            out.append("- ").append(line).append('\n');
        }
        out.append('\n').append(markdownTable()).append('\n');
        for (String line : ratioLines()) {
            out.append("**").append(line).append("**\n\n");
        }
        out.append("| Target | Measured | Status |\n|---|---|---|\n");
        for (Verdict v : verdicts()) {
            out.append("| ").append(v.target()).append(" | ").append(v.measured()).append(" | ").append(v.status()).append(" |\n");
        }
        if (!cpuGroups().isEmpty()) {
            out.append("\nCPU by process, % of all cores, during the measured part of each phase:\n\n").append(markdownCpuTable());
        }
        StringBuilder errors = new StringBuilder();
        errors(errors, "- ");
        if (!errors.isEmpty()) {
            out.append('\n').append(errors.toString().replace("|", "\\|"));
        }
        return out.toString();
    }

    private void errors(StringBuilder out, String indent) {
        for (PhaseResult p : phases) {
            for (Map.Entry<String, Long> e : p.errorCauses().entrySet()) {
                out.append(indent).append(p.name()).append(": ").append(e.getValue()).append(" x ").append(e.getKey());
                String sample = p.errorSamples().get(e.getKey());
                if (sample != null && !sample.isBlank()) {
                    out.append(" — e.g. ").append(sample.replaceAll("\\s+", " "));
                }
                out.append('\n');
            }
            if (p.eventsTracked() && p.eventsBeforeResponse() > 0) {
                out.append(indent).append(p.name()).append(": ").append(p.eventsBeforeResponse())
                        .append(" events arrived before their 201 (counted as 0 ms after it)\n");
            }
        }
    }

    static String rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "–";
        }
        return perSecond >= 100 || perSecond == Math.rint(perSecond)
                ? String.format(Locale.ROOT, "%.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "–";
        }
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }

    static String percent(double percent) {
        return Double.isNaN(percent) ? "–" : String.format(Locale.ROOT, "%.0f %%", percent);
    }
}
