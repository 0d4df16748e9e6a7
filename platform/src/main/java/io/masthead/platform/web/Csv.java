package io.masthead.platform.web;

import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Flux;

/**
 * Streaming CSV exports (RFC 4180): a header line, then one line per row as rows arrive from the
 * database, written in chunks; nothing is collected in memory.
 */
public final class Csv {

    public static final MediaType TEXT_CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);
    private static final int LINES_PER_CHUNK = 200;

    private Csv() {
    }

    public static String line(Object... cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(escape(cells[i] == null ? "" : cells[i].toString()));
        }
        return sb.append("\r\n").toString();
    }

    static String escape(String cell) {
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0;
        return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }

    /** A downloadable CSV response of {@code rows}, with {@code header} as the first line. */
    public static <T> ResponseEntity<Flux<String>> download(String filename, String[] header, Flux<T> rows,
            Function<T, Object[]> cells) {
        Flux<String> body = Flux.concat(Flux.just(line((Object[]) header)),
                rows.map(row -> line(cells.apply(row))).buffer(LINES_PER_CHUNK).map(chunk -> String.join("", chunk)));
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                .body(body);
    }
}
