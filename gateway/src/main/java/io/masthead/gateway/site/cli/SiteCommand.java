package io.masthead.gateway.site.cli;

import io.masthead.gateway.site.application.SiteService;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import io.masthead.platform.validation.ValidationException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator's way to create a site and its first secret key, with the gateway jar as a command:
 * <pre>
 * java -jar gateway.jar site create --name "Daily Planet" [--mode test|live] --spring.r2dbc.url=... ...
 * </pre>
 * Runs the migrations, creates the site, prints its id and key, and exits without starting a web server.
 * Options other than the command's own ({@code --name}, {@code --mode}) are Spring properties.
 */
public final class SiteCommand {

    public static final String COMMAND = "site";
    static final String USAGE = """
            usage: java -jar gateway.jar site create --name <name> [--mode test|live] [--<spring.property>=<value> ...]
              --name   the site's name (required)
              --mode   test (default) or live
              other --key=value options are Spring properties, e.g. the database:
              --spring.r2dbc.url=r2dbc:postgresql://HOST:PORT/gateway --spring.r2dbc.username=... --spring.r2dbc.password=...
              --spring.flyway.url=jdbc:postgresql://HOST:PORT/gateway --spring.flyway.user=... --spring.flyway.password=...""";

    /** What the command line asks for. */
    record Invocation(String name, SiteMode mode, List<String> springArgs) {
    }

    private SiteCommand() {
    }

    public static boolean isInvoked(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Runs the command; returns the process exit code (0 done, 1 failed, 2 bad usage). */
    public static int run(Class<?> application, String[] args, PrintStream out, PrintStream err) {
        Invocation invocation;
        try {
            invocation = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        SpringApplication app = new SpringApplication(application);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("spring.cloud.gateway.server.webflux.enabled", "false");
        // a one-shot command: no outbox relay, no due-work loop
        defaults.put("masthead.outbox.enabled", "false");
        defaults.put("masthead.due-work.enabled", "false");
        defaults.put("logging.level.root", "WARN");
        defaults.put("logging.level.org.flywaydb", "INFO");
        app.setDefaultProperties(defaults);
        try (ConfigurableApplicationContext context = app.run(invocation.springArgs().toArray(String[]::new))) {
            SiteWithKey created = context.getBean(SiteService.class).create(invocation.name(), invocation.mode())
                    .block();
            out.println("site_id: " + created.site().id());
            out.println("name: " + created.site().name());
            out.println("mode: " + created.site().mode().value());
            out.println("secret_key: " + created.key().secret().reveal());
            out.println("The secret key is shown only this once: store it safely.");
            return 0;
        } catch (ValidationException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("error: site creation failed: " + e);
            return 1;
        }
    }

    static Invocation parse(String[] args) {
        if (args.length < 2 || !"create".equals(args[1])) {
            throw new IllegalArgumentException("unknown command '" + String.join(" ", args) + "'");
        }
        String name = null;
        String mode = "test";
        List<String> springArgs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (option.equals("--name") || option.equals("--mode")) {
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                if (option.equals("--name")) {
                    name = value;
                } else {
                    mode = value;
                }
            } else if (arg.startsWith("--") && arg.contains("=")) {
                springArgs.add(arg);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--name is required");
        }
        String givenMode = mode;
        Optional<SiteMode> parsedMode = SiteMode.parse(mode);
        return new Invocation(name, parsedMode.orElseThrow(
                () -> new IllegalArgumentException("--mode must be test or live, not '" + givenMode + "'")), springArgs);
    }
}
