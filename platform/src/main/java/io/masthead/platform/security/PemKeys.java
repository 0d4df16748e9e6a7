package io.masthead.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** RSA keys as PEM files: PKCS#8 private keys, X.509 SubjectPublicKeyInfo public keys. */
public final class PemKeys {

    private PemKeys() {
    }

    public static KeyPair generateRsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writePrivate(Path file, PrivateKey key) {
        write(file, "PRIVATE KEY", key.getEncoded());
    }

    public static void writePublic(Path file, PublicKey key) {
        write(file, "PUBLIC KEY", key.getEncoded());
    }

    public static RSAPrivateKey readPrivate(Path file) {
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(read(file)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA private key (PKCS#8 PEM): " + file, e);
        }
    }

    public static RSAPublicKey readPublic(Path file) {
        return publicFromPem(readString(file));
    }

    public static RSAPublicKey publicFromPem(String pem) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(decode(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA public key (X.509 PEM)", e);
        }
    }

    public static RSAPublicKey publicOf(RSAPrivateKey privateKey) {
        try {
            var crt = (java.security.interfaces.RSAPrivateCrtKey) privateKey;
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    private static void write(Path file, String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        return decode(readString(file));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] decode(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }
}
