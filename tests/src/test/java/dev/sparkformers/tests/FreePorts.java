package dev.sparkformers.tests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Ports on 127.0.0.1 for the servers the tests start. */
final class FreePorts {

    private FreePorts() {}

    /**
     * Returns a port that was free a moment ago. Another process may take it before the server binds it;
     * callers then see the server fail to start.
     */
    static int find() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Waits until a server accepts connections on 127.0.0.1:{@code port}. */
    static void awaitListening(int port, ChildProcess server, Duration timeout) throws InterruptedException,
            TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("The server exited before it listened on port " + port + "; see "
                            + server.log(), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Nothing listens on 127.0.0.1:" + port + " after " + timeout + "; see "
                            + server.log());
                }
                Thread.sleep(200);
            }
        }
    }
}
