package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportTest {

    private static PhaseResult phase(PhaseResult.Kind kind, String name, Double target, double achieved,
                                     double p99, double eventP99, long errors) {
        Latencies.Summary latency = new Latencies.Summary(100, p99 / 3, p99 / 2, p99, p99 * 2);
        Latencies.Summary event = new Latencies.Summary(100, eventP99 / 4, eventP99 / 2, eventP99, eventP99 * 3);
        boolean events = kind == PhaseResult.Kind.FIXED_RATE || kind == PhaseResult.Kind.MAX_CREATES;
        return new PhaseResult(kind, name, target, 16, achieved, 100, errors, 0,
                errors > 0 ? Map.of("HTTP 500", errors) : Map.of(), errors > 0 ? Map.of("HTTP 500", "{\"title\":\"boom\"}") : Map.of(),
                latency, events, events ? event : Latencies.Summary.EMPTY, events ? event : Latencies.Summary.EMPTY,
                0, 0, new CpuUsage.Usage(97.4, 21.2, kind == PhaseResult.Kind.INSERT_CEILING
                        ? Map.of(ProcessCpu.POSTGRES, 60.0, ProcessCpu.BENCH, 21.2)
                        : Map.of("gateway", 30.0, ProcessCpu.POSTGRES, 20.0, ProcessCpu.BENCH, 21.2, ProcessCpu.OTHER, 1.0)));
    }

    private final Report report = new Report(List.of(
            phase(PhaseResult.Kind.FIXED_RATE, "creates @ 200/s", 200.0, 199.8, 31.25, 80, 0),
            phase(PhaseResult.Kind.FIXED_RATE, "creates @ 1000/s", 1000.0, 640, 2500, 900, 3),
            phase(PhaseResult.Kind.MAX_CREATES, "creates max", null, 700, 60, 150, 0),
            phase(PhaseResult.Kind.HTTP_CEILING, "GET liveness max", null, 7000, 5, 0, 0),
            phase(PhaseResult.Kind.INSERT_CEILING, "INSERT ceiling (JDBC)", null, 3500, 9, 0, 0)));

    @Test
    void ratioIsMaxCreatesOverInsertCeiling() {
        assertThat(report.ratio()).hasValueSatisfying(r -> assertThat(r).isEqualTo(0.2));
        assertThat(report.ratioLines().get(0)).contains("700 / 3500 per second = 0.200 (20.0 % of the ceiling)");
        assertThat(report.ratioLines().get(1)).contains("700 / 7000 per second = 0.100");
    }

    @Test
    void verdicts() {
        List<Report.Verdict> v = report.verdicts();
        assertThat(v.get(0).status()).isEqualTo("NOT met");
        assertThat(v.get(0).measured()).startsWith("700/s");
        assertThat(v.get(1).status()).isEqualTo("met");
        assertThat(v.get(1).measured()).isEqualTo("31.3 ms (0 errors)");
        assertThat(v.get(2).status()).isEqualTo("met");
        assertThat(new Report(List.of()).verdicts()).allSatisfy(x -> assertThat(x.status()).isEqualTo("not measured"));
    }

    @Test
    void tablesHaveARowPerPhaseAndTheSameCells() {
        String md = report.markdownTable();
        assertThat(md.lines()).hasSize(2 + 5);
        assertThat(md).contains("| creates @ 200/s | 200/s | 200 | 100 | 0 | 10.4 | 15.6 | 31.3 | 62.5 | 20.0 | 80.0 | 20.0 | 80.0 | 0 | 97 % | 21 % |");
        assertThat(md).contains("| INSERT ceiling (JDBC) | max, N=16 | 3500 | 100 | 0 |");
        assertThat(md).contains("| – | – | – | – | – |");
        String text = report.text();
        assertThat(text).contains("creates @ 1000/s").contains("NOT met").contains("3 x HTTP 500 — e.g. {\"title\":\"boom\"}");
        String full = report.markdown("Results", List.of("Machine: test"));
        assertThat(full).startsWith("# Results\n\n- Machine: test\n");
    }

    @Test
    void cpuByProcessTable() {
        assertThat(report.cpuGroups()).containsExactly("gateway", ProcessCpu.POSTGRES, ProcessCpu.BENCH, ProcessCpu.OTHER);
        String md = report.markdownCpuTable();
        assertThat(md).startsWith("| Phase | machine | gateway | PostgreSQL | bench (load generator) | other processes |\n|---|---:|---:|---:|---:|---:|\n");
        assertThat(md).contains("| creates @ 200/s | 97 % | 30 % | 20 % | 21 % | 1 % |");
        assertThat(md).contains("| INSERT ceiling (JDBC) | 97 % | 0 % | 60 % | 21 % | 0 % |");
        assertThat(report.text()).contains("CPU by process");
    }

    @Test
    void numberFormats() {
        assertThat(Report.ms(Double.NaN)).isEqualTo("–");
        assertThat(Report.ms(1.234)).isEqualTo("1.2");
        assertThat(Report.ms(123.4)).isEqualTo("123");
        assertThat(Report.rate(50)).isEqualTo("50");
        assertThat(Report.rate(49.94)).isEqualTo("49.9");
        assertThat(Report.rate(999.6)).isEqualTo("1000");
    }
}
