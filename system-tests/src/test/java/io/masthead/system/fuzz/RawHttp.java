package io.masthead.system.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one connection per request: unlike an HTTP client library it sends any method,
 * any bytes in the target and any header value as given, and it reads the answer while a large body is still being
 * written (a server may answer 413 before reading it all).
 */
final class RawHttp {

    /** An answer; {@code status} 0 when none came (the connection closed or timed out first). */
    record Answer(int status, Map<String, String> headers, byte[] body, String error) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;

    RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Answer send(FuzzRequest request) {
        return send(request.method(), request.target(), request.headers(), request.body());
    }

    Answer send(String method, String target, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            IOException[] writeFailure = new IOException[1];
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                    if (body != null) {
                        out.write(body);
                    }
                    out.flush();
                } catch (IOException e) {
                    writeFailure[0] = e;
                }
            });
            Answer answer;
            try {
                answer = read(new BufferedInputStream(socket.getInputStream()));
            } catch (IOException e) {
                answer = new Answer(0, Map.of(), new byte[0], "no answer: " + e
                        + (writeFailure[0] != null ? " (while sending: " + writeFailure[0] + ")" : ""));
            }
            writer.join(30_000);
            return answer;
        } catch (IOException e) {
            return new Answer(0, Map.of(), new byte[0], "cannot connect: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, Map.of(), new byte[0], "interrupted");
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/")) {
            throw new IOException("no status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (String size = line(in); size != null; size = line(in)) {
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (status >= 200 && status != 204 && status != 304) {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toByteArray(), null);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
