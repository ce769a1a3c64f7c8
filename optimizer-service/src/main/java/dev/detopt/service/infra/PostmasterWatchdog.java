package dev.detopt.service.infra;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Ends the embedded PostgreSQL when the JVM that started it is gone, however it went (a
 * {@code kill -9} runs no shutdown hook). A child {@code sh} blocks reading a pipe whose only writer
 * is this JVM; the kernel closes that pipe when the JVM dies, and the shell then asks the postmaster
 * for a fast shutdown (SIGINT: roll back open transactions, flush, exit). The shell ignores SIGINT
 * and SIGHUP, so Ctrl-C in a terminal reaches only the JVM, which stops PostgreSQL itself after its
 * graceful shutdown; {@link #dismiss()} then ends the watchdog without signalling.
 */
final class PostmasterWatchdog {

    private static final String SCRIPT = "trap '' INT HUP; read -r line; [ \"$line\" = dismiss ] || kill -INT \"$0\" 2>/dev/null";

    private final Process shell;
    private final OutputStream pipe;

    private PostmasterWatchdog(Process shell) {
        this.shell = shell;
        this.pipe = shell.getOutputStream();
    }

    static PostmasterWatchdog watch(long postmasterPid) throws IOException {
        Process shell = new ProcessBuilder("sh", "-c", SCRIPT, Long.toString(postmasterPid))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new PostmasterWatchdog(shell);
    }

    /** This JVM stopped PostgreSQL itself: end the watchdog without a signal. */
    void dismiss() {
        try (pipe) {
            pipe.write("dismiss\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            shell.destroy(); // already gone
        }
    }

    /** The watchdog's shell process (tests). */
    ProcessHandle process() {
        return shell.toHandle();
    }
}
