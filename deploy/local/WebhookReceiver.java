import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for trying Masthead locally: prints every delivery and checks its Standard Webhooks
 * signature with the endpoint's secret. No dependencies:
 *
 *   java deploy/local/WebhookReceiver.java whsec_... [port]      (default port 9999, path /hook)
 */
public class WebhookReceiver {

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !args[0].startsWith("whsec_")) {
            System.err.println("usage: java deploy/local/WebhookReceiver.java whsec_... [port]");
            System.exit(2);
        }
        byte[] key = Base64.getDecoder().decode(args[0].substring("whsec_".length()));
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9999;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = verify(key, id, timestamp, body, signatures);
            System.out.printf("%s %s webhook-id=%s signature %s%n  %s%n", exchange.getRequestMethod(),
                    exchange.getRequestURI(), id, valid ? "VALID" : "INVALID",
                    new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(valid ? 204 : 400, -1);
            exchange.close();
        });
        server.start();
        System.out.println("Listening on http://localhost:" + port + "/hook (Ctrl-C to stop)");
    }

    /** Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, several space-separated. */
    static boolean verify(byte[] key, String id, String timestamp, byte[] body, String signatures) {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(signature.substring(3)))) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }
}
