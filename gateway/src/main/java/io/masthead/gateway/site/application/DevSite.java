package io.masthead.gateway.site.application;

import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;

/**
 * The local run's dev site, kept in step with a key file at start-up:
 * no file: a new test-mode "Dev site" and key, written to the file (owner-only);
 * a file with a known key: nothing to do;
 * a file whose key the database does not know (it was wiped): the dev site again, with that same key.
 * So the key a developer copied keeps working across restarts and database resets.
 */
public class DevSite implements ApplicationRunner {

    public static final String NAME = "Dev site";
    private static final Logger log = LoggerFactory.getLogger(DevSite.class);

    private final Path keyFile;
    private final SiteService sites;
    private final ApiKeyService apiKeys;

    public DevSite(Path keyFile, SiteService sites, ApiKeyService apiKeys) {
        this.keyFile = keyFile;
        this.sites = sites;
        this.apiKeys = apiKeys;
    }

    @Override
    public void run(ApplicationArguments args) {
        ensure();
    }

    public void ensure() {
        if (!Files.exists(keyFile)) {
            SiteWithKey created = sites.create(NAME, SiteMode.TEST).block();
            write(created.key().secret());
            log.info("Dev site {} created; its secret key is in {}", created.site().id(), keyFile);
            return;
        }
        SecretKey key = read();
        if (Boolean.TRUE.equals(apiKeys.exists(key).block())) {
            log.info("Dev site key in {} is known ({})", keyFile, key);
            return;
        }
        try {
            SiteWithKey created = sites.create(NAME, SiteMode.TEST, key).block();
            log.info("Dev site {} re-created with the key in {}", created.site().id(), keyFile);
        } catch (DuplicateKeyException raced) {
            log.info("Dev site key in {} was registered concurrently", keyFile);
        }
    }

    private SecretKey read() {
        try {
            String content = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
            SecretKey key = SecretKey.parse(content).orElseThrow(() -> new IllegalStateException(
                    "masthead.gateway.dev-site.key-file " + keyFile + " does not hold a secret key; delete it to get a new one"));
            if (key.livemode()) {
                throw new IllegalStateException("masthead.gateway.dev-site.key-file " + keyFile
                        + " holds a live key; the dev site is a test-mode site");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + keyFile, e);
        }
    }

    private void write(SecretKey key) {
        try {
            Path dir = keyFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp;
            try {
                temp = Files.createTempFile(dir, ".dev-site-key", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                temp = Files.createTempFile(dir, ".dev-site-key", ".tmp");
            }
            Files.writeString(temp, key.reveal() + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, keyFile);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("the dev site key file appeared concurrently: " + keyFile, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dev site key to " + keyFile, e);
        }
    }
}
