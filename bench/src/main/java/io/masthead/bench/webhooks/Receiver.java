package io.masthead.bench.webhooks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The webhook receiver of the benchmark, on loopback: a small non-blocking HTTP/1.1 server (keep-alive, no
 * chunked bodies) that answers 200 at once, so that the receiver is never what is measured. For each request
 * to {@code /e<n>} it finds the event's customer id ({@code data.object.id}) and records the time from that
 * event's send; every 50th request's signature is checked against its endpoint's secret.
 */
final class Receiver implements AutoCloseable {

    private static final String MARKER = "\"data\":{\"object\":{\"id\":\"";
    private static final byte[] OK = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final List<Loop> loops = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean running = true;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rawReceived = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong checkedSignatures = new AtomicLong();
    private volatile Histogram latencies = newHistogram();
    private volatile String measured = "";

    Receiver(int threads) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        for (int i = 0; i < Math.max(1, threads); i++) {
            loops.add(new Loop(i));
        }
        acceptor = Thread.ofPlatform().daemon().name("receiver-accept").start(this::accept);
    }

    static Histogram newHistogram() {
        return new ConcurrentHistogram(1, 600_000_000L, 3); // microseconds, up to 10 minutes
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.socket().getLocalPort() + path;
    }

    void expectSecret(String path, String secret) {
        secrets.put(path, secret);
    }

    /** The event of {@code customerId} was sent at {@code nanos} (System.nanoTime). */
    void sent(String customerId, long nanos) {
        sentAt.put(customerId, nanos);
    }

    /** Starts a new measurement of the events whose customer ids start with {@code prefix}; returns the last one. */
    Histogram measure(String prefix) {
        Histogram previous = latencies;
        latencies = newHistogram();
        measured = prefix;
        return previous;
    }

    /** Deliveries of the measured events received so far. */
    long measuredCount() {
        return latencies.getTotalCount();
    }

    long received() {
        return received.get();
    }

    long rawReceived() {
        return rawReceived.get();
    }

    long badSignatures() {
        return badSignatures.get();
    }

    long checkedSignatures() {
        return checkedSignatures.get();
    }

    private void accept() {
        int next = 0;
        while (running) {
            try {
                SocketChannel channel = server.accept();
                channel.configureBlocking(false);
                channel.socket().setTcpNoDelay(true);
                loops.get(next++ % loops.size()).add(channel);
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void handle(String path, Map<String, String> headers, byte[] body, long now) {
        if (path.startsWith("/raw")) {
            rawReceived.incrementAndGet();
            return;
        }
        long n = received.incrementAndGet();
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf(MARKER);
        if (at >= 0) {
            int start = at + MARKER.length();
            String customerId = text.substring(start, text.indexOf('"', start));
            Long sent = sentAt.get(customerId);
            if (sent != null && customerId.startsWith(measured)) {
                latencies.recordValue(Math.min(600_000_000L, Math.max(1, (now - sent) / 1000)));
            }
        }
        String secret = secrets.get(path);
        if (secret != null && n % 50 == 0) {
            checkedSignatures.incrementAndGet();
            String expected = sign(secret, headers.get("webhook-id") + "." + headers.get("webhook-timestamp") + "." + text);
            String header = headers.get("webhook-signature");
            if (header == null || !List.of(header.split(" ")).contains(expected)) {
                badSignatures.incrementAndGet();
            }
        }
    }

    /** {@code v1,<base64 HMAC-SHA256>} with the key inside a {@code whsec_} secret. */
    static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        loops.forEach(Loop::close);
    }

    /** One selector thread serving its share of the connections. */
    private final class Loop {
        private final Selector selector;
        private final ConcurrentLinkedQueue<SocketChannel> added = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Loop(int index) throws IOException {
            selector = Selector.open();
            thread = Thread.ofPlatform().daemon().name("receiver-io-" + index).start(this::run);
        }

        void add(SocketChannel channel) {
            added.add(channel);
            selector.wakeup();
        }

        void close() {
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        private void run() {
            while (running) {
                try {
                    selector.select(100);
                    for (SocketChannel channel; (channel = added.poll()) != null;) {
                        channel.register(selector, SelectionKey.OP_READ, new Connection());
                    }
                    for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                        SelectionKey key = it.next();
                        it.remove();
                        if (key.isValid() && key.isReadable()) {
                            read(key);
                        }
                        if (key.isValid() && key.isWritable()) {
                            ((Connection) key.attachment()).flush(key);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    if (!running) {
                        return;
                    }
                }
            }
        }

        private void read(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            Connection connection = (Connection) key.attachment();
            try {
                int n = channel.read(connection.in);
                if (n < 0) {
                    key.cancel();
                    channel.close();
                    return;
                }
                connection.parse(System.nanoTime());
                connection.flush(key);
            } catch (IOException e) {
                key.cancel();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
    }

    /** The bytes of one keep-alive connection: requests parsed as they complete, answers queued. */
    private final class Connection {
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out = ByteBuffer.allocate(4 * 1024).flip();

        void parse(long now) {
            in.flip();
            while (true) {
                int headerEnd = indexOf(in, in.position());
                if (headerEnd < 0) {
                    break;
                }
                String head = new String(in.array(), in.position(), headerEnd - in.position(), StandardCharsets.ISO_8859_1);
                String[] lines = head.split("\r\n");
                String path = lines[0].split(" ")[1];
                Map<String, String> headers = new java.util.HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).strip());
                    }
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                int bodyStart = headerEnd + 4;
                if (in.limit() - bodyStart < length) {
                    int needed = bodyStart - in.position() + length;
                    if (needed > in.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocate(needed + 1024);
                        bigger.put(in);
                        in = bigger.flip();
                    }
                    break;
                }
                byte[] body = new byte[length];
                System.arraycopy(in.array(), bodyStart, body, 0, length);
                in.position(bodyStart + length);
                handle(path, headers, body, now);
                queue(OK);
            }
            in.compact();
        }

        void queue(byte[] bytes) {
            ByteBuffer grown = ByteBuffer.allocate(out.remaining() + bytes.length);
            grown.put(out).put(bytes).flip();
            out = grown;
        }

        void flush(SelectionKey key) throws IOException {
            SocketChannel channel = (SocketChannel) key.channel();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        /** The index of the {@code \r\n\r\n} ending a request head, from {@code from}, or -1. */
        private static int indexOf(ByteBuffer buffer, int from) {
            byte[] a = buffer.array();
            for (int i = from; i + 3 < buffer.limit(); i++) {
                if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
