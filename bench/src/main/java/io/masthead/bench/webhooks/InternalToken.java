package io.masthead.bench.webhooks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A site-admin token as the gateway mints it (RS256; iss masthead-gateway, aud masthead-services, site_id,
 * role admin), signed with the local run's key ({@code .data/keys/internal-jwt-private.pem}), so the bench can
 * call webhook-service directly, without a gateway route or an API key.
 */
final class InternalToken {

    private InternalToken() {
    }

    static String admin(Path privateKeyPem, String siteId) throws Exception {
        String pem = Files.readString(privateKeyPem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"masthead-gateway\",\"aud\":[\"masthead-services\"],\"sub\":\"bench\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + ",\"site_id\":\"" + siteId + "\",\"role\":\"admin\",\"livemode\":false}";
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String unsigned = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        return unsigned + "." + url.encodeToString(rsa.sign());
    }
}
