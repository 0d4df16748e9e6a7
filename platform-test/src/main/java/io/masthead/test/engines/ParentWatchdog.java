package io.masthead.test.engines;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Entry point for the engines' child JVMs (Kafka broker, Apicurio Registry): runs the real main class and exits
 * when the parent JVM is gone, even if the parent was killed with SIGKILL and its shutdown hooks never ran.
 *
 * <p>Usage: {@code java -cp <this class>:<app> io.masthead.test.engines.ParentWatchdog <parent pid> <main class> [args...]}.
 * Deliberately free of dependencies: it is put on classpaths that contain nothing else of ours.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parent pid> <main class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Thread watchdog = new Thread(() -> watch(parentPid), "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            Class.forName(args[1]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(long parentPid) {
        while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("[parent-watchdog] parent process " + parentPid + " is gone: shutting down");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0); // runs the application's own shutdown hooks (clean broker shutdown)
    }
}
